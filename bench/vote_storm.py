"""Vote storm: many clients in one room voting at a steady total rate.

Run from a checkout (full size, on a quiet machine)::

    python bench/vote_storm.py --clients 1000 --rate 200 --seconds 20 --contributions 20
    python bench/vote_storm.py --rates 200,500,1000 --seconds 10 --compare --database postgresql

``--compare`` runs every storm twice in the same run, first on the vote path as it was before issue 16
and then on the current one, and prints the server's CPU per acknowledged vote side by side. The
"before" server runs the checkout given with ``--baseline`` (e.g. ``git archive <commit> | tar -x -C
DIR``, the commit before the change); without it, this checkout with
``DELIBERATE_SOCKET_IDENTITY_CACHE=0`` (the person and their registration loaded on every vote, the
newer statements kept).

A fresh SQLite database gets ``--clients`` attendees; one of them posts ``--contributions`` contributions,
then every client joins question 1 and the votes are spread over the clients at ``--rate`` votes per
second in total (random contribution, random value among agree / disagree / withdraw). The script
measures the vote acks' latency, every tally message each client receives, the time until every client's
view of the counts equals the expected final counts, and lost votes.

Baseline, measured against the same server in the same run: the round trip of the cheapest acked event,
``leave`` for a question the client never joined (one SELECT, no write, no broadcast), sent sequentially
on the idle server before the storm and at a low rate by random clients during the storm. The difference
between a vote's ack and that round trip is the cost of the vote itself (its write transaction).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import urllib.request
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
    phase,
    postgres_database,
    prepare,
    session_cookie,
)

VALUES = (1, -1, 0)
# Targets of the issue, for 200 votes per second from 1,000 clients.
TARGET_ACK_P95 = 0.100
TARGET_CONVERGENCE = 1.0
TARGET_TALLIES_PER_SECOND = 4.0


@dataclass
class ClientView:
    """What one client has seen: its counts per contribution and the tally messages that built them."""

    counts: dict[int, tuple[int, int]]
    tally_times: list[float] = field(default_factory=list)
    presence_messages: int = 0
    last_change: float = 0.0

    def on_tally(self, payload: dict) -> None:
        now = time.perf_counter()
        self.tally_times.append(now)
        for key, (agree, disagree) in payload.get("counts", {}).items():
            cid = int(key)
            if self.counts.get(cid) != (agree, disagree):
                self.counts[cid] = (agree, disagree)
                self.last_change = now


@dataclass
class Storm:
    """Everything the clients measured, filled in while the storm runs."""

    vote_latencies: list[float] = field(default_factory=list)
    probe_latencies: list[float] = field(default_factory=list)
    idle_probe_latencies: list[float] = field(default_factory=list)
    loop_lags: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    delayed_sends: int = 0
    first_send: float = 0.0
    last_send: float = 0.0
    last_ack: float = 0.0


def expected_counts(latest: list[dict[int, int]], contribution_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Final counts implied by every client's latest vote per contribution (0 counts for neither)."""
    counts = {cid: [0, 0] for cid in contribution_ids}
    for votes in latest:
        for cid, value in votes.items():
            if value == 1:
                counts[cid][0] += 1
            elif value == -1:
                counts[cid][1] += 1
    return {cid: (a, d) for cid, (a, d) in counts.items()}


def other_question(database_url: str, question_id: int) -> int:
    """Another question of the same session, for the ``leave`` probes that must not touch question 1."""
    from sqlalchemy import create_engine, text

    from deliberate.database import normalise_url

    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT id FROM questions WHERE session_id = (SELECT session_id FROM questions "
                    "WHERE id = :q) AND id != :q ORDER BY id LIMIT 1"
                ),
                {"q": question_id},
            ).fetchone()
    finally:
        engine.dispose()
    return int(row[0])


def fetch_state(base: str, question_id: int, cookie: str) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/questions/{question_id}/state", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """Largest number of messages arriving within any ``window`` seconds (sliding window)."""
    best, start = 0, 0
    for end in range(len(times)):
        while times[end] - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def lag_monitor(storm: Storm, stop: asyncio.Event, period: float = 0.05) -> None:
    """How late the client's own event loop wakes up: if this grows, the clients, not the server, lag."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(period)
        storm.loop_lags.append(time.perf_counter() - before - period)


async def run(args: argparse.Namespace, base: str, pid: int, ids: list[int], question_id: int, probe_q: int):
    rng = random.Random(args.seed)
    cookies = [session_cookie(uid) for uid in ids]

    # Contributions first, by client 0, through the socket like a person would.
    [poster] = await connect_all(base, cookies[:1], {}, join={"question_id": question_id})
    contribution_ids = []
    for n in range(args.contributions):
        ack = await poster.call(
            "post",
            {
                "question_id": question_id,
                "text": f"Storm contribution {n}",
                "client_id": f"storm-{n}",
                "language": "en",
            },
            timeout=30,
        )
        if not ack.get("ok"):
            raise RuntimeError(f"post refused: {ack}")
        contribution_ids.append(ack["contribution"]["id"])
    await disconnect_all([poster])

    views = [ClientView({cid: (0, 0) for cid in contribution_ids}) for _ in ids]

    def on_presence(i: int, _payload: dict) -> None:
        views[i].presence_messages += 1

    started = time.perf_counter()
    clients = await connect_all(
        base,
        cookies,
        {"tally": lambda i, p: views[i].on_tally(p), "presence": on_presence},
        join={"question_id": question_id},
    )
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)  # let the presence flushes of the joins settle

    storm = Storm()
    # Idle baseline: sequential trivial round trips before the storm.
    for n in range(args.idle_probes):
        sent = time.perf_counter()
        ack = await clients[n % len(clients)].call("leave", {"question_id": probe_q}, timeout=30)
        storm.idle_probe_latencies.append(time.perf_counter() - sent)
        if not ack.get("ok"):
            raise RuntimeError(f"leave refused: {ack}")

    latest: list[dict[int, int]] = [{} for _ in ids]
    locks = [asyncio.Lock() for _ in ids]
    total = int(args.rate * args.seconds)
    # Cycle through random permutations of the clients so a client votes again only after all others
    # have: the same client never has two votes in flight under normal load. Its lock enforces it
    # anyway, because two in-flight votes of one client could be applied in either order.
    order: list[int] = []
    while len(order) < total:
        permutation = list(range(len(clients)))
        rng.shuffle(permutation)
        order.extend(permutation)
    plan = [(order[k], rng.choice(contribution_ids), rng.choice(VALUES)) for k in range(total)]

    async def vote(client_index: int, cid: int, value: int) -> None:
        lock = locks[client_index]
        if lock.locked():
            storm.delayed_sends += 1
        async with lock:
            sent = time.perf_counter()
            storm.last_send = max(storm.last_send, sent)
            try:
                ack = await clients[client_index].call(
                    "vote", {"contribution_id": cid, "value": value}, timeout=args.ack_timeout
                )
            except Exception as error:  # timeout: the vote may or may not have been applied
                storm.failed.append(f"client {client_index} contribution {cid}: {error!r}")
                return
            now = time.perf_counter()
            storm.last_ack = max(storm.last_ack, now)
            storm.vote_latencies.append(now - sent)
            if ack.get("ok"):
                latest[client_index][cid] = value
            else:
                storm.failed.append(f"client {client_index} contribution {cid}: {ack}")

    async def probe() -> None:
        client = clients[rng.randrange(len(clients))]
        sent = time.perf_counter()
        try:
            await client.call("leave", {"question_id": probe_q}, timeout=args.ack_timeout)
        except Exception:
            return
        storm.probe_latencies.append(time.perf_counter() - sent)

    stop = asyncio.Event()
    monitor = asyncio.create_task(lag_monitor(storm, stop))
    cpu_before = cpu_seconds(pid)
    phase("measuring")
    tasks: list[asyncio.Task] = []
    start = time.perf_counter() + 0.2
    storm.first_send = start
    probe_every = max(1, round(args.rate / args.probe_rate)) if args.probe_rate > 0 else 0
    for k, (client_index, cid, value) in enumerate(plan):
        delay = start + k / args.rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(vote(client_index, cid, value)))
        if probe_every and k % probe_every == 0:
            tasks.append(asyncio.create_task(probe()))
    await asyncio.gather(*tasks)
    cpu_storm = cpu_seconds(pid) - cpu_before
    phase("done")

    # Wait until every client's view equals the expected final counts (or give up).
    expected = expected_counts(latest, contribution_ids)
    deadline = time.perf_counter() + args.settle
    while time.perf_counter() < deadline and any(v.counts != expected for v in views):
        await asyncio.sleep(0.05)
    stop.set()
    await monitor
    unconverged = sum(1 for v in views if v.counts != expected)
    convergence = max(0.0, max(v.last_change for v in views) - storm.last_send)

    state = await asyncio.to_thread(fetch_state, base, question_id, cookies[0])
    stored = {c["id"]: (c["agree"], c["disagree"]) for c in state["contributions"]}
    wrong_counts = {cid: (stored.get(cid), want) for cid, want in expected.items() if stored.get(cid) != want}

    window_end = storm.last_ack
    window = max(window_end - storm.first_send, 1e-9)
    rates = [sum(1 for t in v.tally_times if storm.first_send <= t <= window_end) / window for v in views]
    bursts = [max_in_window(v.tally_times) for v in views]
    await disconnect_all(clients)
    return {
        "connect_seconds": connect_seconds,
        "storm": storm,
        "total": total,
        "window": window,
        "cpu_storm": cpu_storm,
        "unconverged": unconverged,
        "convergence": convergence,
        "wrong_counts": wrong_counts,
        "rates": rates,
        "bursts": bursts,
        "tallies": [len(v.tally_times) for v in views],
        "presence": [v.presence_messages for v in views],
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(args: argparse.Namespace, r: dict) -> bool:
    storm: Storm = r["storm"]
    votes = percentiles(storm.vote_latencies)
    probes = percentiles(storm.probe_latencies)
    idle = percentiles(storm.idle_probe_latencies)
    lags = percentiles(storm.loop_lags)
    lost = len(storm.failed) + len(r["wrong_counts"])
    achieved = len(storm.vote_latencies) / r["window"]
    rates = r["rates"]
    out = sys.stdout
    out.write(f"machine                  : {machine()}\n")
    out.write(
        f"run                      : {args.clients} clients, {args.rate:g} votes/s for {args.seconds:g} s, "
        f"{args.contributions} contributions, mode {args.mode}, {args.database}, {r['variant']}\n"
    )
    out.write(f"connect + join           : {r['connect_seconds']:.1f} s for {args.clients} clients\n")
    out.write(
        f"votes                    : {r['total']} planned, {len(storm.vote_latencies)} acked in "
        f"{r['window']:.1f} s ({achieved:.0f}/s achieved); {storm.delayed_sends} sends waited for the same "
        f"client's previous ack\n"
    )
    out.write(
        f"vote ack latency         : p50 {ms(votes['p50'])}, p95 {ms(votes['p95'])}, p99 {ms(votes['p99'])}\n"
    )
    out.write(
        f"baseline during storm    : p50 {ms(probes['p50'])}, p95 {ms(probes['p95'])}, "
        f"p99 {ms(probes['p99'])}"
        f" ({len(storm.probe_latencies)} `leave` round trips for a question not joined: one SELECT, no "
        f"write, same server, same clients)\n"
    )
    out.write(
        f"baseline idle            : p50 {ms(idle['p50'])}, p95 {ms(idle['p95'])}, p99 {ms(idle['p99'])}"
        f" ({len(storm.idle_probe_latencies)} sequential `leave` round trips before the storm)\n"
    )
    out.write(
        f"client loop lag          : p50 {ms(lags['p50'])}, p99 {ms(lags['p99'])} "
        f"(clients share this machine; large values mean the clients, not the server, add latency)\n"
    )
    out.write(
        f"server CPU during storm  : {r['cpu_storm']:.1f} s over {r['window']:.1f} s, "
        f"{cpu_per_vote(r):.2f} ms per acked vote\n"
    )
    out.write(
        f"final tally seen by all  : {ms(r['convergence'])} after the last vote was sent"
        f" ({r['unconverged']} clients never saw the final counts)\n"
    )
    out.write(
        f"tally messages / client  : mean {sum(rates) / len(rates):.2f}/s, max {max(rates):.2f}/s during the "
        f"storm; most in any 1 s window {max(r['bursts'])}; total per client {min(r['tallies'])}-"
        f"{max(r['tallies'])}; presence messages per client {max(r['presence'])} max\n"
    )
    out.write(
        f"lost votes               : {len(storm.failed)} acks failed or timed out, "
        f"{len(r['wrong_counts'])} contributions with final counts != expected\n"
    )
    for line in storm.failed[:5]:
        out.write(f"  failed: {line}\n")
    for cid, (got, want) in list(r["wrong_counts"].items())[:5]:
        out.write(f"  contribution {cid}: stored {got}, expected {want}\n")

    checks = [
        (f"ack p95 < {ms(TARGET_ACK_P95)}", votes["p95"] < TARGET_ACK_P95),
        (
            f"every client sees the final tally within {TARGET_CONVERGENCE:g} s",
            r["unconverged"] == 0 and r["convergence"] <= TARGET_CONVERGENCE,
        ),
        (f"at most {TARGET_TALLIES_PER_SECOND:g} tally messages per client per second", max(rates) <= 4.0),
        ("zero lost votes", lost == 0),
    ]
    out.write("targets (defined for 1,000 clients at 200 votes/s):\n")
    for name, ok in checks:
        out.write(f"  {'PASS' if ok else 'FAIL'}  {name}\n")
    return all(ok for _, ok in checks)


def cpu_per_vote(r: dict) -> float:
    acked = len(r["storm"].vote_latencies)
    return r["cpu_storm"] * 1000 / acked if acked else float("nan")


VARIANTS = ("before", "current")


def storm(args: argparse.Namespace, variant: str, database_url: str, instance: Path) -> dict:
    ids, question_id, _code = prepare(database_url, args.clients, instance)
    probe_q = other_question(database_url, question_id)
    port = free_port()
    extra, source = {}, REPO
    if variant == "before":
        if args.baseline:
            source = Path(args.baseline).resolve()
        else:
            extra = {"DELIBERATE_SOCKET_IDENTITY_CACHE": "0"}
    with deliberate_server(port, database_url, instance, args.mode, extra=extra, source=source) as process:
        try:
            url = f"http://127.0.0.1:{port}"
            result = asyncio.run(run(args, url, process.pid, ids, question_id, probe_q))
        except Exception:
            log = (instance / f"server-{port}.log").read_text(errors="replace").splitlines()
            print("\n".join(["server log, last lines:", *log[-40:]]), file=sys.stderr)
            raise
    result["variant"] = variant
    result["rate"] = args.rate
    return result


def summary(args: argparse.Namespace, results: list[dict]) -> None:
    print(f"\nVote storm, {args.clients} clients, {args.database}, mode {args.mode}; load {load()}")
    header = (
        f"{'variant':<16} {'rate/s':>6} {'acked':>6} {'ack/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'CPU ms/vote':>11} {'lost':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        votes = percentiles(r["storm"].vote_latencies)
        acked = len(r["storm"].vote_latencies)
        lost = len(r["storm"].failed) + len(r["wrong_counts"])
        print(
            f"{r['variant']:<16} {r['rate']:>6g} {acked:>6} {acked / r['window']:>6.0f} "
            f"{votes['p50'] * 1000:>7.1f} {votes['p95'] * 1000:>7.1f} {votes['p99'] * 1000:>7.1f} "
            f"{cpu_per_vote(r):>11.2f} {lost:>5}"
        )


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="votes per second, all clients together")
    parser.add_argument("--rates", default=None, help="several rates, comma-separated (overrides --rate)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the storm")
    parser.add_argument("--contributions", type=int, default=20)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent", "threading"))
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--compare", action="store_true", help="also run the vote path before issue 16")
    parser.add_argument("--baseline", default=None, help="with --compare: a checkout of the commit before")
    parser.add_argument("--probe-rate", type=float, default=10.0, help="baseline round trips per second")
    parser.add_argument("--idle-probes", type=int, default=200, help="baseline round trips before the storm")
    parser.add_argument("--ack-timeout", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=10.0, help="longest wait for the final tally, s")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")] if args.rates else [args.rate]
    variants = list(VARIANTS) if args.compare else ["current"]

    ok, results = True, []
    for rate in rates:
        args.rate = rate
        for variant in variants:
            with tempfile.TemporaryDirectory(prefix="vote-storm-") as tmp:
                instance = Path(tmp)
                if args.database == "postgresql":
                    with postgres_database() as url:
                        result = storm(args, variant, url, instance)
                else:
                    result = storm(args, variant, f"sqlite:///{instance / 'storm.sqlite3'}", instance)
            ok = report(args, result) and ok
            results.append(result)
    summary(args, results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
