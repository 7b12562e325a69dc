"""Fan-out: one poster, N receivers in one room; delivery latency and the server's CPU per delivery.

    python bench/fanout.py --clients 1000 --rate 2 --seconds 20 --mode eventlet
    python bench/fanout.py --clients 2000 --rate 2 --seconds 20 --mode eventlet --processes 2

One process: a fresh SQLite database (WAL, as in production), the Deliberate server (``deliberate serve``,
one worker) and then, in the same run, the bare relay (bench/bare_relay.py, same async mode) get the
SAME workload: N receivers join question 1, then one more client posts at a steady rate. Each post's
text starts with its sequence number and the poster's ``perf_counter_ns``; receivers live in this
same asyncio process, so a receiver's clock reading minus that stamp is the delivery latency.

Two processes: a fresh PostgreSQL database and an empty Redis database, two Deliberate servers sharing
the Redis message queue, the receivers split evenly between them and the poster on the first one.

The server's CPU time (user + system, from /proc) is read before the first post and after the last
delivery, summed over the server processes, and divided by the deliveries. With the clients on the
same two cores the latencies are mostly the clients' own queueing, so the CPU figure is the one that
says what the server costs; the latency ratio is still meaningful because both systems face the same
client process in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
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
    postgres_database,
    prepare,
    raise_nofile,
    redis_database,
    server,
    session_cookie,
)

# A realistic contribution (the language detector runs on it, as on a real post); the stamp goes first.
FILLER = (
    "Cooperatives need patient capital, training for young people and fair access to public procurement "
    "if the social economy is to grow in our cities."
)
CPU_TARGET = 1.3  # Deliberate's server CPU per delivery / the bare relay's, at most
P95_TARGET = 1.5  # Deliberate's delivery p95 / the bare relay's, at most


@dataclass
class Result:
    system: str
    clients: int
    rate: float
    messages: int
    failed_posts: int = 0
    deliveries: int = 0
    missing: int = 0
    duplicates: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    wall_s: float = 0.0
    connect_s: float = 0.0
    # Per message: latency of its first and of its last delivery. The first says how long the server
    # took to start the fan-out; last minus first is the fan-out's spread over the clients.
    first_ms: list[float] = field(default_factory=list)
    last_ms: list[float] = field(default_factory=list)

    @property
    def cpu_us_per_delivery(self) -> float:
        return self.server_cpu_s * 1e6 / self.deliveries if self.deliveries else float("nan")


async def workload(
    system: str,
    receiver_urls: list[str],
    receiver_cookies: list[str],
    poster_url: str,
    poster_cookie: str,
    question_id: int,
    rate: float,
    seconds: float,
    server_pids: list[int],
    settle: float,
    drain: float,
) -> Result:
    """Connect and join the receivers, post ``rate * seconds`` messages at a steady pace, wait for
    every delivery (or ``drain`` seconds), and account for it."""
    receivers = len(receiver_cookies)
    messages = max(1, round(rate * seconds))
    result = Result(system, receivers, rate, messages)
    # (receiver index, receive time, text): the handler only appends, parsing waits for the end, so the
    # client process stays as fast as it can be while messages arrive.
    records: list[tuple[int, int, str]] = []
    append = records.append
    clock = time.perf_counter_ns

    started = time.perf_counter()
    clients: list = []
    groups = len(receiver_urls)
    size = -(-receivers // groups)
    for group, url in enumerate(receiver_urls):
        offset = group * size
        cookies = receiver_cookies[offset : offset + size]

        def on_contribution(index: int, payload: dict, offset: int = offset) -> None:
            append((offset + index, clock(), payload["text"]))

        clients += await connect_all(
            url, cookies, {"contribution": on_contribution}, join={"question_id": question_id}
        )
    (poster,) = await connect_all(poster_url, [poster_cookie], {})
    result.connect_s = time.perf_counter() - started
    # One post before measuring, for both systems: Deliberate loads its language detector on its first
    # post (once per process life), which is not what a steady fan-out costs. Then let the presence
    # broadcasts that the joins caused pass, and forget the warm-up deliveries.
    warm = await poster.call(
        "post",
        {"question_id": question_id, "text": f"-1 {clock()} {FILLER}", "client_id": "warm-up"},
        timeout=60,
    )
    if not warm.get("ok"):
        raise RuntimeError(f"{system}: warm-up post refused: {warm}")
    await asyncio.sleep(settle)
    records.clear()

    acks: list[dict] = []

    async def send(sequence: int) -> None:
        stamp = clock()
        payload = {
            "question_id": question_id,
            "text": f"{sequence} {stamp} {FILLER}",
            "client_id": f"bench-{sequence}-{stamp}",  # as the web client does: every post carries one
        }
        try:
            acks.append(await poster.call("post", payload, timeout=60))
        except Exception as error:  # a timeout is a failed post, reported, not a crash of the run
            acks.append({"ok": False, "error": repr(error)})

    cpu_before = sum(cpu_seconds(pid) for pid in server_pids)
    client_before = time.process_time()
    start = time.perf_counter()
    tasks = []
    for sequence in range(messages):
        # A steady schedule (not one post per ack) so that a slow server cannot lower the offered rate.
        delay = start + sequence / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(sequence)))
    await asyncio.gather(*tasks)
    expected = receivers * messages
    deadline = time.perf_counter() + drain
    while len(records) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    result.server_cpu_s = sum(cpu_seconds(pid) for pid in server_pids) - cpu_before
    result.client_cpu_s = time.process_time() - client_before
    result.wall_s = time.perf_counter() - start

    await disconnect_all([*clients, poster])

    result.failed_posts = sum(1 for ack in acks if not ack.get("ok"))
    seen: set[tuple[int, int]] = set()
    spans: dict[int, list[float]] = {}
    for index, received, text in records:
        sequence, stamp, _ = text.split(" ", 2)
        key = (int(sequence), index)
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        latency = (received - int(stamp)) / 1e6
        result.latencies_ms.append(latency)
        span = spans.setdefault(key[0], [latency, latency])
        span[0], span[1] = min(span[0], latency), max(span[1], latency)
    result.first_ms = [first for first, _ in spans.values()]
    result.last_ms = [last for _, last in spans.values()]
    result.deliveries = len(seen)
    result.missing = expected - len(seen)
    for ack in acks:
        if not ack.get("ok"):
            print(f"  {system}: post failed: {ack}", file=sys.stderr)
            break
    return result


def bare_relay(port: int, mode: str, instance: Path):
    command = [sys.executable, str(REPO / "bench" / "bare_relay.py"), "--port", str(port), "--mode", mode]
    return server(command, port, {"DELIBERATE_ASYNC_MODE": mode}, instance / f"bare-{port}.log")


def run_one_process(args: argparse.Namespace, instance: Path) -> list[Result]:
    database_url = f"sqlite:///{instance / 'fanout.sqlite3'}"
    ids, question_id, _code = prepare(database_url, args.clients + 1, instance)
    poster_cookie, *cookies = [session_cookie(uid) for uid in ids]
    results = []
    for system in args.systems:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        if system == "deliberate":
            context = deliberate_server(port, database_url, instance, args.mode)
        else:
            context = bare_relay(port, args.mode, instance)
        with context as process:
            print(f"{system}: server pid {process.pid} on port {port}", file=sys.stderr)
            results.append(
                asyncio.run(
                    workload(
                        system,
                        [url],
                        cookies,
                        url,
                        poster_cookie,
                        question_id,
                        args.rate,
                        args.seconds,
                        [process.pid],
                        args.settle,
                        args.drain,
                    )
                )
            )
    return results


def run_two_processes(args: argparse.Namespace, instance: Path) -> list[Result]:
    with postgres_database() as database_url, redis_database() as queue, ExitStack() as stack:
        ids, question_id, _code = prepare(database_url, args.clients + 1, instance)
        poster_cookie, *cookies = [session_cookie(uid) for uid in ids]
        ports = [free_port(), free_port()]
        processes = [
            stack.enter_context(deliberate_server(port, database_url, instance, args.mode, queue=queue))
            for port in ports
        ]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        print(f"deliberate x2: pids {[p.pid for p in processes]}, queue {queue}", file=sys.stderr)
        return [
            asyncio.run(
                workload(
                    "deliberate x2 (Redis)",
                    urls,
                    cookies,
                    urls[0],
                    poster_cookie,
                    question_id,
                    args.rate,
                    args.seconds,
                    [p.pid for p in processes],
                    args.settle,
                    args.drain,
                )
            )
        ]


def report(results: list[Result], args: argparse.Namespace) -> bool:
    header = (
        f"{'system':<22} {'clients':>7} {'rate/s':>6} {'msgs':>5} {'deliveries':>10} {'missing':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'srv µs/dlv':>10} {'srv CPU s':>9} {'cli CPU s':>9}"
    )
    print(f"\nFan-out, mode {args.mode}, {args.processes} process(es); {machine()}")
    print(header)
    print("-" * len(header))
    ok = True
    for r in results:
        p = percentiles(r.latencies_ms)
        print(
            f"{r.system:<22} {r.clients:>7} {r.rate:>6g} {r.messages:>5} {r.deliveries:>10} {r.missing:>7} "
            f"{p['p50']:>8.1f} {p['p95']:>8.1f} {p['p99']:>8.1f} {r.cpu_us_per_delivery:>10.1f} "
            f"{r.server_cpu_s:>9.2f} {r.client_cpu_s:>9.2f}"
        )
        if r.missing or r.duplicates or r.failed_posts:
            ok = False
            print(
                f"  {r.system}: {r.missing} missing, {r.duplicates} duplicates, {r.failed_posts} failed posts"
            )
        first, last = percentiles(r.first_ms), percentiles(r.last_ms)
        print(
            f"  per message, first delivery p50/p95 {first['p50']:.1f}/{first['p95']:.1f} ms, last delivery "
            f"p50/p95 {last['p50']:.1f}/{last['p95']:.1f} ms; connect+join {r.connect_s:.1f} s, "
            f"posting+drain {r.wall_s:.1f} s"
        )
    by_name = {r.system: r for r in results}
    if "deliberate" in by_name and "bare" in by_name:
        ours, bare = by_name["deliberate"], by_name["bare"]
        cpu_ratio = ours.cpu_us_per_delivery / bare.cpu_us_per_delivery
        p95_ratio = percentiles(ours.latencies_ms)["p95"] / percentiles(bare.latencies_ms)["p95"]
        for label, ratio, target in (
            ("server CPU per delivery", cpu_ratio, CPU_TARGET),
            ("delivery p95", p95_ratio, P95_TARGET),
        ):
            verdict = "PASS" if ratio <= target else "FAIL"
            ok = ok and ratio <= target
            print(f"Deliberate/bare {label}: {ratio:.2f} (target ≤ {target}) {verdict}")
    print(f"No client missed a message: {'PASS' if all(not r.missing for r in results) else 'FAIL'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000, help="receivers (the poster is one more)")
    parser.add_argument("--rate", type=float, default=2.0, help="posts per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to post")
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument(
        "--systems",
        default="deliberate,bare",
        help="one process only: which servers to run, in order (deliberate, bare)",
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between the joins and the posts")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for late deliveries")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder (server logs)")
    args = parser.parse_args()
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if not set(args.systems) <= {"deliberate", "bare"}:
        parser.error("--systems takes deliberate and/or bare")

    # One socket per client here and in the servers (which inherit this limit): 1,000 clients and
    # more need more than the usual 1,024 descriptors.
    limit = raise_nofile(2 * args.clients + 256)
    if limit < args.clients + 64:
        sys.exit(f"open-file limit {limit} is too low for {args.clients} clients")
    try:
        import uvloop  # optional: a faster client loop leaves more of the two cores to the servers

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass

    instance = Path(tempfile.mkdtemp(prefix="deliberate-fanout-"))
    try:
        if args.processes == 1:
            results = run_one_process(args, instance)
        else:
            results = run_two_processes(args, instance)
        ok = report(results, args)
    finally:
        if args.keep:
            print(f"instance kept in {instance}", file=sys.stderr)
        else:
            shutil.rmtree(instance, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
