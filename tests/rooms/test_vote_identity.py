"""A socket remembers who it is and its role (realtime/identity.py): votes read neither per event,
and every change to them still reaches the next vote, because it closes the person's sockets."""

import pytest
from helpers import post
from test_query_counts import counted

from deliberate.extensions import db


@pytest.fixture
def database_backend():
    return "sqlite"  # what is cached is the same on both databases


def touched(statements, table):
    return [s for s in statements if f"FROM {table}" in s or f"JOIN {table}" in s]


def test_a_sockets_second_vote_reads_neither_the_person_nor_their_registration(
    app, joined, make_member, question
):
    sock = joined(make_member(name="Voter"))
    cid = post(sock, question, "À voter", "v")["contribution"]["id"]
    assert sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)["ok"]
    with counted(app) as statements:
        ack = sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)
    assert ack == {"ok": True, "contribution_id": cid, "agree": 0, "disagree": 1}
    assert touched(statements, "users") == [] and touched(statements, "registrations") == []


def test_without_the_cache_every_vote_reads_them_as_before(app, joined, make_member, question):
    app.extensions["deliberate.identities"].enabled = False
    sock = joined(make_member(name="Voter"))
    cid = post(sock, question, "À voter", "v")["contribution"]["id"]
    assert sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)["ok"]
    with counted(app) as statements:
        assert sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)["ok"]
    assert touched(statements, "users") and touched(statements, "registrations")


def test_a_revoked_person_is_disconnected_and_cannot_vote_from_a_new_socket(
    app, joined, connect, make_member, question, demo_session
):
    from deliberate.accounts.models import User
    from deliberate.sessions import services as sessions
    from deliberate.sessions.models import PanelSession

    person = make_member(name="Voter")
    sock = joined(person)
    cid = post(sock, question, "À voter", "v")["contribution"]["id"]
    assert sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)["ok"]  # role cached
    with app.app_context():
        sessions.revoke(db.session.get(PanelSession, demo_session.id), db.session.get(User, person.id), None)
        db.session.commit()
    assert not sock.is_connected()
    again = connect(person)
    ack = again.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def test_an_archived_session_refuses_the_vote_of_a_socket_that_voted_before(
    app, joined, make_member, question, demo_session
):
    from deliberate.sessions.models import PanelSession

    sock = joined(make_member(name="Voter"))
    cid = post(sock, question, "À voter", "v")["contribution"]["id"]
    assert sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)["ok"]
    with app.app_context():
        db.session.get(PanelSession, demo_session.id).archived = True  # archiving closes no socket
        db.session.commit()
    ack = sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "archived"


def member_speaking(app, make_user, demo_session, language):
    from deliberate.accounts.models import User
    from deliberate.sessions.models import PanelSession
    from deliberate.sessions.services import grant

    person = make_user("Élise", language=language)
    with app.app_context():
        grant(
            db.session.get(PanelSession, demo_session.id), db.session.get(User, person.id), "attendee", None
        )
        db.session.commit()
    return person


def test_a_remembered_sockets_votes_are_refused_in_its_language(
    app, joined, make_user, make_member, demo_session, question, login
):
    # Its votes run without a request context (realtime/handlers.py, ``lean``) and in a batch that
    # is in no one's language: the refusals are still said in the person's own.
    sock = joined(member_speaking(app, make_user, demo_session, "es"))
    cid = post(sock, question, "Para votar", "v")["contribution"]["id"]
    assert sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)["ok"]  # role remembered

    bad = sock.emit("vote", {"contribution_id": cid, "value": 7}, callback=True)
    assert bad["error"] == {
        "code": "invalid",
        "message": "Un voto debe ser 1 (de acuerdo), -1 (en desacuerdo) o 0 (retirar).",
    }
    not_object = sock.emit("vote", ["no"], callback=True)
    assert not_object["error"]["code"] == "invalid" and "objeto JSON" in not_object["error"]["message"]

    moderator = login(make_member("moderator", "Mod"))
    assert moderator.patch(f"/api/v1/questions/{question.id}", json={"status": "closed"}).status_code == 200
    closed = sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)
    assert closed["error"]["code"] == "closed" and closed["error"]["message"] != "This question is closed."


def test_a_sockets_first_vote_in_a_session_checks_its_role_and_the_next_ones_go_in_batches(
    app, connect, make_member, question
):
    from flask import has_request_context

    from deliberate.rooms import services

    seen = []
    vote = services.vote

    def watched(*args, **kwargs):
        seen.append(has_request_context())
        return vote(*args, **kwargs)

    author = connect(make_member(name="Author"))
    cid = post(author, question, "À voter", "v")["contribution"]["id"]
    sock = connect(make_member(name="Voter"))  # never joined: its role is not remembered yet
    services.vote = watched
    try:
        first = sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)
        second = sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)
    finally:
        services.vote = vote
    assert first == {"ok": True, "contribution_id": cid, "agree": 1, "disagree": 0}
    assert second == {"ok": True, "contribution_id": cid, "agree": 0, "disagree": 1}
    assert seen == [True, False]  # the first in the event's request context, the second in a batch


def test_a_lean_vote_refused_by_a_draining_process_is_told_so_in_its_language(
    app, joined, make_user, demo_session, question
):
    sock = joined(member_speaking(app, make_user, demo_session, "es"))
    cid = post(sock, question, "Para votar", "v")["contribution"]["id"]
    assert sock.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)["ok"]  # role remembered

    class Draining:
        def enter(self):
            return False

    app.extensions["deliberate.drain"] = Draining()
    try:
        ack = sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)
    finally:
        del app.extensions["deliberate.drain"]
    assert ack["error"]["code"] == "unavailable" and ack["error"]["message"].startswith("El servidor")
    assert sock.emit("vote", {"contribution_id": cid, "value": -1}, callback=True)["disagree"] == 1
