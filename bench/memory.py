"""Server memory per connected client: RSS with none connected, then with N connected and joined.

    python bench/memory.py --clients 500,1000 --mode eventlet

For the Deliberate server (fresh SQLite database, one worker) and then the bare relay
(bench/bare_relay.py, same async mode) in the same run: a few clients connect, join and leave first (so
that what every server loads once, on its first socket, is in the baseline), the RSS is read, then
clients are added step by step up to each N, all joined to question 1, and the RSS is read again
after a short pause. The per-client figure is (RSS(N) - RSS(0)) / N; the target is under 100 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    REPO,
    connect_all,
    deliberate_server,
    disconnect_all,
    free_port,
    machine,
    prepare,
    raise_nofile,
    rss_bytes,
    server,
    session_cookie,
)

TARGET_KB = 100.0
WARM_UP = 5


async def measure(url: str, pid: int, cookies: list[str], steps: list[int], question_id: int, settle: float):
    """RSS (bytes) at 0 clients and at each step, the clients of a step staying for the next ones."""
    join = {"question_id": question_id}
    warm = await connect_all(url, cookies[:WARM_UP], {}, join=join)
    await disconnect_all(warm)
    await asyncio.sleep(settle)
    readings = [(0, rss_bytes(pid))]
    clients: list = []
    for step in steps:
        clients += await connect_all(url, cookies[len(clients) : step], {}, join=join)
        await asyncio.sleep(settle)  # let the presence broadcasts of the joins pass
        readings.append((step, rss_bytes(pid)))
    await disconnect_all(clients)
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", default="500,1000", help="comma-separated client counts, ascending")
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait before reading the RSS")
    args = parser.parse_args()
    steps = sorted({int(n) for n in args.clients.split(",") if n.strip()})
    raise_nofile(2 * steps[-1] + 256)  # one socket per client, here and in the servers (inherited)

    instance = Path(tempfile.mkdtemp(prefix="deliberate-memory-"))
    try:
        database_url = f"sqlite:///{instance / 'memory.sqlite3'}"
        ids, question_id, _code = prepare(database_url, steps[-1], instance)
        cookies = [session_cookie(uid) for uid in ids]
        results: dict[str, list[tuple[int, int]]] = {}
        for system in ("deliberate", "bare"):
            port = free_port()
            if system == "deliberate":
                context = deliberate_server(port, database_url, instance, args.mode)
            else:
                command = [sys.executable, str(REPO / "bench" / "bare_relay.py"), "--port", str(port)]
                context = server([*command, "--mode", args.mode], port, {}, instance / f"bare-{port}.log")
            with context as process:
                url = f"http://127.0.0.1:{port}"
                results[system] = asyncio.run(
                    measure(url, process.pid, cookies, steps, question_id, args.settle)
                )
    finally:
        shutil.rmtree(instance, ignore_errors=True)

    print(f"\nServer memory per connected client, mode {args.mode}; {machine()}")
    print(f"{'system':<12} {'clients':>7} {'RSS MB':>8} {'Δ MB':>8} {'KB/client':>10}")
    per_client: dict[str, float] = {}
    for system, readings in results.items():
        base = readings[0][1]
        for clients, rss in readings:
            delta = rss - base
            kb = delta / 1024 / clients if clients else float("nan")
            print(f"{system:<12} {clients:>7} {rss / 2**20:>8.1f} {delta / 2**20:>8.1f} {kb:>10.1f}")
            per_client[system] = kb
    ours, bare = per_client["deliberate"], per_client["bare"]
    verdict = "PASS" if ours < TARGET_KB else "FAIL"
    print(
        f"Deliberate: {ours:.1f} KB per client at {steps[-1]} clients (bare relay {bare:.1f} KB, "
        f"difference {ours - bare:+.1f} KB); target < {TARGET_KB:g} KB: {verdict}"
    )
    sys.exit(0 if ours < TARGET_KB else 1)


if __name__ == "__main__":
    main()
