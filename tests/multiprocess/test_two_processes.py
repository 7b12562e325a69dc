"""Two ``serve`` processes (A: eventlet, B: gevent) sharing PostgreSQL and Redis form one system."""

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from multiprocess.deployment import Member, sign_up, wait_until

# Each test uses its own question, so that presence and tallies of one test never leak into another.
POSTS, MODERATION, STORM, PRESENCE_JOIN, PRESENCE_LEAVE = 1, 2, 3, 4, 5
STORM_SECONDS = 2.5
VOTERS_PER_PROCESS = 3
TALLIES_PER_SECOND = 4


def test_the_processes_run_in_eventlet_and_gevent_mode(system):
    # The banner reports the Engine.IO server's own mode and a check of the patched socket module.
    assert "(eventlet, sockets patched)" in system.a.log_text()
    assert "(gevent, sockets patched)" in system.b.log_text()


def websocket_handshake(port: int, offer: str) -> dict[str, str]:
    """The answer's headers to an Engine.IO websocket upgrade that offers ``offer`` as its extensions,
    as a browser sends it."""
    import base64
    import os
    import socket

    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Extensions: {offer}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            assert chunk, answer
            answer += chunk
    status, *lines = answer.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    assert " 101 " in status, status
    return {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}


@pytest.mark.parametrize("process", ["A", "B"])
def test_websockets_refuse_compression_on_both_servers(system, process):
    """Deflating every frame once per client was 44 % of a busy room's CPU (bench/RESULTS.md).
    Eventlet's server accepted the offer (this failed on A before); gevent's did not, and must not."""
    offer = "permessage-deflate; client_max_window_bits"

    headers = websocket_handshake(system[process].port, offer)

    assert "sec-websocket-extensions" not in headers, headers


def test_a_post_through_a_reaches_a_member_on_b(system, people):
    author, reader = people("Ana", on="A"), people("Bea", on="B")
    author.connect(system.a.url)
    reader.connect(system.b.url)
    question = system.questions[POSTS]
    author.join(question)
    reader.join(question)

    posted = author.post(question, "Posted through A")

    reader.wait_for("contribution", lambda c: c["id"] == posted["id"], "the post from A")


def test_a_post_through_b_reaches_a_member_on_a(system, people):
    author, reader = people("Carl", on="B"), people("Dina", on="A")
    author.connect(system.b.url)
    reader.connect(system.a.url)
    question = system.questions[POSTS]
    author.join(question)
    reader.join(question)

    posted = author.post(question, "Posted through B")

    received = reader.wait_for("contribution", lambda c: c["id"] == posted["id"], "the post from B")
    assert received["text"] == "Posted through B"


def test_a_repost_with_the_same_client_id_through_the_other_process_returns_the_same_contribution(
    system, people
):
    author = people("Eva")
    question = system.questions[POSTS]
    client_id = uuid.uuid4().hex
    author.connect(system.a.url)
    author.join(question)
    first = author.post(question, "Sent once, resent after a reconnection", client_id)
    author.disconnect()

    author.connect(system.b.url)
    author.join(question)
    again = author.post(question, "Sent once, resent after a reconnection", client_id)

    assert again["id"] == first["id"]
    texts = [c["text"] for c in author.state(question)["contributions"]]
    assert texts.count("Sent once, resent after a reconnection") == 1


def test_hiding_through_b_removes_the_post_for_an_attendee_on_a(system, people):
    attendee, moderator = people("Fred", on="A"), people("Mona", on="B", role="moderator")
    question = system.questions[MODERATION]
    attendee.connect(system.a.url)
    moderator.connect(system.b.url)
    attendee.join(question)
    moderator.join(question)
    posted = attendee.post(question, "To be hidden")

    ack = moderator.call("moderate", {"contribution_id": posted["id"], "action": "hide"})

    assert ack["ok"], ack
    hidden = attendee.wait_for(
        "contribution", lambda c: c["id"] == posted["id"] and c.get("hidden"), "the post being hidden"
    )
    assert "text" not in hidden
    assert posted["id"] not in [c["id"] for c in attendee.state(question)["contributions"]]


def test_presence_counts_a_member_who_joins_on_the_other_process(system, people):
    question = system.questions[PRESENCE_JOIN]
    watcher, newcomer = people("Gina", on="A"), people("Hugo", on="B")
    watcher.connect(system.a.url)
    assert watcher.join(question)["presence"] == 1
    newcomer.connect(system.b.url)

    newcomer.join(question)

    watcher.wait_for("presence", lambda p: p["question_id"] == question and p["count"] == 2, "presence 2")
    # The newcomer opens the room on a second device, through A: still two people, not three.
    second_page = Member(system.a.url, newcomer.http, newcomer.email)
    second_page.connect(system.a.url)
    try:
        assert second_page.join(question)["presence"] == 2
    finally:
        second_page.disconnect()


def test_presence_drops_when_a_member_on_the_other_process_disconnects(system, people):
    question = system.questions[PRESENCE_LEAVE]
    watcher, visitor = people("Iris", on="A"), people("Jon", on="B")
    watcher.connect(system.a.url)
    visitor.connect(system.b.url)
    watcher.join(question)
    visitor.join(question)
    watcher.wait_for("presence", lambda p: p["question_id"] == question and p["count"] == 2, "presence 2")
    since = time.monotonic()

    visitor.disconnect()

    wait_until(
        lambda: any(p["count"] == 1 for p in watcher.events("presence", since)),
        what="presence 1 after the visitor on B left",
    )


@dataclass
class Storm:
    """Votes from people on both processes on one contribution, as the two watchers saw it."""

    contribution_id: int
    question_id: int
    agree: int
    disagree: int
    started: float
    watchers: dict[str, Member]
    final_tallies: dict[str, float] = field(default_factory=dict)


def _last_tally(watcher: Member, storm: Storm) -> list[int] | None:
    tallies = [t["counts"].get(str(storm.contribution_id)) for t in watcher.events("tally", storm.started)]
    tallies = [t for t in tallies if t is not None]
    return tallies[-1] if tallies else None


@pytest.fixture(scope="module")
def storm(system) -> Iterator[Storm]:
    """Six voters, three on each process, change their votes as fast as their acks allow for a few
    seconds and end on a known vote each; a watcher on each process records the tallies."""

    question = system.questions[STORM]
    members = []
    try:
        author = sign_up(system.a.url, "Author")
        watchers = {"A": sign_up(system.a.url, "WatchA"), "B": sign_up(system.b.url, "WatchB")}
        voters = [
            (sign_up(system[on].url, f"Voter{on}{i}"), on) for on in "AB" for i in range(VOTERS_PER_PROCESS)
        ]
        members.extend([author, *watchers.values(), *(voter for voter, _ in voters)])
        author.connect(system.a.url)
        author.join(question)
        contribution = author.post(question, "Vote on me from both processes")
        for on, watcher in watchers.items():
            watcher.connect(system[on].url)
            watcher.join(question)
        for voter, on in voters:
            voter.connect(system[on].url)

        finals = [(1, -1, 0)[i % 3] for i in range(len(voters))]
        failures: list[dict] = []
        started = time.monotonic()

        def vote_storm(voter: Member, final: int) -> None:
            values = [1, -1, 0]
            turn = 0
            while time.monotonic() - started < STORM_SECONDS:
                ack = voter.call("vote", {"contribution_id": contribution["id"], "value": values[turn % 3]})
                if not ack["ok"]:
                    failures.append(ack)
                turn += 1
            ack = voter.call("vote", {"contribution_id": contribution["id"], "value": final})
            if not ack["ok"]:
                failures.append(ack)

        threads = [
            threading.Thread(target=vote_storm, args=(voter, final))
            for (voter, _), final in zip(voters, finals, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=STORM_SECONDS + 30)
        assert not any(thread.is_alive() for thread in threads), "a voter hung"
        assert not failures, failures[:3]

        result = Storm(
            contribution_id=contribution["id"],
            question_id=question,
            agree=finals.count(1),
            disagree=finals.count(-1),
            started=started,
            watchers=watchers,
        )
        expected = [result.agree, result.disagree]
        for on, watcher in watchers.items():
            wait_until(lambda w=watcher: _last_tally(w, result) == expected, what=f"the final tally on {on}")
        yield result
    finally:
        for member in members:
            member.disconnect()


@pytest.mark.parametrize("on", ["A", "B"])
def test_after_a_vote_storm_through_both_processes_the_last_tally_is_the_true_count(storm, on):
    assert _last_tally(storm.watchers[on], storm) == [storm.agree, storm.disagree]


@pytest.mark.parametrize("on", ["A", "B"])
def test_after_a_vote_storm_through_both_processes_the_room_state_shows_the_true_count(system, storm, on):
    state = storm.watchers["A"].state(storm.question_id, url=system[on].url)

    counts = next(c for c in state["contributions"] if c["id"] == storm.contribution_id)

    assert (counts["agree"], counts["disagree"]) == (storm.agree, storm.disagree)


@pytest.mark.parametrize("on", ["A", "B"])
def test_tallies_stay_coalesced_across_processes_at_most_four_a_second(storm, on):
    tallies = storm.watchers[on].timed_events("tally")
    tallies = [(at, t) for at, t in tallies if at >= storm.started and t["question_id"] == storm.question_id]
    seconds = tallies[-1][0] - storm.started

    assert len(tallies) <= TALLIES_PER_SECOND * seconds + 1, (len(tallies), seconds)


def test_a_deployment_on_another_redis_database_does_not_reach_these_rooms(system, neighbour, people):
    question = system.questions[POSTS]
    assert neighbour.questions[POSTS] == question, "the two deployments' room names should collide"
    reader, stranger = people("Kim", on="A"), sign_up(neighbour.a.url, "Stranger")
    reader.connect(system.a.url)
    reader.join(question)
    stranger.connect(neighbour.a.url)
    stranger.join(question)

    stranger.post(question, "Posted in the other deployment")
    marker = reader.post(question, "Posted here afterwards")

    # Redis delivers one subscriber's messages in publication order: once our later post is here,
    # the other deployment's post would have arrived too, had it been delivered at all.
    reader.wait_for("contribution", lambda c: c["id"] == marker["id"], "our own post")
    assert "Posted in the other deployment" not in [c.get("text") for c in reader.events("contribution")]
    stranger.disconnect()
