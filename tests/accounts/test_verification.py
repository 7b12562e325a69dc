"""Issue 15, points 12 and 15: e-mail verification through a real SMTP server (aiosmtpd on a free port),
sessions that require a verified address, and a sign-up that does not tell which addresses have an
account."""

import re
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from conftest import PASSWORD
from helpers import form_fields
from servers import free_port

from deliberate.extensions import db

SESSION = "/api/v1/sessions/uclg-1-3-2"
LINK = re.compile(r"http://localhost(/\S+)")


class Inbox:
    """The SMTP server's handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def link(self, address: str) -> str:
        (message,) = self.to(address)
        return LINK.search(message.get_content())[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def app_config(request, inbox):
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": inbox.port,
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "Deliberate <noreply@deliberate.test>",
        **getattr(request, "param", {}),
    }


def address() -> str:
    return f"p-{uuid.uuid4().hex[:8]}@example.org"


def sign_up(client, email: str, language: str = "en"):
    return client.post(
        "/api/v1/auth/signup",
        json={"email": email, "name": "Paz", "password": PASSWORD, "language": language},
    )


def me(client) -> dict:
    return client.get("/api/v1/auth/me").get_json()["user"]


# 15. Sign-up sends a verification link through the SMTP server; opening it verifies the address.


def test_sign_up_mails_a_link_that_verifies_the_address(client, inbox):
    email = address()

    assert sign_up(client, email).status_code == 201
    assert me(client)["email_verified"] is False
    (message,) = inbox.to(email)
    assert message["From"] == "Deliberate <noreply@deliberate.test>"

    opened = client.get(inbox.link(email))

    assert opened.status_code == 302
    assert me(client)["email_verified"] is True


def test_the_mail_is_in_the_persons_language(client, inbox):
    email = address()

    sign_up(client, email, language="fr")

    (message,) = inbox.to(email)
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert "Bonjour Paz" in message.get_content()


def test_a_tampered_link_verifies_nothing(client, inbox):
    email = address()
    sign_up(client, email)
    link = inbox.link(email)

    opened = client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))

    assert opened.status_code == 400
    assert me(client)["email_verified"] is False


def test_a_link_older_than_its_validity_verifies_nothing(app, client, make_user, monkeypatch):
    import time

    from itsdangerous import TimestampSigner

    from deliberate.accounts import verification
    from deliberate.accounts.models import User

    person = make_user()
    hours = app.config["EMAIL_VERIFICATION_HOURS"]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - hours * 3600 - 5)
    with app.app_context():
        token = verification.token_for(db.session.get(User, person.id))
    monkeypatch.undo()

    response = client.post("/api/v1/auth/verify", json={"token": token})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_a_person_asks_for_the_link_again(app, make_user, login, inbox):
    person = make_user()
    http = login(person)

    response = http.post("/api/v1/auth/verification", json={})

    assert response.status_code == 202
    token = inbox.link(person.email).split("/verify/", 1)[1]
    assert http.post("/api/v1/auth/verify", json={"token": token}).get_json()["user"]["email_verified"]


# 15. A session that requires a verified address.


def require_verified(app, demo_session) -> None:
    from deliberate.sessions.models import PanelSession

    with app.app_context():
        db.session.get(PanelSession, demo_session.id).requires_verified_email = True
        db.session.commit()


def test_a_session_requiring_verification_refuses_an_unverified_person(app, demo_session, client, inbox):
    require_verified(app, demo_session)
    email = address()
    sign_up(client, email)

    refused = client.post(f"{SESSION}/register", json={})
    client.get(inbox.link(email))
    accepted = client.post(f"{SESSION}/register", json={})

    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert accepted.status_code == 201


def test_joining_by_qr_code_a_session_requiring_verification_mails_the_link_back(
    app, demo_session, client, inbox
):
    require_verified(app, demo_session)
    email = address()

    page = client.post(
        "/j/uclg-1-3-2/1", data={"mode": "signup", "email": email, "name": "Paz", "password": PASSWORD}
    )
    assert page.status_code == 403
    link = inbox.link(email)
    assert "next=%2Fj%2Fuclg-1-3-2%2F1" in link
    back = client.get(link)

    assert back.headers["Location"] == "/j/uclg-1-3-2/1"
    assert client.post(f"{SESSION}/register", json={}).status_code == 201


def test_the_organiser_requires_verification_in_the_session_form(app, make_user, demo_session):
    from deliberate.sessions.models import PanelSession

    organiser = make_user("Olga", organiser=True)
    http = app.test_client()
    http.post("/api/v1/auth/login", json={"email": organiser.email, "password": PASSWORD})
    form = http.get("/organiser/sessions/uclg-1-3-2/edit").get_data(as_text=True)
    assert 'name="requires_verified_email"' in form

    fields = form_fields(form)
    fields["requires_verified_email"] = "on"
    response = http.post("/organiser/sessions/uclg-1-3-2/edit", data=fields)

    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    with app.app_context():
        assert db.session.get(PanelSession, demo_session.id).requires_verified_email is True


def test_the_cli_verifies_an_address(app, make_user, runner, login):
    person = make_user()

    assert runner.invoke("user", "verify", person.email).exit_code == 0

    assert me(login(person))["email_verified"] is True


# 12. Sign-up by mail first answers alike for known and unknown addresses.


@pytest.mark.parametrize("app_config", [{"SIGNUP_CONFIRM": True}], indirect=True)
def test_sign_up_answers_alike_whether_or_not_the_address_has_an_account(app, make_user, inbox):
    known = make_user()
    new, again = app.test_client(), app.test_client()

    unknown_answer = sign_up(new, address())
    known_answer = sign_up(again, known.email)

    assert unknown_answer.status_code == known_answer.status_code == 202
    assert unknown_answer.get_json() == known_answer.get_json()
    assert new.get("/api/v1/auth/me").status_code == again.get("/api/v1/auth/me").status_code == 401
    # Only the owner of the address learns that it has an account.
    (note,) = inbox.to(known.email)
    assert note["Subject"] == "You already have an account"


@pytest.mark.parametrize("app_config", [{"SIGNUP_CONFIRM": True}], indirect=True)
def test_the_sign_up_link_makes_the_account_verified_and_logs_in(app, client, inbox):
    email = address()
    sign_up(client, email)

    opened = client.get(inbox.link(email))

    assert opened.status_code == 302
    assert me(client)["email"] == email and me(client)["email_verified"] is True
    assert client.get(inbox.link(email)).status_code == 409  # the same link again makes nothing


@pytest.mark.parametrize("app_config", [{"SIGNUP_CONFIRM": True}], indirect=True)
def test_a_known_address_gets_no_account_link(app, make_user, client, inbox):
    known = make_user()

    sign_up(client, known.email)

    (note,) = inbox.to(known.email)
    assert "/signup/" not in note.get_content()


@pytest.mark.parametrize("app_config", [{"TESTING": False}], indirect=True)
def test_links_in_mails_never_come_from_the_host_header(client, inbox):
    """Without DELIBERATE_PUBLIC_URL a forged Host would mail the owner a link to the forger's site."""
    email = address()

    answer = client.post(
        "/api/v1/auth/signup",
        json={"email": email, "name": "Paz", "password": PASSWORD},
        headers={"Host": "evil.example"},
    )

    assert answer.status_code == 201  # the sign-up itself works, with no mail
    assert inbox.to(email) == []


@pytest.mark.parametrize(
    "app_config", [{"TESTING": False, "PUBLIC_URL": "https://deliberate.example.org"}], indirect=True
)
def test_links_in_mails_use_the_public_address(client, inbox):
    email = address()

    client.post(
        "/api/v1/auth/signup",
        json={"email": email, "name": "Paz", "password": PASSWORD},
        headers={"Host": "evil.example"},
    )

    (message,) = inbox.to(email)
    assert "https://deliberate.example.org/verify/" in message.get_content()
    assert "evil.example" not in message.get_content()


def test_serve_refuses_mail_without_a_public_address(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DELIBERATE_")}
    env.update({"DELIBERATE_INSTANCE_PATH": str(tmp_path), "DELIBERATE_SMTP_HOST": "127.0.0.1"})

    done = subprocess.run(
        [sys.executable, "-m", "deliberate.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert "DELIBERATE_PUBLIC_URL" in done.stderr
