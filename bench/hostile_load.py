"""One person's load against a room: does everyone else's vote still get answered quickly?

    python bench/hostile_load.py [--participants 30] [--seconds 8]

A fresh SQLite database, one eventlet server (default throttles), a room of ``--participants`` attendees
who each vote twice a second. Measured: their vote acks' p50/p95 with no attacker (baseline) and then
while one attacker runs each case, all in the same run:

- state-read flood: one attendee reads ``GET /api/v1/questions/ID/state`` as fast as it can;
- join churn: one attendee joins and leaves the room as fast as it can;
- many sockets: one account opens 200 sockets;
- log-in flood: anonymous clients post failed log-ins as fast as they can (scrypt runs in a thread);
- malformed packets: one client sends ``42["post",`` as fast as it can (the server closes the
  connection at each, so it reconnects each time).

Also the synthesis renderer on the pathological inputs of issue 15 (each must stay under 100 ms).
The target: every case's p95 within 2x the baseline's. CPU is shared with whatever else runs; the
baseline is measured in the same run, on the same server, for that reason.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    connect_all,
    deliberate_server,
    disconnect_all,
    free_port,
    machine,
    percentiles,
    prepare,
    session_cookie,
)


def markdown_times() -> list[tuple[str, float]]:
    from deliberate.clusters.synthesis import render

    out = []
    for name, text in (("'[' * 50000", "[" * 50000), ("'<a ' * 16000", "<a " * 16000)):
        out.append((name, _timed(render, text)))
    out.append(("'<![CDATA[' * 5000", _timed(render, "<![CDATA[" * 5000)))
    return out


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


async def voters(url: str, cookies: list[str], question_id: int, seconds: float) -> list[float]:
    clients = await connect_all(url, cookies, {}, join={"question_id": question_id})
    first = await clients[0].call("post", {"question_id": question_id, "text": "bench target"}, timeout=30)
    target = first["contribution"]["id"]
    acks: list[float] = []

    async def vote(client) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            await client.call(
                "vote", {"contribution_id": target, "value": random.choice((1, -1))}, timeout=30
            )
            acks.append(time.perf_counter() - start)
            await asyncio.sleep(0.5)

    await asyncio.gather(*(vote(c) for c in clients))
    await disconnect_all(clients)
    return acks


async def state_flood(url: str, cookie: str, question_id: int, stop: asyncio.Event) -> int:
    import aiohttp

    sent = 0
    async with aiohttp.ClientSession(headers={"Cookie": cookie}) as http:
        while not stop.is_set():
            async with http.get(f"{url}/api/v1/questions/{question_id}/state") as response:
                await response.read()
            sent += 1
    return sent


async def join_churn(url: str, cookie: str, question_id: int, stop: asyncio.Event) -> int:
    clients = await connect_all(url, [cookie], {})
    sent = 0
    while not stop.is_set():
        await clients[0].call("join", {"question_id": question_id}, timeout=30)
        await clients[0].call("leave", {"question_id": question_id}, timeout=30)
        sent += 2
    await disconnect_all(clients)
    return sent


async def many_sockets(url: str, cookie: str, question_id: int, stop: asyncio.Event) -> int:
    import socketio

    opened = []
    for _ in range(200):
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=5)
            await client.call("join", {"question_id": question_id}, timeout=10)
            opened.append(client)
        except Exception:  # refused beyond the cap: that is the point
            pass
    await stop.wait()
    await disconnect_all(opened)
    return len(opened)


async def login_flood(url: str, _cookie: str, _question_id: int, stop: asyncio.Event) -> int:
    import aiohttp

    sent = 0

    async def one(http) -> None:
        nonlocal sent
        while not stop.is_set():
            body = {"email": f"nobody{random.randrange(10**6)}@example.org", "password": "wrong password"}
            async with http.post(f"{url}/api/v1/auth/login", json=body) as response:
                await response.read()
            sent += 1

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(http) for _ in range(8)))
    return sent


async def malformed(url: str, cookie: str, _question_id: int, stop: asyncio.Event) -> int:
    """Broken packets as fast as the server takes them. The server closes a connection at its first
    broken packet, so the attacker connects again each time (handshake, log-in check, socket cap)."""
    import aiohttp

    sent = 0
    ws_url = url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession(headers={"Cookie": cookie}) as http:
        while not stop.is_set():
            async with http.ws_connect(ws_url) as ws:
                await ws.receive(timeout=10)  # engine.io open
                await ws.send_str("40")
                await ws.receive(timeout=10)  # socket.io connect
                while not stop.is_set() and not ws.closed:
                    await ws.send_str('42["post",')
                    sent += 1
                    message = await ws.receive(timeout=10)
                    if message.type in (
                        aiohttp.WSMsgType.CLOSE,
                        aiohttp.WSMsgType.CLOSED,
                        aiohttp.WSMsgType.ERROR,
                    ):
                        break
    return sent


CASES = {
    "state-read flood": state_flood,
    "join churn": join_churn,
    "many sockets": many_sockets,
    "log-in flood": login_flood,
    "malformed packets": malformed,
}


async def measure(url, cookies, attacker_cookie, question_id, seconds, case) -> tuple[dict, int]:
    stop = asyncio.Event()
    attack = asyncio.create_task(case(url, attacker_cookie, question_id, stop)) if case else None
    if attack:
        await asyncio.sleep(1)  # let the attack get going
    acks = await voters(url, cookies, question_id, seconds)
    stop.set()
    try:
        count = await attack if attack else 0
    except Exception as error:  # the server closing the attacker's connection ends its attack
        count = f"ended: {type(error).__name__}"
    return percentiles(acks), count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated, of: " + ", ".join(CASES))
    args = parser.parse_args()
    cases = {name: CASES[name] for name in args.cases.split(",")}
    print(f"Machine: {machine()} (CPU shared with other work: figures are indicative)")
    print("\nSynthesis rendering (cmark-gfm):")
    for name, seconds in markdown_times():
        print(f"  {name:<22} {seconds * 1000:7.1f} ms  {'ok' if seconds < 0.1 else 'OVER 100 ms'}")
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        url_db = f"sqlite:///{instance / 'bench.sqlite3'}"
        ids, question_id, _code = prepare(url_db, args.participants + 1, instance)
        cookies = [session_cookie(uid) for uid in ids[: args.participants]]
        attacker = session_cookie(ids[-1])
        port = free_port()
        with deliberate_server(port, url_db, instance, "eventlet"):
            url = f"http://127.0.0.1:{port}"
            rows = []
            baseline, _ = asyncio.run(measure(url, cookies, attacker, question_id, args.seconds, None))
            rows.append(("no attacker (baseline)", baseline, ""))
            print(f"baseline p95 {baseline['p95'] * 1000:.1f} ms", flush=True)
            for name, case in cases.items():
                print(f"running {name}", flush=True)
                figures, count = asyncio.run(measure(url, cookies, attacker, question_id, args.seconds, case))
                rows.append((name, figures, count))
    print(f"\nVote ack of {args.participants} participants, 2 votes/s each, {args.seconds:.0f} s per case")
    print(f"{'case':<24} {'p50 ms':>8} {'p95 ms':>8} {'attack':>8}  within 2x baseline p95")
    for name, figures, count in rows:
        within = (
            ""
            if not count and name.startswith("no")
            else ("yes" if figures["p95"] <= 2 * max(baseline["p95"], 0.005) else "NO")
        )
        print(f"{name:<24} {figures['p50'] * 1000:8.1f} {figures['p95'] * 1000:8.1f} {count!s:>8}  {within}")
    print("\n(attack: requests sent, or sockets the server accepted for 'many sockets')")


if __name__ == "__main__":
    main()
