"""Time one recomputation of the opinion groups at scale, and the room's no-op round trip meanwhile.

    python bench/opinion_groups.py --participants 2000 --contributions 300 --votes 100000 --runs 3

A fresh SQLite database gets ``--participants`` registered attendees, ``--contributions`` contributions
in question 1 and ``--votes`` votes (unique per person and contribution) from two camps with 20% noise.
Then, in this process (as a worker runs a job, outside the server):

- ``compute`` alone (the pure computation), median of ``--runs``, from scratch and seeded with the
  previous result (as every recomputation but the first is);
- ``deliberate.opinions.jobs.recompute`` (reading the votes, computing, storing), from scratch;
- the no-op round trip (``leave`` of a question, acked) of one client against a real ``deliberate
  serve`` on the same database: idle (the baseline) and while another process recomputes the groups
  in a loop, as the worker does.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    SECRET,
    connect_all,
    deliberate_server,
    disconnect_all,
    free_port,
    machine,
    percentiles,
    prepare,
    session_cookie,
)


def make_app(url: str, instance: Path):
    from deliberate.app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "ASYNC_MODE": "threading",
            "MESSAGE_QUEUE": None,
            "INSTANCE_PATH": str(instance),
            "OPINION_GROUPS_LOOP": False,
        }
    )


def fill(app, question_id: int, user_ids: list[int], args) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from deliberate.extensions import db
    from deliberate.rooms.models import Contribution, Vote

    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    with app.app_context():
        db.session.execute(
            insert(Contribution),
            [
                {
                    "question_id": question_id,
                    "author_id": user_ids[i % len(user_ids)],
                    "author_role": "attendee",
                    "text": f"Contribution {i}",
                    "language": "en",
                    "hidden": False,
                    "agree": 0,
                    "disagree": 0,
                    "created_at": now,
                }
                for i in range(args.contributions)
            ],
        )
        ids = list(
            db.session.scalars(db.select(Contribution.id).where(Contribution.question_id == question_id))
        )
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < args.votes:
            pairs.add((rng.randrange(len(user_ids)), rng.randrange(len(ids))))
        rows = []
        for person, j in pairs:
            camp_agrees = (person % 2) == (j % 2)
            value = 1 if camp_agrees == (rng.random() < 0.8) else -1
            rows.append(
                {"contribution_id": ids[j], "user_id": user_ids[person], "value": value, "updated_at": now}
            )
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Vote), rows[start : start + 10_000])
        db.session.commit()
        db.engine.dispose()
    return len(rows)


def median_of(function, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds: on a shared machine CPU time is what a worker needs."""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def recompute_forever(url: str, instance: str, question_id: int, stop) -> None:
    """A worker recomputing the question's groups again and again (the fingerprint cleared each time)."""
    from deliberate.extensions import db
    from deliberate.opinions.jobs import recompute
    from deliberate.opinions.models import OpinionGroups

    app = make_app(url, Path(instance))
    with app.app_context():
        while not stop.is_set():
            row = db.session.get(OpinionGroups, question_id)
            if row is not None:
                row.fingerprint = ""
                db.session.commit()
            recompute(question_id)
            db.session.remove()


async def round_trips(url: str, cookie: str, question_id: int, count: int) -> list[float]:
    [client] = await connect_all(url, [cookie], {})
    times = []
    try:
        for _ in range(count):
            start = time.perf_counter()
            ack = await client.call("leave", {"question_id": question_id}, timeout=30)
            times.append((time.perf_counter() - start) * 1000)
            assert ack.get("ok"), ack
            await asyncio.sleep(0.01)
    finally:
        await disconnect_all([client])
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--contributions", type=int, default=300)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--round-trips", type=int, default=200)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from deliberate.extensions import db
    from deliberate.opinions import services
    from deliberate.opinions.compute import compute
    from deliberate.opinions.jobs import recompute
    from deliberate.opinions.models import OpinionGroups

    out = sys.stdout
    with tempfile.TemporaryDirectory(prefix="opinions-") as tmp:
        instance = Path(tmp)
        url = f"sqlite:///{instance / 'opinions.sqlite3'}"
        user_ids, question_id, _code = prepare(url, args.participants, instance)
        app = make_app(url, instance)
        votes = fill(app, question_id, user_ids, args)
        with app.app_context():
            matrix, ids = services.vote_matrix(question_id)
            compute(matrix, ids)  # warm up imports (scikit-learn takes seconds to import)
            scratch = median_of(lambda: compute(matrix, ids), args.runs)
            first = compute(matrix, ids)
            seeded = median_of(lambda: compute(matrix, ids, previous=first), args.runs)

            def job() -> None:
                row = db.session.get(OpinionGroups, question_id)
                if row is not None:
                    db.session.delete(row)
                    db.session.commit()
                recompute(question_id)

            whole = median_of(job, args.runs)
            groups = [g["size"] for g in services.stored(question_id).result["groups"]]
            db.engine.dispose()

        port = free_port()
        cookie = session_cookie(user_ids[0])
        with deliberate_server(port, url, instance, args.mode):
            base = f"http://127.0.0.1:{port}"
            idle = asyncio.run(round_trips(base, cookie, question_id, args.round_trips))
            stop = multiprocessing.Event()
            worker = multiprocessing.Process(
                target=recompute_forever, args=(url, str(instance), question_id, stop), daemon=True
            )
            worker.start()
            time.sleep(1.0)  # let the worker get into its loop
            busy = asyncio.run(round_trips(base, cookie, question_id, args.round_trips))
            stop.set()
            worker.join(60)

    out.write(f"machine : {machine()}\n")
    out.write(
        f"data    : {args.participants} participants, {args.contributions} contributions, {votes} votes; "
        f"groups found: {groups}; median of {args.runs} runs\n\n"
    )
    out.write(f"load    : {os.getloadavg()[0]:.1f} (1-minute load average at the end)\n\n")
    out.write("| recomputation | wall s | CPU s |\n|---|---:|---:|\n")
    out.write(f"| compute, from scratch | {scratch[0]:.3f} | {scratch[1]:.3f} |\n")
    out.write(f"| compute, seeded with the previous result | {seeded[0]:.3f} | {seeded[1]:.3f} |\n")
    out.write(f"| job: read votes + compute + store (from scratch) | {whole[0]:.3f} | {whole[1]:.3f} |\n\n")
    out.write("| no-op round trip (leave), ms | p50 | p95 | p99 |\n|---|---:|---:|---:|\n")
    for name, values in (("idle server (baseline)", idle), ("while a worker recomputes", busy)):
        p = percentiles(values)
        out.write(f"| {name} | {p['p50']:.1f} | {p['p95']:.1f} | {p['p99']:.1f} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
