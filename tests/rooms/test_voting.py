import sqlite3

import pytest
from helpers import post


@pytest.fixture
def contribution_id(joined, make_member, question):
    author = joined(make_member(name="Author"))
    return post(author, question, "Des fonds régionaux pour l'innovation sociale", "c")["contribution"]["id"]


def vote(sock, contribution_id, value):
    return sock.emit("vote", {"contribution_id": contribution_id, "value": value}, callback=True)


def test_a_vote_is_acknowledged_with_the_new_counts(joined, make_member, contribution_id):
    ack = vote(joined(make_member()), contribution_id, 1)
    assert (ack["ok"], ack["agree"], ack["disagree"]) == (True, 1, 0)


def test_changing_a_vote_replaces_it(joined, make_member, contribution_id):
    sock = joined(make_member())
    vote(sock, contribution_id, 1)
    ack = vote(sock, contribution_id, -1)
    assert (ack["agree"], ack["disagree"]) == (0, 1)


def test_withdrawing_a_vote_removes_it_from_the_counts(joined, make_member, contribution_id):
    sock = joined(make_member())
    vote(sock, contribution_id, -1)
    ack = vote(sock, contribution_id, 0)
    assert (ack["agree"], ack["disagree"]) == (0, 0)


def test_voting_the_same_value_twice_counts_once(joined, make_member, contribution_id):
    sock = joined(make_member())
    vote(sock, contribution_id, 1)
    assert vote(sock, contribution_id, 1)["agree"] == 1


def test_votes_of_several_people_add_up(joined, make_member, contribution_id):
    acks = [vote(joined(make_member(name=f"P{i}")), contribution_id, 1 if i % 3 else -1) for i in range(6)]
    assert (acks[-1]["agree"], acks[-1]["disagree"]) == (4, 2)


def test_my_vote_is_part_of_the_room_state(joined, make_member, question, contribution_id):
    member = make_member()
    vote(joined(member), contribution_id, -1)
    again = joined(member)
    ack = again.emit("join", {"question_id": question.id}, callback=True)
    (mine,) = ack["state"]["contributions"]
    assert (mine["my_vote"], mine["disagree"]) == (-1, 1)


@pytest.mark.parametrize("value", [2, -2, "1", None, True, 0.5])
def test_a_vote_other_than_1_minus_1_or_0_is_invalid(joined, make_member, contribution_id, value):
    sock = joined(make_member())
    assert vote(sock, contribution_id, value)["error"]["code"] == "invalid"
    assert vote(sock, contribution_id, 1)["agree"] == 1  # nothing was counted before


def test_a_vote_on_an_unknown_contribution_is_not_found(joined, make_member):
    assert vote(joined(make_member()), 987654, 1)["error"]["code"] == "not_found"


def test_a_vote_without_a_contribution_id_is_invalid(joined, make_member):
    ack = joined(make_member()).emit("vote", {"value": 1}, callback=True)
    assert ack["error"]["code"] == "invalid"


def test_an_unregistered_person_may_not_vote(connect, make_user, contribution_id):
    assert vote(connect(make_user("Stranger")), contribution_id, 1)["error"]["code"] == "forbidden"


@pytest.mark.parametrize("database_backend", ["sqlite"])
@pytest.mark.parametrize("app_config", [{"GROUP_COMMIT_MS": 0}, {}], ids=["alone", "group commit"])
def test_a_vote_survives_a_write_that_another_process_commits_while_it_runs(
    app, joined, make_member, contribution_id, monkeypatch
):
    """The embedded default runs worker processes on the same SQLite file: when one of them commits
    between a transaction's first read and its first write, SQLite refuses the now stale transaction
    (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out); the vote must run again, whether its
    event commits it alone or a group commit with others."""
    from deliberate.extensions import db
    from deliberate.rooms import services

    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    real_vote, calls = services.vote, []

    def vote_while_a_worker_writes(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:  # the transaction has read (its snapshot is taken): another process writes
            db.session.connection().execute(db.text("SELECT count(*) FROM votes"))
            other = sqlite3.connect(path)
            other.execute("PRAGMA user_version = 42")  # any write at all
            other.commit()
            other.close()
        return real_vote(*args, **kwargs)

    monkeypatch.setattr(services, "vote", vote_while_a_worker_writes)
    voter = joined(make_member())
    ack = vote(voter, contribution_id, 1)
    assert (ack["ok"], ack["agree"], len(calls)) == (True, 1, 2)
    monkeypatch.setattr(services, "vote", real_vote)
    assert vote(voter, contribution_id, 1)["agree"] == 1  # stored once


def test_a_vote_whose_tally_cannot_be_sent_after_its_commit_is_still_answered_and_kept(
    app, joined, make_member, contribution_id, monkeypatch
):
    """Redis away after the commit: the tally mark raises, the vote is stored, so the ack says so."""
    broadcaster = app.extensions["deliberate.broadcaster"]

    def redis_down(*_args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(broadcaster, "mark_tallies", redis_down)
    voter = joined(make_member())
    ack = vote(voter, contribution_id, 1)
    monkeypatch.undo()

    assert (ack["ok"], ack["agree"]) == (True, 1)
    assert vote(joined(make_member()), contribution_id, 1)["agree"] == 2
