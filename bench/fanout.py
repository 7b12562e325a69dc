"""Fan-out: one poster, N receivers in one room; delivery latency and the server's CPU per delivery.

    python bench/fanout.py --clients 1000 --rates 2,10,50 --seconds 20 --mode eventlet
    python bench/fanout.py --clients 2000 --rates 2 --seconds 20 --mode eventlet --processes 2

One process: a fresh SQLite database (WAL, as in production), the Deliberate server (``deliberate serve``,
one worker), the bare Flask-SocketIO relay (bench/bare_relay.py, same async mode) and a bare Node
socket.io 4 relay (bench/node_relay/, installed with ``npm ci`` on first use) get the SAME workload at
each posting rate, one after the other in the same run: N receivers join question 1, then one more
client posts at a steady rate. Each post's text starts with its sequence number and the poster's
``perf_counter_ns``; receivers live in this same asyncio process, so a receiver's clock reading minus
that stamp is the delivery latency. A receiver takes both ``contribution`` and ``contributions`` (the
batch Deliberate sends to a busy room, see docs/API.md): every contribution of a batch is a delivery.

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
import json
import shutil
import subprocess
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
    phase,
    postgres_database,
    prepare,
    raise_nofile,
    redis_database,
    rss_bytes,
    server,
    session_cookie,
)

# A realistic contribution (the language detector runs on it, as on a real post); the stamp goes first.
FILLER = (
    "Cooperatives need patient capital, training for young people and fair access to public procurement "
    "if the social economy is to grow in our cities."
)
CPU_TARGET = 1.3  # below the batching rate: Deliberate's server CPU per delivery / the bare relay's
NODE_RATE = 10.0  # from this posting rate on, Deliberate's CPU per delivery must not exceed Node's
P95_LIMIT_MS = 1000.0  # Deliberate's delivery p95, at every rate
NODE_RELAY = REPO / "bench" / "node_relay"


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
    frames: int = 0  # frames received: single contribution events plus batches
    last_ms: list[float] = field(default_factory=list)
    # The server processes' resident memory before the receivers connected and once they had joined.
    rss_before: int = 0
    rss_joined: int = 0

    @property
    def kib_per_client(self) -> float:
        return (self.rss_joined - self.rss_before) / 1024 / self.clients if self.clients else float("nan")

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
    client: str = "python",
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
    batches: list[int] = []  # size of each `contributions` frame received

    result.rss_before = sum(rss_bytes(pid) for pid in server_pids)
    started = time.perf_counter()
    clients: list = []
    groups = len(receiver_urls)
    size = -(-receivers // groups)
    node = None
    if client == "node":
        node = await NodeReceivers.start(
            [(receiver_urls[i // size], cookie) for i, cookie in enumerate(receiver_cookies)], question_id
        )
        receiver_urls = []  # the Node process holds them all
    for group, url in enumerate(receiver_urls):
        offset = group * size
        cookies = receiver_cookies[offset : offset + size]

        def on_contribution(index: int, payload: dict, offset: int = offset) -> None:
            append((offset + index, clock(), payload["text"]))

        def on_batch(index: int, payload: dict, offset: int = offset) -> None:
            batches.append(len(payload["contributions"]))
            now = clock()
            for contribution in payload["contributions"]:
                append((offset + index, now, contribution["text"]))

        clients += await connect_all(
            url,
            cookies,
            {"contribution": on_contribution, "contributions": on_batch},
            join={"question_id": question_id, "batches": True},  # the relays ignore the flag
        )
    (poster,) = await connect_all(poster_url, [poster_cookie], {})
    result.connect_s = time.perf_counter() - started
    result.rss_joined = sum(rss_bytes(pid) for pid in server_pids)
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
    batches.clear()
    if node is not None:
        await node.command("reset", "reset")

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
    phase("measuring")
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
    if node is not None:
        await node.command(f"drain {expected} {drain}", "done")
        result.server_cpu_s = sum(cpu_seconds(pid) for pid in server_pids) - cpu_before
        phase("done")
        result.wall_s = time.perf_counter() - start
        await disconnect_all([poster])
        return node.result(result, acks, expected)
    deadline = time.perf_counter() + drain
    while len(records) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    result.server_cpu_s = sum(cpu_seconds(pid) for pid in server_pids) - cpu_before
    phase("done")
    result.frames = len(records) - sum(batches) + len(batches)
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


class NodeReceivers:
    """The receivers in one Node process (bench/node_relay/receivers.js, ``--client node``)."""

    def __init__(self, process, folder: Path) -> None:
        self.process, self.folder = process, folder

    @classmethod
    async def start(cls, targets: list[tuple[str, str]], question_id: int) -> NodeReceivers:
        install_node_relay()
        folder = Path(tempfile.mkdtemp(prefix="fanout-node-"))
        (folder / "config.json").write_text(json.dumps({"question_id": question_id, "targets": targets}))
        process = await asyncio.create_subprocess_exec(
            "node",
            str(NODE_RELAY / "receivers.js"),
            str(folder / "config.json"),
            str(folder / "out.json"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        receivers = cls(process, folder)
        await receivers.expect("ready", timeout=900)
        return receivers

    async def expect(self, word: str, timeout: float) -> None:
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if line.decode().strip() != word:
            raise RuntimeError(f"node receivers said {line!r}, not {word!r}")

    async def command(self, line: str, answer: str) -> None:
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()
        await self.expect(answer, timeout=3600)

    def result(self, result: Result, acks: list[dict], expected: int) -> Result:
        data = json.loads((self.folder / "out.json").read_text())
        shutil.rmtree(self.folder, ignore_errors=True)
        result.failed_posts = sum(1 for ack in acks if not ack.get("ok"))
        result.latencies_ms = data["latencies"]
        result.deliveries = data["deliveries"]
        result.duplicates = data["duplicates"]
        result.missing = expected - data["deliveries"]
        result.first_ms, result.last_ms = data["first"], data["last"]
        result.frames = data["frames"]
        result.client_cpu_s = data["cpuSeconds"]
        return result


def install_node_relay() -> None:
    if not (NODE_RELAY / "node_modules" / "socket.io-client").is_dir():
        print("node relay: npm ci (first use)", file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_RELAY, check=True)


def bare_relay(port: int, mode: str, instance: Path):
    command = [sys.executable, str(REPO / "bench" / "bare_relay.py"), "--port", str(port), "--mode", mode]
    return server(command, port, {"DELIBERATE_ASYNC_MODE": mode}, instance / f"bare-{port}.log")


def node_relay(port: int, instance: Path):
    """The Node socket.io 4 relay, installed from its lock file into bench/node_relay the first time."""
    install_node_relay()
    command = ["node", str(NODE_RELAY / "server.js"), "--port", str(port)]
    return server(command, port, {}, instance / f"node-{port}.log")


def run_one_process(args: argparse.Namespace, instance: Path) -> list[Result]:
    database_url = f"sqlite:///{instance / 'fanout.sqlite3'}"
    ids, question_id, _code = prepare(database_url, args.clients + 1, instance)
    poster_cookie, *cookies = [session_cookie(uid) for uid in ids]
    results = []
    for rate in args.rates:
        for system in args.systems:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            if system == "deliberate":
                context = deliberate_server(port, database_url, instance, args.mode, extra=args.extra)
            elif system == "node":
                context = node_relay(port, instance)
            else:
                context = bare_relay(port, args.mode, instance)
            with context as process:
                print(f"{system} at {rate:g}/s: server pid {process.pid} on port {port}", file=sys.stderr)
                if results:  # each row as soon as it is measured: a long run that fails keeps them
                    line = results[-1]
                    print(
                        f"  done: {line.system} {line.rate:g}/s {line.cpu_us_per_delivery:.1f} µs/dlv, "
                        f"{line.missing} missing, p95 {percentiles(line.latencies_ms)['p95']:.0f} ms",
                        file=sys.stderr,
                    )
                results.append(
                    asyncio.run(
                        workload(
                            system,
                            [url],
                            cookies,
                            url,
                            poster_cookie,
                            question_id,
                            rate,
                            args.seconds,
                            [process.pid],
                            args.settle,
                            args.drain,
                            args.client,
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
            stack.enter_context(
                deliberate_server(port, database_url, instance, args.mode, queue=queue, extra=args.extra)
            )
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
                    args.rates[0],
                    args.seconds,
                    [p.pid for p in processes],
                    args.settle,
                    args.drain,
                    args.client,
                )
            )
        ]


def report(results: list[Result], args: argparse.Namespace) -> bool:
    header = (
        f"{'system':<22} {'clients':>7} {'rate/s':>6} {'msgs':>5} {'deliveries':>10} {'missing':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'srv µs/dlv':>10} {'srv CPU s':>9} {'cli CPU s':>9}"
    )
    print(f"\nFan-out, mode {args.mode}, {args.processes} process(es); {machine()}; load {load()}")
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
            f"posting+drain {r.wall_s:.1f} s; {r.frames} frames ({r.deliveries / max(r.frames, 1):.1f} "
            f"contributions per frame); server memory {r.rss_joined / 2**20:.0f} MiB once joined, "
            f"{r.kib_per_client:.0f} KiB per client"
        )
    print()
    for rate in sorted({r.rate for r in results}):
        by_name = {r.system: r for r in results if r.rate == rate}
        ours = by_name.get("deliberate")
        if ours is None:
            continue
        p95 = percentiles(ours.latencies_ms)["p95"]
        checks = [(f"Deliberate delivery p95 {p95:.0f} ms (limit {P95_LIMIT_MS:.0f} ms)", p95 < P95_LIMIT_MS)]
        for name, limit in (("bare", CPU_TARGET if rate < NODE_RATE else None), ("node", 1.0)):
            other = by_name.get(name)
            if other is None:
                continue
            ratio = ours.cpu_us_per_delivery / other.cpu_us_per_delivery
            if limit is None or (name == "node" and rate < NODE_RATE):
                print(f"  {rate:g}/s: Deliberate/{name} server CPU per delivery {ratio:.2f} (no target)")
            else:
                label = f"Deliberate/{name} server CPU per delivery {ratio:.2f} (target ≤ {limit})"
                checks.append((label, ratio <= limit))
        for label, passed in checks:
            ok = ok and passed
            print(f"  {rate:g}/s: {label} {'PASS' if passed else 'FAIL'}")
    print(f"No client missed a message: {'PASS' if all(not r.missing for r in results) else 'FAIL'}")
    return ok


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000, help="receivers (the poster is one more)")
    parser.add_argument("--rates", default="2,10,50", help="posting rates per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to post")
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument(
        "--systems",
        default="deliberate,bare,node",
        help="one process only: which servers to run at each rate, in order (deliberate, bare, node)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra setting for the Deliberate server(s), e.g. DELIBERATE_BATCH_POSTS_PER_S=0",
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between the joins and the posts")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for late deliveries")
    parser.add_argument(
        "--client",
        choices=("python", "node"),
        default="python",
        help="the receivers: asyncio clients in this process, or socket.io-client in one Node process",
    )
    parser.add_argument("--keep", action="store_true", help="keep the instance folder (server logs)")
    args = parser.parse_args()
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if not set(args.systems) <= {"deliberate", "bare", "node"}:
        parser.error("--systems takes deliberate, bare and/or node")
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    args.extra = dict(item.split("=", 1) for item in args.env)

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
