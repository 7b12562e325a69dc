"""People are told what happened to their words and to the report: who receives each notification,
in which language, live on every open page and kept in the list until read."""

import pytest
from helpers import events, post

CODE = "uclg-1-3-2"
VERSIONS = f"/api/v1/sessions/{CODE}/versions"


def notifications(sock):
    return events(sock, "notification")


@pytest.fixture
def hall(member, connect, login, question, joined):
    """An author writing in French, the moderator and a bystander, all connected."""
    author, moderator, bystander = (
        member("attendee", "fr"),
        member("moderator", "en"),
        member("attendee", "es"),
    )
    author_sock = joined(author)
    contribution = post(author_sock, question, "Les coopératives ont besoin de crédit.")["contribution"]
    socks = {"author": author_sock, "moderator": joined(moderator), "bystander": joined(bystander)}
    for sock in socks.values():
        sock.get_received()
    return author, moderator, bystander, contribution, socks


def test_hiding_tells_the_author_in_their_language_with_the_reason(hall):
    _author, _moderator, _bystander, contribution, socks = hall

    ack = socks["moderator"].emit(
        "moderate",
        {"contribution_id": contribution["id"], "action": "hide", "reason": "Hors sujet"},
        callback=True,
    )

    assert ack["ok"], ack
    [told] = notifications(socks["author"])
    assert told["kind"] == "contribution_hidden"
    assert told["text"].startswith("Un modérateur a masqué votre contribution à la question 1")
    assert "Motif\u00a0: Hors sujet" in told["text"]
    assert notifications(socks["moderator"]) == [] and notifications(socks["bystander"]) == []


def test_hiding_without_a_reason_says_so_without_one(hall):
    _author, _moderator, _bystander, contribution, socks = hall

    socks["moderator"].emit(
        "moderate", {"contribution_id": contribution["id"], "action": "hide"}, callback=True
    )

    [told] = notifications(socks["author"])
    assert "Motif" not in told["text"]


def test_restoring_tells_the_author(hall):
    _author, _moderator, _bystander, contribution, socks = hall
    for action in ("hide", "restore"):
        socks["moderator"].emit(
            "moderate", {"contribution_id": contribution["id"], "action": action}, callback=True
        )

    kinds = [n["kind"] for n in notifications(socks["author"])]

    assert kinds == ["contribution_hidden", "contribution_restored"]


def test_a_notification_reaches_every_open_page_of_the_person(hall, connect):
    author, _moderator, _bystander, contribution, socks = hall
    second_page = connect(author)

    socks["moderator"].emit(
        "moderate", {"contribution_id": contribution["id"], "action": "hide"}, callback=True
    )

    assert len(notifications(socks["author"])) == 1
    assert len(notifications(second_page)) == 1


def test_notifications_are_kept_until_read(hall, login):
    author, _moderator, _bystander, contribution, socks = hall
    socks["moderator"].emit(
        "moderate", {"contribution_id": contribution["id"], "action": "hide"}, callback=True
    )
    http = login(author)

    listed = http.get("/api/v1/notifications").get_json()
    marked = http.post("/api/v1/notifications/read", json={}).get_json()

    assert listed["unread"] == 1 and listed["notifications"][0]["kind"] == "contribution_hidden"
    assert marked == {"marked": 1, "unread": 0}
    assert http.get("/api/v1/notifications").get_json()["notifications"][0]["read"] is True


def test_the_header_lists_unread_notifications(hall, login):
    author, _moderator, _bystander, contribution, socks = hall
    socks["moderator"].emit(
        "moderate", {"contribution_id": contribution["id"], "action": "hide"}, callback=True
    )

    page = login(author).get("/?lang=en").data.decode()

    assert 'id="notifications-unread"' in page and "A moderator hid your contribution" in page


@pytest.fixture
def review(member, connect, login, filled):
    """The review's people connected: a Spanish rapporteur, a French moderator, an English attendee."""
    people = {
        "rapporteur": member("rapporteur", "es"),
        "moderator": member("moderator", "fr"),
        "attendee": member("attendee", "en"),
    }
    socks = {key: connect(person) for key, person in people.items()}
    http = {key: login(person) for key, person in people.items()}
    return people, socks, http


def test_a_submitted_version_tells_the_rapporteurs(review):
    _people, socks, http = review

    assert http["moderator"].post(VERSIONS, json={"lang": "en"}).status_code == 201

    [told] = notifications(socks["rapporteur"])
    assert told["kind"] == "version_submitted"
    assert told["text"].startswith("La versión 1 del informe de")
    assert told["link"] == f"/s/{CODE}/review/1"
    assert notifications(socks["attendee"]) == []


def test_asking_for_changes_needs_a_reason(review):
    _people, _socks, http = review
    http["moderator"].post(VERSIONS, json={"lang": "en"})

    for body in ({"decision": "request_changes"}, {"decision": "request_changes", "reason": "   "}):
        answer = http["rapporteur"].post(f"{VERSIONS}/1/decision", json=body)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid"
    assert http["rapporteur"].get(f"{VERSIONS}/1").get_json()["version"]["status"] == "submitted"


def test_the_review_page_refuses_changes_without_a_reason(review):
    _people, _socks, http = review
    http["moderator"].post(VERSIONS, json={"lang": "en"})

    http["rapporteur"].post(f"/s/{CODE}/review/1", data={"action": "request_changes", "reason": ""})

    assert http["rapporteur"].get(f"{VERSIONS}/1").get_json()["version"]["status"] == "submitted"


def test_changes_asked_tell_the_moderators_with_the_reason(review):
    _people, socks, http = review
    http["moderator"].post(VERSIONS, json={"lang": "en"})
    for sock in socks.values():
        sock.get_received()

    answer = http["rapporteur"].post(
        f"{VERSIONS}/1/decision", json={"decision": "request_changes", "reason": "Citez les panélistes."}
    )

    assert answer.get_json()["version"]["decision_reason"] == "Citez les panélistes."
    [told] = notifications(socks["moderator"])
    assert told["kind"] == "changes_requested"
    assert told["text"].startswith("Des modifications ont été demandées sur la version 1")
    assert told["text"].endswith("Citez les panélistes.")
    assert notifications(socks["attendee"]) == []


def test_approval_tells_the_staff_and_publication_tells_everyone_else(review):
    _people, socks, http = review
    http["moderator"].post(VERSIONS, json={"lang": "en"})
    for sock in socks.values():
        sock.get_received()

    http["rapporteur"].post(f"{VERSIONS}/1/decision", json={"decision": "approve"})

    assert [n["kind"] for n in notifications(socks["moderator"])] == ["version_approved"]
    [published] = notifications(socks["attendee"])
    assert published["kind"] == "report_published"
    assert published["text"].startswith("The report of") and published["link"] == f"/s/{CODE}/report"


def test_the_rapporteur_is_told_of_the_approval_in_spanish(review):
    _people, socks, http = review
    http["moderator"].post(VERSIONS, json={"lang": "en"})
    socks["rapporteur"].get_received()

    http["rapporteur"].post(f"{VERSIONS}/1/decision", json={"decision": "approve"})

    [approved] = notifications(socks["rapporteur"])
    assert approved["kind"] == "version_approved" and "ha sido aprobada" in approved["text"]
