"""The hall across two real processes (A eventlet, B gevent) on PostgreSQL and Redis (database 7):
notifications reach every open page of a person on both processes, in their language; countdowns
are the same on both and close the question at zero once."""

import uuid
from collections.abc import Iterator

import pytest
import requests
from multiprocess.conftest import _deploy
from multiprocess.deployment import PASSWORD, SESSION, Member, System, sign_up, wait_until

REDIS_DB = 7
HIDE, COUNTDOWN, AUTO_CLOSE = 1, 2, 3


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[System]:
    yield from _deploy(tmp_path_factory.mktemp("hall"), REDIS_DB, ("eventlet", "gevent"))


def person(hall: System, name: str, language: str = "en", role: str = "attendee", on: str = "A") -> Member:
    if language == "en":
        member = sign_up(hall[on].url, name)
    else:
        email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
        http = requests.Session()
        answer = http.post(
            f"{hall[on].url}/api/v1/auth/signup",
            json={"email": email, "name": name, "password": PASSWORD, "language": language},
            timeout=15,
        )
        assert answer.status_code == 201, answer.text
        assert http.post(f"{hall[on].url}/api/v1/sessions/{SESSION}/register", json={}, timeout=15).ok
        member = Member(hall[on].url, http, email)
    if role != "attendee":
        hall.a.cli("grant", SESSION, member.email, role)
    return member


def second_page(member: Member) -> Member:
    """Another open page of the same person (same login cookie)."""
    return Member(member.base_url, member.http, member.email)


def test_a_hidden_contribution_is_told_to_every_page_of_its_author_on_both_processes(hall):
    author, moderator = person(hall, "Amelie", "fr"), person(hall, "Mona", role="moderator", on="B")
    on_a, on_b = author, second_page(author)
    on_a.connect(hall.a.url)
    on_b.connect(hall.b.url)
    moderator.connect(hall.b.url)
    question = hall.questions[HIDE]
    on_a.join(question)
    posted = on_a.post(question, "Une contribution à masquer")
    moderator.join(question)
    try:
        ack = moderator.call(
            "moderate", {"contribution_id": posted["id"], "action": "hide", "reason": "Hors sujet"}
        )
        assert ack["ok"], ack

        for page in (on_a, on_b):
            told = page.wait_for(
                "notification", lambda n: n["kind"] == "contribution_hidden", "the notification"
            )
            assert told["text"].startswith("Un modérateur a masqué votre contribution")
            assert told["text"].endswith("Motif\u00a0: Hors sujet")
        assert moderator.events("notification") == []
    finally:
        for member in (on_a, on_b, moderator):
            member.disconnect()


def test_a_submitted_version_reaches_a_rapporteur_on_the_other_process_in_spanish(hall):
    moderator = person(hall, "Marc", role="moderator", on="B")
    rapporteur = person(hall, "Rosa", "es", role="rapporteur")
    rapporteur.connect(hall.a.url)
    try:
        answer = moderator.http.post(
            f"{hall.b.url}/api/v1/sessions/{SESSION}/versions", json={"lang": "en"}, timeout=30
        )
        assert answer.status_code == 201, answer.text
        number = answer.json()["version"]["number"]

        told = rapporteur.wait_for("notification", lambda n: n["kind"] == "version_submitted", "submitted")
        assert told["text"].startswith(f"La versión {number} del informe de")
    finally:
        rapporteur.disconnect()


def follow(member: Member) -> dict:
    ack = member.call("follow", {"session": SESSION})
    assert ack["ok"], ack
    return ack["agenda"]


def test_a_countdown_started_on_a_has_the_same_deadline_on_b_and_after_a_reconnection(hall):
    moderator, attendee = person(hall, "Moritz", role="moderator"), person(hall, "Ada", on="B")
    question = hall.questions[COUNTDOWN]
    attendee.connect(hall.b.url)
    follow(attendee)
    try:
        answer = moderator.http.post(
            f"{hall.a.url}/api/v1/questions/{question}/countdown",
            json={"action": "start", "seconds": 120},
            timeout=15,
        )
        assert answer.status_code == 200, answer.text
        started = answer.json()

        heard = attendee.wait_for("countdown", lambda c: c["question_id"] == question, "the countdown")
        assert heard["deadline"] == started["deadline"]
        attendee.disconnect()
        attendee.connect(hall.a.url)
        [again] = [c for c in follow(attendee)["countdowns"] if c["question_id"] == question]
        assert again["deadline"] == started["deadline"] and again["state"] == "running"
    finally:
        attendee.disconnect()


def test_automatic_closing_at_zero_closes_the_question_once_for_both_processes(hall):
    moderator, on_a, on_b = (
        person(hall, "Mila", role="moderator"),
        person(hall, "Ari"),
        person(hall, "Bo", on="B"),
    )
    question = hall.questions[AUTO_CLOSE]
    for member, server in ((on_a, hall.a), (on_b, hall.b)):
        member.connect(server.url)
        member.join(question)
        follow(member)
    try:
        answer = moderator.http.post(
            f"{hall.a.url}/api/v1/questions/{question}/countdown",
            json={"action": "start", "seconds": 1, "auto_close": True},
            timeout=15,
        )
        assert answer.status_code == 200, answer.text

        for member in (on_a, on_b):
            member.wait_for("question", lambda q: q["id"] == question and q["status"] == "closed", "closed")
            member.wait_for("countdown", lambda c: c["state"] == "expired", "expired")
        wait_until(
            lambda: on_a.state(question)["question"]["status"] == "closed", what="closed in the database"
        )
        closings = [q for q in on_a.events("question") if q["id"] == question and q["status"] == "closed"]
        assert len(closings) == 1
    finally:
        for member in (on_a, on_b):
            member.disconnect()


def test_changes_asked_approval_and_publication_reach_people_on_the_other_process(hall):
    moderator = person(hall, "Maud", "fr", role="moderator")
    rapporteur = person(hall, "Raul", "es", role="rapporteur", on="B")
    attendee = person(hall, "Anna", on="B")
    moderator.connect(hall.b.url)  # told on B of what the rapporteur decides through A
    attendee.connect(hall.a.url)
    versions = f"{SESSION}/versions"
    try:
        number = moderator.http.post(
            f"{hall.a.url}/api/v1/sessions/{versions}", json={"lang": "en"}, timeout=30
        )
        number = number.json()["version"]["number"]
        refused = rapporteur.http.post(
            f"{hall.a.url}/api/v1/sessions/{versions}/{number}/decision",
            json={"decision": "request_changes"},
            timeout=15,
        )
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
        asked = rapporteur.http.post(
            f"{hall.a.url}/api/v1/sessions/{versions}/{number}/decision",
            json={"decision": "request_changes", "reason": "Ajoutez les chiffres."},
            timeout=15,
        )
        assert asked.status_code == 200, asked.text
        told = moderator.wait_for("notification", lambda n: n["kind"] == "changes_requested", "changes asked")
        assert (
            told["text"].startswith("Des modifications ont été demandées")
            and "Ajoutez les chiffres." in told["text"]
        )

        again = moderator.http.post(
            f"{hall.b.url}/api/v1/sessions/{versions}", json={"lang": "en"}, timeout=30
        )
        number = again.json()["version"]["number"]
        approved = rapporteur.http.post(
            f"{hall.b.url}/api/v1/sessions/{versions}/{number}/decision",
            json={"decision": "approve"},
            timeout=15,
        )
        assert approved.status_code == 200, approved.text

        moderator.wait_for("notification", lambda n: n["kind"] == "version_approved", "approved")
        published = attendee.wait_for("notification", lambda n: n["kind"] == "report_published", "published")
        assert published["text"].startswith("The report of") and published["link"] == f"/s/{SESSION}/report"
        assert [n["kind"] for n in attendee.events("notification")] == ["report_published"]
    finally:
        moderator.disconnect()
        attendee.disconnect()
