"""Replay a real Pol.is conversation live: every voter its own connection, voting concurrently.

Run from a checkout::

    python bench/replay.py --conversation brexit-consensus
    python bench/replay.py --conversation scoop-hivemind.biodiversity --baseline on

A fresh SQLite database gets one attendee per Pol.is voter plus one poster. The poster posts every
comment of comments.csv through the socket (in timestamp order, all of them: votes.csv also holds votes
on comments Pol.is moderated out). Then each voter connects, joins the room and replays its own votes in
timestamp order, concurrently with all the other voters. By default every voter sends its next vote as
soon as the previous one is acked (the throughput the server sustains); ``--rate`` spreads the votes at
that many per second in global timestamp order instead, ``--speedup`` keeps the conversation's real
timing divided by that factor. At the end every contribution's counts, read with
GET /api/v1/questions/ID/state, are compared with the counts of votes.csv (latest vote per voter and
comment; 1 agree, -1 disagree, 0 pass counts for neither). Mismatches must be 0.

Baseline, in the same run and on the same server: the same votes replayed into a second question with
its own copy of the comments, strictly one vote in flight at a time in global timestamp order. It uses
the voters' own connections, not literally one socket: one socket is one person, whose repeated votes
would collapse into a single vote per contribution and skip most writes, so it would not be the same
work. Concurrent throughput over sequential throughput is what concurrency buys.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sqlite3
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    REPO,
    connect_all,
    cpu_seconds,
    deliberate_server,
    disconnect_all,
    free_port,
    machine,
    percentiles,
    prepare,
    session_cookie,
)

DATA = REPO.parent / "shared" / "data" / "polis"
CONVERSATIONS = ("15-per-hour-seattle", "brexit-consensus", "scoop-hivemind.biodiversity")
# Above this many votes the sequential baseline is skipped unless asked for (it takes minutes).
BASELINE_AUTO_MAX = 10_000


@dataclass(frozen=True)
class PolisVote:
    timestamp: int
    row: int  # position in votes.csv, to order votes of equal timestamp as the file does
    comment: int
    voter: int
    value: int


@dataclass
class Conversation:
    comments: list[tuple[int, str]]  # (comment id, text) in timestamp order
    votes: list[PolisVote]  # in (timestamp, row) order

    def voters(self) -> list[int]:
        """Voters in order of their first vote."""
        return list(dict.fromkeys(v.voter for v in self.votes))

    def expected(self) -> dict[int, tuple[int, int]]:
        """(agree, disagree) per comment from each voter's latest vote on it."""
        latest: dict[tuple[int, int], int] = {}
        for v in self.votes:  # already in time order, so later votes overwrite earlier ones
            latest[(v.voter, v.comment)] = v.value
        counts: dict[int, list[int]] = {cid: [0, 0] for cid, _ in self.comments}
        for (_voter, comment), value in latest.items():
            if value == 1:
                counts[comment][0] += 1
            elif value == -1:
                counts[comment][1] += 1
        return {cid: (a, d) for cid, (a, d) in counts.items()}


def load(name: str, max_voters: int | None) -> Conversation:
    folder = DATA / name
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (int(r["timestamp"]), int(r["comment-id"])))
    comments = [(int(r["comment-id"]), r["comment-body"]) for r in rows]
    with open(folder / "votes.csv", newline="", encoding="utf-8") as f:
        votes = [
            PolisVote(int(r["timestamp"]), n, int(r["comment-id"]), int(r["voter-id"]), int(r["vote"]))
            for n, r in enumerate(csv.DictReader(f))
        ]
    votes.sort(key=lambda v: (v.timestamp, v.row))
    conversation = Conversation(comments, votes)
    if max_voters is not None:
        keep = set(conversation.voters()[:max_voters])
        conversation.votes = [v for v in votes if v.voter in keep]
    return conversation


@dataclass
class Phase:
    """One replay of all the votes into one question."""

    name: str
    latencies: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0
    mismatches: dict[int, tuple[tuple[int, int] | None, tuple[int, int]]] = field(default_factory=dict)


def questions_of(database: Path, question_id: int) -> list[int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT id FROM questions WHERE session_id = (SELECT session_id FROM questions WHERE id = ?) "
            "ORDER BY position",
            (question_id,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def fetch_state(base: str, question_id: int, cookie: str) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/questions/{question_id}/state", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


async def post_comments(poster, question_id: int, conversation: Conversation, tag: str) -> dict[int, int]:
    """Post every comment; returns Pol.is comment id -> contribution id."""
    mapping: dict[int, int] = {}
    for comment_id, text in conversation.comments:
        ack = await poster.call(
            "post",
            {
                "question_id": question_id,
                "text": text.strip()[:1000] or f"(empty Pol.is comment {comment_id})",
                "client_id": f"{tag}-{comment_id}",
                "language": "en",
            },
            timeout=60,
        )
        if not ack.get("ok"):
            raise RuntimeError(f"post of comment {comment_id} refused: {ack}")
        mapping[comment_id] = ack["contribution"]["id"]
    return mapping


async def send(client, phase: Phase, contribution_id: int, value: int, voter: int) -> None:
    sent = time.perf_counter()
    try:
        ack = await client.call("vote", {"contribution_id": contribution_id, "value": value}, timeout=60)
    except Exception as error:  # a timed-out vote may or may not have been applied: count it as failed
        phase.failed.append(f"voter {voter} contribution {contribution_id}: {error!r}")
        return
    phase.latencies.append(time.perf_counter() - sent)
    if not ack.get("ok"):
        phase.failed.append(f"voter {voter} contribution {contribution_id}: {ack}")


async def concurrent(
    args: argparse.Namespace,
    clients: dict[int, object],
    conversation: Conversation,
    mapping: dict[int, int],
    phase: Phase,
) -> None:
    """Each voter replays its own votes in order; all voters at once."""
    by_voter: dict[int, list[tuple[int, PolisVote]]] = defaultdict(list)
    for rank, v in enumerate(conversation.votes):
        by_voter[v.voter].append((rank, v))
    first = conversation.votes[0].timestamp if conversation.votes else 0
    start = time.perf_counter() + 0.2

    def due(rank: int, v: PolisVote) -> float | None:
        if args.speedup:
            return start + (v.timestamp - first) / 1000 / args.speedup
        if args.rate:
            return start + rank / args.rate
        return None  # as fast as the acks come back

    async def voter(voter_id: int) -> None:
        client = clients[voter_id]
        for rank, v in by_voter[voter_id]:
            when = due(rank, v)
            if when is not None and when > time.perf_counter():
                await asyncio.sleep(when - time.perf_counter())
            await send(client, phase, mapping[v.comment], v.value, voter_id)

    await asyncio.gather(*(voter(voter_id) for voter_id in by_voter))


async def sequential(
    clients: dict[int, object], conversation: Conversation, mapping: dict[int, int], phase: Phase
) -> None:
    """The baseline: one vote in flight at a time, in global timestamp order."""
    for v in conversation.votes:
        await send(clients[v.voter], phase, mapping[v.comment], v.value, v.voter)


def compare(state: dict, mapping: dict[int, int], expected: dict[int, tuple[int, int]], phase: Phase) -> None:
    stored = {c["id"]: (c["agree"], c["disagree"]) for c in state["contributions"]}
    for comment_id, want in expected.items():
        got = stored.get(mapping[comment_id])
        if got != want:
            phase.mismatches[comment_id] = (got, want)


async def run(
    args: argparse.Namespace,
    conversation: Conversation,
    base: str,
    pid: int,
    ids: list[int],
    question_ids: list[int],
    baseline: bool,
) -> tuple[list[Phase], dict]:
    poster_cookie = session_cookie(ids[0])
    voters = conversation.voters()
    voter_user = dict(zip(voters, ids[1:], strict=True))
    expected = conversation.expected()
    info: dict = {"voters": len(voters)}

    [poster] = await connect_all(base, [poster_cookie], {})
    started = time.perf_counter()
    live_map = await post_comments(poster, question_ids[0], conversation, "live")
    info["post_seconds"] = time.perf_counter() - started
    base_map = await post_comments(poster, question_ids[1], conversation, "base") if baseline else {}
    await disconnect_all([poster])

    tallies = [0]

    def on_tally(_i: int, _payload: dict) -> None:
        tallies[0] += 1

    started = time.perf_counter()
    connected = await connect_all(
        base,
        [session_cookie(voter_user[v]) for v in voters],
        {"tally": on_tally},
        join={"question_id": question_ids[0]},
    )
    info["connect_seconds"] = time.perf_counter() - started
    clients = dict(zip(voters, connected, strict=True))

    phases = []
    live = Phase("concurrent, one connection per voter")
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    await concurrent(args, clients, conversation, live_map, live)
    live.seconds = time.perf_counter() - started
    live.cpu = cpu_seconds(pid) - cpu
    await asyncio.sleep(0.5)  # the last coalesced tally
    info["tallies_received"] = tallies[0]
    compare(
        await asyncio.to_thread(fetch_state, base, question_ids[0], poster_cookie), live_map, expected, live
    )
    phases.append(live)

    if baseline:
        # Move every voter to the baseline's room so its tallies fan out to them as in the live run.
        await asyncio.gather(
            *(c.call("leave", {"question_id": question_ids[0]}, timeout=60) for c in connected)
        )
        await asyncio.gather(
            *(c.call("join", {"question_id": question_ids[1]}, timeout=60) for c in connected)
        )
        seq = Phase("sequential, one vote in flight")
        cpu = cpu_seconds(pid)
        started = time.perf_counter()
        await sequential(clients, conversation, base_map, seq)
        seq.seconds = time.perf_counter() - started
        seq.cpu = cpu_seconds(pid) - cpu
        compare(
            await asyncio.to_thread(fetch_state, base, question_ids[1], poster_cookie),
            base_map,
            expected,
            seq,
        )
        phases.append(seq)

    await disconnect_all(connected)
    return phases, info


def report(args: argparse.Namespace, conversation: Conversation, phases: list[Phase], info: dict) -> bool:
    out = sys.stdout
    pacing = (
        f"real timing / {args.speedup:g}"
        if args.speedup
        else f"{args.rate:g} votes/s in timestamp order"
        if args.rate
        else "each voter as fast as its acks return"
    )
    out.write(f"machine            : {machine()}\n")
    out.write(
        f"conversation       : {args.conversation}: {len(conversation.comments)} comments, "
        f"{len(conversation.votes)} votes by {info['voters']} voters"
        f"{f' (first {args.max_voters} voters only)' if args.max_voters else ''}; mode {args.mode}, SQLite\n"
    )
    out.write(f"posting comments   : {info['post_seconds']:.1f} s (one poster, through the socket)\n")
    out.write(f"connect + join     : {info['connect_seconds']:.1f} s for {info['voters']} connections\n")
    out.write(f"pacing             : {pacing}\n")
    ok = True
    for phase in phases:
        p = percentiles(phase.latencies)
        rate = len(phase.latencies) / phase.seconds if phase.seconds else float("nan")
        out.write(
            f"{phase.name:<40}: {len(phase.latencies)} votes in {phase.seconds:.1f} s = {rate:.0f} votes/s; "
            f"ack p50 {p['p50'] * 1000:.1f} ms, p95 {p['p95'] * 1000:.1f} ms, p99 {p['p99'] * 1000:.1f} ms; "
            f"server CPU {phase.cpu:.1f} s; failed acks {len(phase.failed)}; "
            f"mismatching contributions {len(phase.mismatches)}\n"
        )
        for line in phase.failed[:5]:
            out.write(f"  failed: {line}\n")
        for comment_id, (got, want) in list(phase.mismatches.items())[:5]:
            out.write(f"  comment {comment_id}: stored {got}, expected {want} (votes.csv)\n")
        ok = ok and not phase.failed and not phase.mismatches
    out.write(f"tally messages     : {info['tallies_received']} received in all during the live replay\n")
    if len(phases) == 2 and phases[1].seconds:
        live, seq = phases
        speed = (len(live.latencies) / live.seconds) / (len(seq.latencies) / seq.seconds)
        out.write(f"concurrent / sequential throughput: x{speed:.2f}\n")
    else:
        why = "--baseline off" if args.baseline == "off" else f"over {BASELINE_AUTO_MAX} votes; --baseline on"
        out.write(f"baseline           : skipped ({why})\n")
    out.write(f"{'PASS' if ok else 'FAIL'}  final tallies equal votes.csv's latest votes, no failed ack\n")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversation", choices=CONVERSATIONS, default="brexit-consensus")
    parser.add_argument("--speedup", type=float, default=0.0, help="replay real timing divided by this")
    parser.add_argument("--rate", type=float, default=0.0, help="votes per second in total (0: unpaced)")
    parser.add_argument("--max-voters", type=int, default=None, help="only the first N voters")
    parser.add_argument(
        "--baseline",
        choices=("auto", "on", "off"),
        default="auto",
        help=f"sequential replay too (auto: when at most {BASELINE_AUTO_MAX} votes)",
    )
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent", "threading"))
    args = parser.parse_args(argv)

    conversation = load(args.conversation, args.max_voters)
    baseline = args.baseline == "on" or (
        args.baseline == "auto" and len(conversation.votes) <= BASELINE_AUTO_MAX
    )
    with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
        instance = Path(tmp)
        database = instance / "replay.sqlite3"
        url = f"sqlite:///{database}"
        ids, question_id, _code = prepare(url, len(conversation.voters()) + 1, instance)
        question_ids = questions_of(database, question_id)
        port = free_port()
        with deliberate_server(port, url, instance, args.mode) as process:
            phases, info = asyncio.run(
                run(args, conversation, f"http://127.0.0.1:{port}", process.pid, ids, question_ids, baseline)
            )
    return 0 if report(args, conversation, phases, info) else 1


if __name__ == "__main__":
    raise SystemExit(main())
