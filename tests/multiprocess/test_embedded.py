"""The embedded default as ``deliberate serve`` runs it: one eventlet process, SQLite, its own local
worker processes writing to the same database file.

The in-process socket suites run in threading mode; this one drives the same room through a real
eventlet server while a worker process writes (an export's progress, the opinion groups), which is
where SQLite's single writer and the cooperative loop meet: every vote must still be answered and
counted once.
"""

import sqlite3
import threading
from collections.abc import Iterator

import pytest
from multiprocess.deployment import SESSION, Member, sign_up, wait_until
from servers import Server, operator_env

VOTERS = 4
POSTS = 12


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("embedded")
    server = Server(
        "embedded",
        folder,
        operator_env(folder, secret_key="embedded-secret", job_workers="1", rate_posts="100000"),
    )
    server.start("--demo")
    yield server
    server.stop()


@pytest.fixture
def people(embedded) -> Iterator:
    made: list[Member] = []

    def make(name: str, role: str = "attendee") -> Member:
        member = sign_up(embedded.url, name)
        if role != "attendee":
            embedded.cli("grant", SESSION, member.email, role)
        member.connect(embedded.url)
        made.append(member)
        return member

    yield make
    for member in made:
        member.disconnect()


def question_id(member: Member, position: int) -> int:
    answer = member.http.get(f"{member.base_url}/api/v1/sessions/{SESSION}", timeout=10)
    assert answer.status_code == 200, answer.text
    return next(q["id"] for q in answer.json()["questions"] if q["position"] == position)


def test_the_server_runs_in_eventlet_on_sqlite_with_its_own_workers(embedded):
    assert "(eventlet, sockets patched)" in embedded.log_text()
    assert list(embedded.folder.glob("*.sqlite3")), (
        "the embedded default keeps its database in the instance folder"
    )


def test_votes_cast_while_a_worker_writes_are_all_answered_and_counted_once(people):
    moderator = people("Mona", role="moderator")
    question = question_id(moderator, 1)
    moderator.join(question)
    ids = [moderator.post(question, f"Proposal number {n} for the panel")["id"] for n in range(POSTS)]
    voters = [people(f"Voter{n}") for n in range(VOTERS)]
    for voter in voters:
        voter.join(question)

    # A worker process writes the export's progress (and the opinion groups follow the votes) while
    # the voters vote on everything at once.
    export = moderator.http.post(
        f"{moderator.base_url}/api/v1/sessions/{SESSION}/exports",
        json={"format": "pdf", "lang": "en"},
        timeout=10,
    )
    assert export.status_code in (200, 201, 202), export.text
    acks: dict[int, list[dict]] = {}

    def vote_all(n: int, voter: Member) -> None:
        acks[n] = [
            voter.call("vote", {"contribution_id": cid, "value": 1 if (cid + n) % 2 else -1}) for cid in ids
        ]

    threads = [threading.Thread(target=vote_all, args=(n, v)) for n, v in enumerate(voters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    refused = [ack for answers in acks.values() for ack in answers if not ack["ok"]]
    assert refused == []
    expected = {cid: sum(1 for n in range(VOTERS) if (cid + n) % 2) for cid in ids}
    shown = {c["id"]: c["agree"] for c in moderator.state(question)["contributions"] if c["id"] in expected}
    assert shown == expected
    job = export.json()["job"]
    ended = moderator.http.get(f"{moderator.base_url}/api/v1/jobs/{job['id']}?wait=1", timeout=120).json()[
        "job"
    ]
    assert ended["state"] == "done", ended


def test_a_hidden_contribution_leaves_the_attendees_room_on_the_eventlet_server(people):
    moderator, attendee = people("Mod", role="moderator"), people("Ana")
    question = question_id(moderator, 2)
    moderator.join(question)
    attendee.join(question)
    posted = attendee.post(question, "A proposal the moderator will hide")

    ack = moderator.call(
        "moderate", {"contribution_id": posted["id"], "action": "hide", "reason": "Off topic"}
    )

    assert ack["ok"], ack
    attendee.wait_for(
        "contribution", lambda c: c["id"] == posted["id"] and c.get("hidden"), "the hidden post"
    )
    assert posted["id"] not in {c["id"] for c in attendee.state(question)["contributions"]}


def test_a_role_taken_away_closes_the_persons_sockets_on_the_eventlet_server(embedded, people):
    member = people("Rolf", role="moderator")
    member.join(question_id(member, 3))

    embedded.cli("grant", SESSION, member.email, "attendee")

    wait_until(lambda: not member.sock.connected, what="the socket closed after the role change")


def test_a_server_killed_while_it_groups_votes_loses_no_acknowledged_vote(embedded, people):
    """Votes share transactions (group commit) and each is answered after its commit: whatever a kill
    interrupts, every vote that was acknowledged is stored. Each person votes on each contribution
    once, so every acknowledged vote is a row of its own in the database."""
    moderator = people("Killmod", role="moderator")
    question = question_id(moderator, 2)
    moderator.join(question)
    ids = [moderator.post(question, f"Kill proposal number {n}")["id"] for n in range(40)]
    voters = [people(f"Killvoter{n}") for n in range(VOTERS)]
    for voter in voters:
        voter.join(question)
    acked: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def vote_all(n: int, voter: Member) -> None:
        for cid in ids:
            value = 1 if (cid + n) % 2 else -1
            try:
                ack = voter.call("vote", {"contribution_id": cid, "value": value})
            except Exception:  # noqa: BLE001 - the server was killed: this vote has no answer
                return
            if ack["ok"]:
                with lock:
                    acked.append((voter.email, cid, value))

    threads = [threading.Thread(target=vote_all, args=(n, v)) for n, v in enumerate(voters)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(acked) >= 30, 30, "30 acknowledged votes")
    embedded.process.kill()  # mid-storm: votes queued, running or committed but not yet answered
    embedded.process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=60)
    assert len(acked) < VOTERS * len(ids), "the kill came after the last vote: nothing was interrupted"

    (database,) = embedded.folder.glob("*.sqlite3")
    with sqlite3.connect(database) as reader:  # what a restarted server would read (WAL replayed)
        rows = set(
            reader.execute(
                "SELECT users.email, votes.contribution_id, votes.value FROM votes "
                "JOIN users ON users.id = votes.user_id"
            )
        )
    embedded.start()
    assert acked and set(acked) <= rows, sorted(set(acked) - rows)[:5]


def test_the_eventlet_server_serves_more_than_1024_connections_at_once(embedded):
    """Eventlet's server pool holds 1,024 connections by default: with that many sockets open, the
    next person's request waited in the listen backlog until someone left (the 10,000-client run of
    bench/fanout.py stopped at 1,024 on each process)."""
    import resource
    import socket

    import requests

    held = 1100
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < held + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, held + 1000), hard))
    upgrade = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{embedded.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    sockets = []
    try:
        for _ in range(held):  # each an open Engine.IO websocket, as a page's
            sock = socket.create_connection(("127.0.0.1", embedded.port), timeout=20)
            sock.sendall(upgrade)
            sockets.append(sock)
        for sock in sockets:
            assert sock.recv(12).startswith(b"HTTP/1.1 101"), "a websocket was not accepted"

        answer = requests.get(f"{embedded.url}/healthz", timeout=10)

        assert answer.status_code == 200
    finally:
        for sock in sockets:
            sock.close()
