"""How long does a heavy operation freeze the room? The no-op round trip of a connected client, idle
and while each heavy operation runs through the web, on one real ``deliberate serve``.

    python bench/stalls.py --questions 5 --contributions 200 --votes 20000

A fresh SQLite database holds the demo session with ``--questions`` × ``--contributions``
contributions (mixed French, Spanish and English, clusters with syntheses citing contributions, votes
by 300 participants: the generator of bench/exports.py). One participant is made moderator, one
rapporteur. Then ``deliberate serve`` (embedded default: its own pool of local worker processes, the
size it picks on this machine) runs on that database, and one attendee's socket, joined to question 1,
sends a no-op event (``leave`` of a question it has not joined: one SELECT, acked) every
``--interval`` seconds, a new one as soon as the previous answer arrives if that was later.

Each operation below runs once, as the moderator (or the rapporteur for the decision), through the
server's HTTP API or socket exactly as the pages do, while the attendee's probe runs; the probe's
figures during the operation are printed next to the same probe with nothing running, measured in the
same run before, between and after the operations (the baseline). The largest round trip is what a room
sees as a freeze; the target is at most 100 ms for every operation.

- PDF, DOCX, HTML: ``GET /api/v1/sessions/CODE/report?format=...`` (the contract's download);
- suggestions: ``POST /api/v1/questions/ID/cluster-suggestions`` on question 1;
- accepting suggestions: every suggestion as ``cluster_create`` with its contributions (room page);
- moving many: ``cluster_assign_many`` of all of question 1's contributions into a new cluster;
- submitting a version: ``POST /api/v1/sessions/CODE/versions`` (the report in every language);
- a version with its changes: ``GET /api/v1/sessions/CODE/versions/2`` (the diff against version 1);
- the review page of that version, and its PDF from the review page (``/s/CODE/review/2/file``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from exports import PARTICIPANTS, add_opinion_groups_argument, fill, make_app  # noqa: E402

TARGET_MS = 100.0


def roles(app, code: str, moderator: int, rapporteur: int) -> list[int]:
    """Make two participants staff; returns the session's question ids in order."""
    from sqlalchemy import select, update

    from deliberate.extensions import db
    from deliberate.sessions.models import PanelSession, Registration

    with app.app_context():
        session = db.session.scalar(select(PanelSession).where(PanelSession.code == code))
        for user_id, role in ((moderator, "moderator"), (rapporteur, "rapporteur")):
            db.session.execute(
                update(Registration)
                .where(Registration.user_id == user_id, Registration.session_id == session.id)
                .values(role=role)
            )
        ids = [q.id for q in session.questions]
        db.session.commit()
        db.engine.dispose()
    return ids


class Probe:
    """One attendee's no-op round trips, recorded while ``running``."""

    def __init__(self, client, question_id: int, interval: float) -> None:
        self.client, self.question_id, self.interval = client, question_id, interval
        self.times: list[float] = []
        self.starts: list[float] = []  # perf_counter() at each probe's send
        self.failed = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            start = time.perf_counter()
            self.starts.append(start)
            try:
                ack = await self.client.call("leave", {"question_id": self.question_id}, timeout=120)
                if not ack.get("ok"):
                    self.failed += 1
            except Exception:  # a timeout counts as a failure, and as its own duration
                self.failed += 1
            elapsed = time.perf_counter() - start
            self.times.append(elapsed * 1000)
            await asyncio.sleep(max(0.0, self.interval - elapsed))


async def during(client, question_id: int, interval: float, operation) -> tuple[Probe, float, object]:
    """Probe while ``operation()`` runs (and a moment before and after); returns (probe, seconds, result)."""
    probe = Probe(client, question_id, interval)
    stop = asyncio.Event()
    task = asyncio.create_task(probe.run(stop))
    await asyncio.sleep(0.2)
    start = time.perf_counter()
    result = await operation()
    elapsed = time.perf_counter() - start
    await asyncio.sleep(0.2)
    stop.set()
    await task
    probe.began = start
    return probe, elapsed, result


async def idle(client, question_id: int, interval: float, seconds: float) -> Probe:
    return (await during(client, question_id, interval, lambda: asyncio.sleep(seconds)))[0]


async def bench(base: str, code: str, question_ids: list[int], users: dict[str, int], args) -> list:
    import aiohttp

    [probe_client] = await connect_all(base, [session_cookie(users["attendee"])], {}, join=None)
    ack = await probe_client.call("join", {"question_id": question_ids[0]}, timeout=60)
    assert ack.get("ok"), ack
    [moderator_socket] = await connect_all(base, [session_cookie(users["moderator"])], {})
    noop_question = question_ids[1]  # joined by nobody: the leave is a no-op
    q1 = question_ids[0]

    def http(user: str) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            base_url=base,
            headers={"Cookie": session_cookie(users[user])},
            timeout=aiohttp.ClientTimeout(total=600),
        )

    moderator, rapporteur = http("moderator"), http("rapporteur")

    async def get(who: aiohttp.ClientSession, path: str, expect: int = 200) -> str:
        async with who.get(path) as answer:
            data = await answer.read()
            if answer.status != expect:
                raise RuntimeError(f"GET {path}: {answer.status} {data[:300]!r}")
            return f"{len(data) / 1024:.0f} KiB"

    async def post(who: aiohttp.ClientSession, path: str, body: dict, expect: int) -> dict:
        async with who.post(path, json=body) as answer:
            data = await answer.json()
            if answer.status != expect:
                raise RuntimeError(f"POST {path}: {answer.status} {data}")
            return data

    found: dict = {}

    async def suggestions() -> str:
        found.update(await post(moderator, f"/api/v1/questions/{q1}/cluster-suggestions", {}, 200))
        themes = found["suggestions"]
        return f"{len(themes)} themes, {sum(len(s['contribution_ids']) for s in themes)} contributions"

    async def accept() -> str:
        moved = 0
        for s in found["suggestions"]:
            ack = await moderator_socket.call(
                "cluster_create",
                {"question_id": q1, "label": s["label"][:100], "contribution_ids": s["contribution_ids"]},
                timeout=600,
            )
            if not ack.get("ok"):
                raise RuntimeError(f"cluster_create refused: {ack}")
            moved += len(s["contribution_ids"])
        return f"{moved} moved"

    async def move_all() -> str:
        async with moderator.get(f"/api/v1/questions/{q1}/state") as answer:
            state = await answer.json()
        ids = [c["id"] for c in state["contributions"]]
        ack = await moderator_socket.call(
            "cluster_assign_many",
            {"question_id": q1, "label": "Everything", "contribution_ids": ids},
            timeout=600,
        )
        if not ack.get("ok"):
            raise RuntimeError(f"cluster_assign_many refused: {ack}")
        return f"{len(ack['contribution_ids'])} moved"

    async def submit() -> str:
        answer = await post(moderator, f"/api/v1/sessions/{code}/versions", {"lang": "en"}, 201)
        return f"version {answer['version']['number']}"

    async def decide(number: int) -> None:
        await post(
            rapporteur,
            f"/api/v1/sessions/{code}/versions/{number}/decision",
            {"decision": "request_changes", "reason": "More on funding."},
            200,
        )

    report = f"/api/v1/sessions/{code}/report"
    operations = [
        ("PDF export", lambda: get(moderator, f"{report}?format=pdf&lang=en")),
        ("DOCX export", lambda: get(moderator, f"{report}?format=docx&lang=en")),
        ("HTML export", lambda: get(moderator, f"{report}?format=html&lang=en")),
        ("suggestions (question 1)", suggestions),
        ("accepting the suggestions", accept),
        ("cluster_assign_many, whole question", move_all),
        ("submitting version 1", submit),
        ("submitting version 2", submit),
        ("version 2 with its changes (API)", lambda: get(moderator, f"/api/v1/sessions/{code}/versions/2")),
        ("review page of version 2", lambda: get(moderator, f"/s/{code}/review/2")),
        ("version 2 as PDF (review page)", lambda: get(moderator, f"/s/{code}/review/2/file?format=pdf")),
    ]
    if args.only:
        operations = [(n, o) for n, o in operations if any(w.lower() in n.lower() for w in args.only)]
    rows = []
    baseline: list[float] = []
    baseline_failed = 0
    try:
        for _ in range(2):  # warm-up: connections, the first language detection, imports in the server
            await idle(probe_client, noop_question, args.interval, 0.5)
        for name, operation in operations:
            quiet = await idle(probe_client, noop_question, args.interval, args.idle)
            baseline += quiet.times
            baseline_failed += quiet.failed
            if name == "submitting version 2":
                await decide(1)
            probe, seconds, result = await during(probe_client, noop_question, args.interval, operation)
            rows.append((name, seconds, result, probe))
            worst = max(range(len(probe.times)), key=probe.times.__getitem__)
            at = probe.starts[worst] - probe.began
            print(
                f"  {name}: {seconds:.2f} s, max round trip {probe.times[worst]:.0f} ms at +{at:.2f} s",
                file=sys.stderr,
            )
        quiet = await idle(probe_client, noop_question, args.interval, args.idle)
        baseline += quiet.times
        baseline_failed += quiet.failed
    finally:
        await moderator.close()
        await rapporteur.close()
        await disconnect_all([probe_client, moderator_socket])
    return [("nothing running (baseline)", None, None, baseline, baseline_failed)] + [
        (name, seconds, result, probe.times, probe.failed) for name, seconds, result, probe in rows
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--contributions", type=int, default=200, help="per question")
    parser.add_argument("--votes", type=int, default=20_000, help="in total")
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between probes")
    parser.add_argument("--idle", type=float, default=2.0, help="seconds of baseline before each operation")
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--seed", type=int, default=0)
    add_opinion_groups_argument(parser)
    parser.add_argument("--only", nargs="+", help="only the operations whose name contains one of these")
    parser.add_argument("--keep", action="store_true", help="print the server log's path and keep it")
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="stalls-")
    instance = Path(tmp)
    url = f"sqlite:///{instance / 'stalls.sqlite3'}"
    started = time.perf_counter()
    user_ids, _question, code = prepare(url, PARTICIPANTS, instance)
    app = make_app(url, instance)
    totals = fill(app, code, user_ids, args)
    users = {"moderator": user_ids[0], "rapporteur": user_ids[1], "attendee": user_ids[2]}
    question_ids = roles(app, code, users["moderator"], users["rapporteur"])
    prepared = time.perf_counter() - started

    port = free_port()
    load_before = os.getloadavg()
    with deliberate_server(port, url, instance, args.mode):
        rows = asyncio.run(bench(f"http://127.0.0.1:{port}", code, question_ids, users, args))
    load_after = os.getloadavg()

    out = sys.stdout
    out.write(f"machine : {machine()}\n")
    out.write(
        f"data    : {totals['contributions']} contributions in {args.questions} questions, {totals['votes']} "
        f"votes, {totals['clusters']} clusters, {PARTICIPANTS} participants (built in {prepared:.1f} s); "
        f"{args.mode}, SQLite, embedded worker pool\n"
    )
    out.write(
        f"load    : {load_before[0]:.1f} before, {load_after[0]:.1f} after (1-minute load average, "
        f"{os.cpu_count()} cores)\n\n"
    )
    out.write(
        "| operation | took s | result | round trips | p50 ms | p99 ms | max ms | failed | ≤ 100 ms |\n"
    )
    out.write("|---|---:|---|---:|---:|---:|---:|---:|---|\n")
    passed = True
    for name, seconds, result, times, failed in rows:
        p = percentiles(times)
        worst = max(times) if times else float("nan")
        verdict = ""
        if seconds is not None:
            ok = worst <= TARGET_MS and failed == 0
            passed &= ok
            verdict = "PASS" if ok else "FAIL"
        took = f"{seconds:.2f}" if seconds is not None else ""
        shown = (
            ""
            if result is None
            else (f"{result / 1024:.0f} KiB" if isinstance(result, int) and result > 5000 else str(result))
        )
        out.write(
            f"| {name} | {took} | {shown} | {len(times)} | {p['p50']:.1f} | {p['p99']:.1f} | {worst:.1f} "
            f"| {failed} | {verdict} |\n"
        )
    if args.keep:
        out.write(f"\nserver log: {instance}/server-{port}.log\n")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
