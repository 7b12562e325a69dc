"""Issue 15: roles bind every socket, log-out ends sessions, throttles, web defences, input hygiene."""

import logging
import os
import subprocess
import sys

import pytest
from conftest import PASSWORD
from helpers import form_fields

from deliberate.extensions import db, socketio

SESSION = "/api/v1/sessions/uclg-1-3-2"


def grant_in_another_process(app, email: str, role: str) -> None:
    """``deliberate grant`` as a person runs it: its own process, beside the running server."""
    env = {
        **os.environ,
        "DELIBERATE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "DELIBERATE_INSTANCE_PATH": app.instance_path,
        "DELIBERATE_SECRET_KEY": "x",
    }
    command = [sys.executable, "-m", "deliberate.cli", "grant", "uclg-1-3-2", email, role]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)


def connections(app):
    return app.extensions["deliberate.connections"]


# 1. A reserved event name can never be emitted by a client.


def test_a_client_sent_disconnect_event_does_not_make_the_server_forget_the_socket(app, make_member, joined):
    moderator = make_member("moderator")
    sock = joined(moderator)

    sock.emit("disconnect", {})

    assert connections(app).count(moderator.id) == 1
    assert sock.is_connected()


def test_a_demotion_still_closes_a_socket_that_sent_a_forged_disconnect(app, make_member, joined):
    moderator = make_member("moderator")
    sock = joined(moderator)
    sock.emit("disconnect", {})
    with app.app_context():
        connections(app).poll(db.session)  # the running server's poll, as its loop does each second

    grant_in_another_process(app, moderator.email, "attendee")
    with app.app_context():
        connections(app).poll(db.session)

    assert not sock.is_connected()


def test_a_client_sent_connect_event_is_ignored(app, make_member, connect):
    person = make_member()
    sock = connect(person)

    sock.emit("connect", {})

    assert connections(app).count(person.id) == 1


# 4. `deliberate grant` on a single process without Redis closes the person's sockets.


def test_cli_grant_reaches_the_running_server_without_redis(app, make_member, joined):
    attendee = make_member()
    with app.app_context():
        connections(app).poll(db.session)  # the server starts polling before the change
    sock = joined(attendee)

    grant_in_another_process(app, attendee.email, "moderator")
    assert sock.is_connected()
    with app.app_context():
        connections(app).poll(db.session)

    assert not sock.is_connected()


# 5. Log-out and a new password invalidate the session and close its sockets.


def test_logout_invalidates_the_old_cookie(app, make_user, login):
    person = make_user()
    http = login(person)
    cookie = http.get_cookie("session")
    stolen = app.test_client()
    stolen.set_cookie("session", cookie.value)

    assert http.post("/api/v1/auth/logout", json={}).status_code == 204

    assert stolen.get("/api/v1/auth/me").status_code == 401


def test_logout_closes_the_persons_open_sockets(app, make_member, login):
    person = make_member()
    http = login(person)
    sock = socketio.test_client(app, flask_test_client=login(person))
    assert sock.is_connected()

    http.post("/api/v1/auth/logout", json={})

    assert not sock.is_connected()


def test_a_socket_opened_before_logout_cannot_vote_afterwards(app, make_member, login, question):
    person = make_member()
    http = login(person)
    sock = socketio.test_client(app, flask_test_client=http)
    http.post("/api/v1/auth/logout", json={})
    # Even a socket the server had no time to close answers as logged out.
    ack = sock.emit("join", {"question_id": question.id}, callback=True) if sock.is_connected() else None

    assert ack is None or ack["error"]["code"] == "unauthenticated"


def test_password_change_ends_other_logins_and_keeps_this_one(app, make_user, login):
    person = make_user()
    here, elsewhere = login(person), login(person)

    response = here.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "another horse"}
    )

    assert response.status_code == 204
    assert here.get("/api/v1/auth/me").status_code == 200
    assert elsewhere.get("/api/v1/auth/me").status_code == 401


# 8. One person's load is bounded: sockets per account.


@pytest.mark.parametrize("app_config", [{"SOCKETS_PER_PERSON": 2}])
def test_sockets_beyond_the_cap_are_refused(app, make_member, login):
    person = make_member()
    http = login(person)
    socks = [socketio.test_client(app, flask_test_client=http) for _ in range(3)]

    assert [s.is_connected() for s in socks] == [True, True, False]
    for s in socks:
        if s.is_connected():
            s.disconnect()


# 7. Malformed packets are counted and logged once a minute, not as tracebacks.


def test_malformed_packets_are_counted_and_logged_once(app, make_member, connect, caplog):
    sock = connect(make_member())
    handle = socketio.server.eio.handlers["message"]
    caplog.set_level(logging.INFO)

    for _ in range(50):
        handle(sock.eio_sid, '2["post",')

    counter = app.extensions["deliberate.malformed"]
    assert counter.total == 50
    warnings = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert len(warnings) == 1
    assert not any(r.exc_info for r in caplog.records)


# 18. Hidden ids are not told apart from missing ones.


def test_moderate_answers_not_found_for_a_hidden_contribution(app, make_member, joined, question):
    moderator, attendee = make_member("moderator"), make_member()
    mod_sock = joined(moderator)
    cid = mod_sock.emit("post", {"question_id": question.id, "text": "to hide"}, callback=True)
    cid = cid["contribution"]["id"]
    mod_sock.emit("moderate", {"contribution_id": cid, "action": "hide"}, callback=True)
    sock = joined(attendee)

    hidden = sock.emit("moderate", {"contribution_id": cid, "action": "restore"}, callback=True)
    missing = sock.emit("moderate", {"contribution_id": 999999, "action": "restore"}, callback=True)

    assert hidden["error"]["code"] == missing["error"]["code"] == "not_found"


# 11, 14, 17. Web defences.


def test_pages_send_the_security_headers(client):
    headers = client.get("/login").headers

    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/auth/logout", f"{SESSION}/register", "/api/v1/questions/1/cluster-suggestions"],
)
def test_json_posts_refuse_a_request_without_json_content_type(make_user, login, path):
    http = login(make_user())

    response = http.post(path, data="x=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    assert http.get("/api/v1/auth/me").status_code == 200  # the cross-site log-out did nothing


def test_a_body_over_the_limit_is_refused(client):
    response = client.post(
        "/api/v1/auth/login",
        data=b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "invalid"


# 2, 15. Throttles.


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATE_LOGIN_ACCOUNT": "3/minute", "RATE_LOGIN_IP": "100/minute"}],
)
def test_failed_logins_are_throttled_per_account(client, make_user):
    person = make_user()
    answers = [
        client.post("/api/v1/auth/login", json={"email": person.email, "password": "wrong"}).status_code
        for _ in range(4)
    ]
    right = client.post("/api/v1/auth/login", json={"email": person.email, "password": PASSWORD})

    assert answers == [401, 401, 401, 429]
    assert right.status_code == 429
    assert right.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATE_LOGIN_ACCOUNT": "3/minute", "RATE_LOGIN_IP": "100/minute"}],
)
def test_an_attacker_elsewhere_does_not_lock_the_person_out(app, make_user):
    person = make_user()
    attacker = app.test_client()
    for _ in range(5):
        attacker.post(
            "/api/v1/auth/login",
            json={"email": person.email, "password": "wrong"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )

    response = app.test_client().post(
        "/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATE_SIGNUP_IP": "3/minute"}])
def test_signups_are_throttled_per_address(client):
    answers = [
        client.post(
            "/api/v1/auth/signup", json={"email": f"p{i}@example.org", "name": "P", "password": PASSWORD}
        ).status_code
        for i in range(4)
    ]

    assert answers == [201, 201, 201, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATE_STATE_READS": "3/minute"}])
def test_state_reads_are_throttled_per_person(make_member, login, question):
    http = login(make_member())

    answers = [http.get(f"/api/v1/questions/{question.id}/state").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATE_JOINS": "3/minute"}])
def test_joins_are_throttled_per_person(make_member, connect, question):
    sock = connect(make_member())

    acks = [sock.emit("join", {"question_id": question.id}, callback=True) for _ in range(4)]

    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited"


# 12. Known and unknown e-mail addresses answer alike.


def test_login_answers_alike_for_known_and_unknown_addresses(client, make_user, monkeypatch):
    from deliberate.accounts import services

    checked = []
    original = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: checked.append(h) or original(h, p))
    person = make_user()

    known = client.post("/api/v1/auth/login", json={"email": person.email, "password": "wrong"})
    unknown = client.post("/api/v1/auth/login", json={"email": "nobody@example.org", "password": "wrong"})

    assert known.status_code == unknown.status_code == 401
    assert known.get_json() == unknown.get_json()
    assert len(checked) == 2  # a hash is checked for the unknown address too: same work, same time


# 16. Texts must contain visible characters; control characters are stripped.


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u202e", "\ufeff \u200b", "\x1b\x07"])
def test_invisible_texts_are_refused(joined, make_member, question, text):
    sock = joined(make_member())

    ack = sock.emit("post", {"question_id": question.id, "text": text}, callback=True)

    assert ack["error"]["code"] == "invalid"


def test_control_characters_are_stripped_and_newlines_kept(joined, make_member, question):
    sock = joined(make_member())

    ack = sock.emit("post", {"question_id": question.id, "text": "a\x1b[31mb\x07\x08\nc\td"}, callback=True)

    assert ack["contribution"]["text"] == "a[31mb\nc\td"


# Issue 8: password hashing runs off the event loop.


def test_password_hashing_goes_through_the_thread_helper(client, monkeypatch, make_user):
    from deliberate import asyncmode

    calls = []
    named = lambda f: getattr(f, "func", f).__name__  # noqa: E731 - a partial names its function
    monkeypatch.setattr(asyncmode, "in_thread", lambda f, *a, **k: calls.append(named(f)) or f(*a, **k))
    person = make_user()
    client.post("/api/v1/auth/login", json={"email": person.email, "password": PASSWORD})

    assert calls == ["generate_password_hash", "check_password_hash"]


# 10. Exclusion from a session.


def test_a_moderator_excludes_a_person_whose_sockets_close(app, make_member, login, joined):
    moderator, attendee = make_member("moderator"), make_member()
    sock = joined(attendee)

    response = login(moderator).post(f"{SESSION}/exclusions", json={"email": attendee.email})

    assert response.status_code == 201
    assert not sock.is_connected()


def test_an_excluded_person_cannot_register_again_until_readmitted(app, make_member, login):
    moderator, attendee = make_member("moderator"), make_member()
    mod_http, http = login(moderator), login(attendee)
    mod_http.post(f"{SESSION}/exclusions", json={"email": attendee.email})

    again = http.post(f"{SESSION}/register", json={})
    mod_http.delete(f"{SESSION}/exclusions/{attendee.id}")
    readmitted = http.post(f"{SESSION}/register", json={})

    assert again.status_code == 403
    assert readmitted.status_code == 201


def test_an_exclusion_is_audited(app, make_member, login):
    from deliberate.audit.models import AuditEntry

    moderator, attendee = make_member("moderator"), make_member()
    login(moderator).post(f"{SESSION}/exclusions", json={"email": attendee.email})

    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "person_excluded" in actions


def test_an_attendee_cannot_exclude(make_member, login):
    attendee, other = make_member(), make_member()

    response = login(attendee).post(f"{SESSION}/exclusions", json={"email": other.email})

    assert response.status_code == 403


def test_the_cli_excludes_and_readmits(app, make_member, runner, login):
    attendee = make_member()

    assert runner.invoke("exclude", "uclg-1-3-2", attendee.email).exit_code == 0
    assert login(attendee).post(f"{SESSION}/register", json={}).status_code == 403
    assert runner.invoke("exclude", "uclg-1-3-2", attendee.email, "--readmit").exit_code == 0
    assert login(attendee).post(f"{SESSION}/register", json={}).status_code == 201


# 11. The projector may be framed by other sites only when the organiser allows it.


def _set_embeddable(app, organiser_http, allowed: bool) -> None:
    fields = form_fields(organiser_http.get("/organiser/sessions/uclg-1-3-2/edit").get_data(as_text=True))
    fields.pop("projector_embeddable", None)
    if allowed:
        fields["projector_embeddable"] = "on"
    assert organiser_http.post("/organiser/sessions/uclg-1-3-2/edit", data=fields).status_code in (200, 302)


def test_the_projector_may_be_embedded_once_the_organiser_allows_it(app, make_member, login, question):
    organiser, moderator = make_member("organiser"), make_member("moderator")
    org_http, mod_http = login(organiser), login(moderator)
    link = mod_http.post(f"/api/v1/questions/{question.id}/projector-link", json={}).get_json()["url"]
    token_page = "/p/" + link.rsplit("/p/", 1)[1]
    pages = [token_page, f"/s/uclg-1-3-2/q/{question.position}/projector"]

    before = [mod_http.get(page).headers for page in pages]
    _set_embeddable(app, org_http, True)
    after = [mod_http.get(page).headers for page in pages]
    room = mod_http.get(f"/s/uclg-1-3-2/q/{question.position}").headers

    assert all("frame-ancestors 'none'" in h["Content-Security-Policy"] for h in before)
    assert all(h["X-Frame-Options"] == "DENY" for h in before)
    assert all("frame-ancestors *" in h["Content-Security-Policy"] for h in after)
    assert all("X-Frame-Options" not in h for h in after)
    assert "frame-ancestors 'none'" in room["Content-Security-Policy"]  # only the projector


# 2. Behind a proxy, the per-address throttles see the people's addresses, and only then.

LOGIN_IP_3 = {"RATELIMIT_ENABLED": True, "RATE_LOGIN_IP": "3/minute", "RATE_LOGIN_ACCOUNT": "100/minute"}


def _failed_logins_from(client, addresses) -> list[int]:
    return [
        client.post(
            "/api/v1/auth/login",
            json={"email": "nobody@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for address in addresses
    ]


@pytest.mark.parametrize("app_config", [{**LOGIN_IP_3, "TRUSTED_PROXIES": 1}])
def test_behind_a_trusted_proxy_each_address_has_its_own_allowance(client):
    answers = _failed_logins_from(client, ["198.51.100.1"] * 3 + ["198.51.100.2"])

    assert answers == [401, 401, 401, 401]


@pytest.mark.parametrize("app_config", [LOGIN_IP_3])
def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(client):
    answers = _failed_logins_from(client, ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"])

    assert answers == [401, 401, 401, 429]


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATE_LOGIN_ACCOUNT": "3/minute", "RATE_LOGIN_IP": "100/minute"}],
)
def test_logging_in_through_the_join_page_is_throttled_too(client, make_user, demo_session):
    person = make_user()
    form = {"mode": "login", "email": person.email, "password": "wrong"}

    answers = [client.post("/j/uclg-1-3-2/1", data=form).status_code for _ in range(4)]

    assert answers == [400, 400, 400, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATE_CONNECTS": "2/minute"}])
def test_connections_are_throttled_per_person(app, make_member, login):
    http = login(make_member())

    socks = [socketio.test_client(app, flask_test_client=http) for _ in range(3)]

    assert [s.is_connected() for s in socks] == [True, True, False]
