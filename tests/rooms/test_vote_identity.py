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
