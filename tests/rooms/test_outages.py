"""A database or Redis that goes away: every event is still answered, a write that was not stored says
so with the retryable ``unavailable``, and what Redis would have carried waits for it and comes back.

The multi-process behaviour (real Redis killed, processes killed, rooms converging) is in
tests/multiprocess/test_faults.py; these are the same rules one unit at a time.
"""

import socket
import time
import uuid

from helpers import events
from services import redis_url
from sqlalchemy.exc import OperationalError

from deliberate.realtime.balance import Balance
from deliberate.realtime.broadcaster import Broadcaster, RedisStore
from deliberate.realtime.connections import Connections, RedisConnections
from deliberate.realtime.link import RedisLink
from deliberate.realtime.publisher import RecordingPublisher
from deliberate.rooms import services


def gone(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def test_a_post_the_database_could_not_store_is_answered_unavailable(
    joined, make_member, question, monkeypatch
):
    sock = joined(make_member())
    monkeypatch.setattr(services, "post", gone)

    ack = sock.emit("post", {"question_id": question.id, "text": "Lost?", "client_id": "c-1"}, callback=True)

    assert ack["ok"] is False
    assert ack["error"]["code"] == "unavailable"


def test_a_vote_the_database_could_not_store_is_answered_unavailable(
    joined, make_member, question, monkeypatch
):
    sock = joined(make_member())
    posted = sock.emit(
        "post", {"question_id": question.id, "text": "Vote on me", "client_id": "c-2"}, callback=True
    )
    monkeypatch.setattr(services, "vote", gone)

    ack = sock.emit("vote", {"contribution_id": posted["contribution"]["id"], "value": 1}, callback=True)

    assert ack["error"]["code"] == "unavailable"


def test_an_unexpected_failure_is_still_invalid(joined, make_member, question, monkeypatch):
    sock = joined(make_member())
    monkeypatch.setattr(services, "post", lambda *a, **k: 1 / 0)

    ack = sock.emit("post", {"question_id": question.id, "text": "Bug", "client_id": "c-3"}, callback=True)

    assert ack["error"]["code"] == "invalid"


def test_the_api_answers_503_unavailable_when_the_database_is_gone(
    app, login, make_member, question, monkeypatch
):
    http = login(make_member())
    monkeypatch.setattr(services, "room_state", gone)

    answer = http.get(f"/api/v1/questions/{question.id}/state")

    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"


def test_a_committed_post_is_answered_ok_when_what_follows_the_commit_fails(
    app, joined, make_member, question, monkeypatch
):
    sock = joined(make_member())
    broadcaster = app.extensions["deliberate.broadcaster"]
    monkeypatch.setattr(broadcaster, "mark_tallies", gone)
    publisher = app.extensions["deliberate.publisher"]
    monkeypatch.setattr(publisher, "emit", gone)

    ack = sock.emit("post", {"question_id": question.id, "text": "Stored", "client_id": "c-4"}, callback=True)

    assert ack["ok"], ack


def test_room_events_carry_the_seq_of_their_change(joined, make_member, question):
    author, reader = joined(make_member()), joined(make_member())
    for n in range(3):
        author.emit(
            "post", {"question_id": question.id, "text": f"Post {n}", "client_id": f"s-{n}"}, callback=True
        )

    seqs = [c["seq"] for c in events(reader, "contribution", seq=True)]

    assert seqs == [1, 2, 3]


# --- Redis away and back ---------------------------------------------------------------------------


def unreachable_link() -> RedisLink:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return RedisLink(f"redis://127.0.0.1:{port}/0", timeout=0.5)


def test_tallies_marked_while_redis_is_unreachable_still_reach_this_process_s_room():
    link = unreachable_link()
    publisher = RecordingPublisher()
    broadcaster = Broadcaster(RedisStore(link), publisher, lambda qid, ids: {i: (3, 1) for i in ids}, 0.25)

    broadcaster.mark_tallies(7, [70, 71])
    broadcaster.flush()

    assert link.down
    assert publisher.events("tally") == [{"question_id": 7, "counts": {"70": [3, 1], "71": [3, 1]}}]


def test_presence_counts_this_process_s_members_while_redis_is_unreachable():
    store = RedisStore(unreachable_link())

    store.join(7, "s1", 1)
    store.join(7, "s2", 2)
    store.join(7, "s3", 2)  # the same person's second page

    assert store.count(7) == 2


def test_once_redis_is_back_the_tallies_marked_meanwhile_reach_the_other_processes():
    url = redis_url(12)
    prefix = f"outage-{uuid.uuid4().hex[:6]}"
    here_link = RedisLink(url)
    here = RedisStore(here_link, prefix=prefix)
    there = RedisStore(url, prefix=prefix)
    here_link.down = True  # as if a command had failed: the marks wait in memory

    here.mark(7, [70])
    here.take(0.25)  # sent to this process's sockets meanwhile
    here_link.down = False
    here.recover()

    tallies, _presence = there.take(0.25)
    assert tallies == {7: {70}}


def test_once_redis_is_back_every_member_of_this_process_is_counted_again():
    url = redis_url(12)
    prefix = f"outage-{uuid.uuid4().hex[:6]}"
    here = RedisStore(url, prefix=prefix)
    here.join(7, "s1", 1)
    here.join(7, "s2", 2)
    here.redis.delete(f"{prefix}:presence:7", f"{prefix}:people:7")  # Redis restarted, empty

    here.recover()

    assert RedisStore(url, prefix=prefix).count(7) == 2


def test_presence_counts_people_over_processes_not_sockets():
    url = redis_url(12)
    prefix = f"people-{uuid.uuid4().hex[:6]}"
    here, there = RedisStore(url, prefix=prefix), RedisStore(url, prefix=prefix)
    here.join(7, "laptop", 1)
    there.join(7, "phone", 1)  # the same person, on the other process
    here.join(7, "tablet", 2)
    assert here.count(7) == there.count(7) == 2

    here.leave(7, "laptop")
    assert here.count(7) == 2  # person 1 is still here on the phone
    there.leave(7, "phone")
    there.leave(7, "phone")  # told twice: counted once
    assert here.count(7) == 1
    here.leave(7, "tablet")
    assert here.count(7) == 0


def test_the_members_of_a_process_that_stopped_vouching_fade_out():
    url = redis_url(12)
    prefix = f"outage-{uuid.uuid4().hex[:6]}"
    alive = RedisStore(url, prefix=prefix, member_ttl=6)
    alive.join(7, "here", 1)
    # Members their process last vouched for 10 s ago (the process died then): person 2's only
    # socket, and a second socket of person 1, who is still here on this process.
    died = RedisStore(url, prefix=prefix, member_ttl=6)
    died.join(7, "gone", 2)
    died.join(7, "other-page", 1)
    stale = time.time() - 10
    members = alive.redis.zrange(f"{prefix}:presence:7", 0, -1)
    alive.redis.zadd(f"{prefix}:presence:7", {m: stale for m in members if b":here" not in m})
    assert alive.count(7) == 1  # person 1 only

    alive.heartbeat()

    assert alive.count(7) == 1
    assert alive.redis.zcard(f"{prefix}:presence:7") == 1
    assert alive.redis.hgetall(f"{prefix}:people:7") == {b"1": b"1"}


def test_a_role_change_closes_this_process_s_sockets_even_when_the_registry_lost_them():
    url = redis_url(12)
    registry = RedisConnections(url, prefix=f"outage-{uuid.uuid4().hex[:6]}")
    closed = []
    connections = Connections(registry, closed.append)
    connections.opened(5, "s1")
    registry.redis.flushdb()  # Redis restarted, empty

    connections.end_all(5)

    assert closed == ["s1"]


def test_the_registry_is_written_again_once_redis_is_back():
    url = redis_url(12)
    registry = RedisConnections(url, prefix=f"outage-{uuid.uuid4().hex[:6]}")
    connections = Connections(registry, lambda sid: None)
    connections.opened(5, "s1")
    registry.redis.delete(registry._key(5))

    connections.recover()

    assert registry.of(5) == ["s1"]


def test_a_socket_opens_while_redis_is_unreachable():
    connections = Connections(RedisConnections(unreachable_link()), lambda sid: None)

    assert connections.opened(5, "s1")
    assert connections.is_open("s1")


# --- balance after a restart -----------------------------------------------------------------------


def test_a_process_holding_more_than_its_share_asks_a_few_sockets_to_reconnect():
    link, prefix = RedisLink(redis_url(12)), f"balance-{uuid.uuid4().hex[:6]}"
    told: list[str] = []
    crowded = Balance(link, "a", lambda: [f"s{i}" for i in range(40)], told.append, prefix=prefix)
    empty = Balance(link, "b", lambda: [], lambda sid: None, prefix=prefix)
    empty.round()  # the restarted process, with nobody yet

    asked = crowded.round()

    assert asked == 4  # a tenth per round, of the 18 above its share (20, with 10 % slack)
    assert len(set(told)) == 4


def test_a_process_holding_its_share_asks_nobody():
    link, prefix = RedisLink(redis_url(12)), f"balance-{uuid.uuid4().hex[:6]}"
    Balance(link, "b", lambda: [f"t{i}" for i in range(19)], lambda sid: None, prefix=prefix).round()
    told: list[str] = []

    Balance(link, "a", lambda: [f"s{i}" for i in range(21)], told.append, prefix=prefix).round()

    assert told == []
