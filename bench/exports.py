"""Time every report export, and the suggested themes, on a large session.

Run from a checkout (full size; the PDF takes a while)::

    python bench/exports.py --questions 5 --contributions 1000 --votes 50000 --runs 3

A fresh SQLite database is filled with bulk inserts: the demo session's questions (5), each with
``--contributions`` contributions in mixed French, Spanish and English (the generator of
bench/suggestions.py), about 1% of them hidden, six clusters per question whose Markdown syntheses cite
contributions, a question synthesis, and ``--votes`` votes in total by 300 participants (unique per person
and contribution; 55% agree, 35% disagree, 10% withdrawn) with the contributions' agree/disagree counters
equal to those votes. Each question's opinion groups are then computed and stored once, as a live
room's scheduler leaves them (``--opinion-groups stale`` stores none, so every report computes them).

Then, in an application context, it times ``deliberate.reports.service.export`` for each format (median
of ``--runs``), and as the baseline ``build_report`` alone, so each format's rendering share is the
difference. Next to the wall-clock time it gives the CPU seconds used by this process and its children
(the PDF compiles in a child process): on a machine shared with other work, wall time grows with the
contention and CPU time much less. ``--weasyprint`` adds the PDF as it was made before Typst (the
printable HTML laid out by WeasyPrint, ``pip install weasyprint`` first) as the same-run baseline.
Last, ``suggest_clusters`` on question 1's visible contributions, against the baseline of
bench/suggestions.py (character TF-IDF + KMeans with k fixed to the 8 generating themes).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import SECRET, machine, prepare  # noqa: E402
from suggestions import THEMES, baseline, generate, median_time  # noqa: E402

FORMATS = ("html", "md", "pdf", "docx", "json", "csv")
PARTICIPANTS = 300
CLUSTERED_THEMES = 6  # of the 8 generating themes; the other two stay unclustered, as in real rooms
VOTE_WEIGHTS = ((1, 0.55), (-1, 0.35), (0, 0.10))
T = TypeVar("T")
START = datetime(2025, 5, 20, 9, 0, tzinfo=UTC)


def make_app(url: str, instance: Path):
    from deliberate.app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "ASYNC_MODE": "threading",
            "MESSAGE_QUEUE": None,
            "INSTANCE_PATH": str(instance),
        }
    )


def synthesis(rng: random.Random, theme: str, cited: list[int]) -> str:
    """A moderator's Markdown synthesis of a cluster, citing some of its contributions as #id."""
    refs = ", ".join(f"#{cid}" for cid in cited[:3])
    more = ", ".join(f"#{cid}" for cid in cited[3:])
    return (
        f"## {theme.capitalize()}\n\n"
        f"Participants largely agree that **{theme}** needs dedicated public support ({refs}). "
        f"Several contributions from the three language groups converge on pilots at city level.\n\n"
        f"- Points of tension remain on funding and timing ({more}).\n"
        f"- A minority asks for an evaluation first.\n\n"
        f"> Les participants insistent sur l'échelle locale. / Se insiste en la escala local.\n"
    )


def fill(app, code: str, user_ids: list[int], args: argparse.Namespace) -> dict:
    """Bulk-insert contributions, clusters and votes into every question of the session."""
    from sqlalchemy import insert, select

    from deliberate.clusters.models import Cluster
    from deliberate.extensions import db
    from deliberate.opinions import services as opinions
    from deliberate.rooms.models import Contribution, Vote
    from deliberate.sessions.models import PanelSession

    rng = random.Random(args.seed)
    values, weights = zip(*VOTE_WEIGHTS, strict=True)
    authors = user_ids[:PARTICIPANTS]
    totals = {"contributions": 0, "votes": 0, "clusters": 0}
    with app.app_context():
        session = db.session.scalar(select(PanelSession).where(PanelSession.code == code))
        questions = list(session.questions)[: args.questions]
        per_question = [args.votes // len(questions)] * len(questions)
        per_question[0] += args.votes - sum(per_question)
        for q_index, question in enumerate(questions):
            texts, truth = generate(args.contributions, args.seed + q_index)
            themes = list(THEMES)[:CLUSTERED_THEMES]
            clusters = {
                theme: Cluster(question_id=question.id, label=theme.capitalize(), position=n, synthesis="")
                for n, theme in enumerate(themes)
            }
            db.session.add_all(clusters.values())
            db.session.flush()

            # Votes are planned on contribution indexes first, so the counters can be inserted with
            # the contributions and stay equal to the votes.
            pairs = rng.sample(range(args.contributions * len(authors)), per_question[q_index])
            planned = [
                (p // len(authors), authors[p % len(authors)], rng.choices(values, weights)[0]) for p in pairs
            ]
            agree = [0] * args.contributions
            disagree = [0] * args.contributions
            for index, _user, value in planned:
                agree[index] += value == 1
                disagree[index] += value == -1

            created = [START + timedelta(seconds=rng.uniform(0, 7200)) for _ in texts]
            rows = []
            for index, (local_id, text) in enumerate(texts):
                theme = truth[local_id]
                rows.append(
                    {
                        "question_id": question.id,
                        "author_id": rng.choice(authors),
                        "author_role": "attendee",
                        "text": text,
                        "language": rng.choice(("fr", "es", "en")),
                        "client_id": None,
                        "hidden": rng.random() < 0.01,
                        "cluster_id": clusters[theme].id if theme in clusters else None,
                        "agree": agree[index],
                        "disagree": disagree[index],
                        "external_id": None,
                        "created_at": created[index],
                    }
                )
            db.session.execute(insert(Contribution), rows)
            ids = list(
                db.session.scalars(
                    select(Contribution.id)
                    .where(Contribution.question_id == question.id)
                    .order_by(Contribution.id)
                )
            )
            db.session.execute(
                insert(Vote),
                [
                    {
                        "contribution_id": ids[index],
                        "user_id": user,
                        "value": value,
                        "updated_at": created[index] + timedelta(seconds=rng.uniform(5, 3600)),
                    }
                    for index, user, value in planned
                ],
            )
            for theme, cluster in clusters.items():
                members = [ids[i] for i, (local_id, _) in enumerate(texts) if truth[local_id] == theme]
                cluster.synthesis = synthesis(rng, theme, rng.sample(members, min(6, len(members))))
            question.synthesis = (
                "Overall the room supports local pilots "
                + ", ".join(f"#{cid}" for cid in rng.sample(ids, min(4, len(ids))))
                + "; financing remains the main open point."
            )
            db.session.commit()
            if args.opinion_groups == "stored":
                # What a live room leaves behind: its scheduler stores the groups as the votes come in.
                opinions.recompute(question.id)
                db.session.commit()
            totals["contributions"] += len(ids)
            totals["votes"] += len(planned)
            totals["clusters"] += len(clusters)
        db.engine.dispose()
    return totals


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (the PDF's compiler)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def weasyprint_pdf(session, language: str) -> bytes:
    """The PDF as Deliberate made it before Typst: the printable HTML report laid out by WeasyPrint."""
    import weasyprint

    from deliberate.reports.builder import build_report
    from deliberate.reports.labels import with_defaults
    from deliberate.reports.render_html import render_html
    from deliberate.reports.translated import report_labels

    html = render_html(build_report(session, language), with_defaults(report_labels(language)))
    return weasyprint.HTML(string=html.decode("utf-8"), base_url=None).write_pdf()


def measure(
    app, code: str, args: argparse.Namespace
) -> tuple[list[tuple[str, float, float, int]], float, float, int]:
    from sqlalchemy import select

    from deliberate.clusters.suggest import suggest_clusters
    from deliberate.extensions import db
    from deliberate.reports.builder import build_report
    from deliberate.reports.service import export
    from deliberate.rooms.models import Contribution
    from deliberate.sessions.models import PanelSession

    def fresh_session() -> PanelSession:
        # A new database session for every run: nothing cached from the previous one.
        db.session.remove()
        return db.session.scalar(select(PanelSession).where(PanelSession.code == code))

    def timed(function: Callable[[PanelSession], T], runs: int) -> tuple[float, float, T]:
        times: list[float] = []
        cpus: list[float] = []
        for _ in range(runs):
            session = fresh_session()
            start, start_cpu = time.perf_counter(), cpu_seconds()
            result = function(session)
            times.append(time.perf_counter() - start)
            cpus.append(cpu_seconds() - start_cpu)
        return statistics.median(times), statistics.median(cpus), result  # runs >= 1: result is bound

    rows: list[tuple[str, float, float, int]] = []
    with app.app_context():
        timed(lambda s: build_report(s, args.language), 1)  # warm up imports, Babel catalogues
        build, build_cpu, _ = timed(lambda s: build_report(s, args.language), args.runs)
        rows.append(("build_report (baseline)", build, build_cpu, 0))
        for fmt in args.formats:
            runs = args.pdf_runs if fmt == "pdf" else args.runs
            elapsed, cpu, file = timed(lambda s, fmt=fmt: export(s, fmt, args.language), runs)
            name = f"export {fmt}" + (f" ({runs} runs)" if runs != args.runs else "")
            rows.append((name, elapsed, cpu, len(file.data)))
        if args.weasyprint:
            elapsed, cpu, data = timed(lambda s: weasyprint_pdf(s, args.language), 1)
            rows.append(("old pdf: WeasyPrint (1 run)", elapsed, cpu, len(data)))

        session = fresh_session()
        first = session.questions[0].id
        texts = [
            (cid, text)
            for cid, text in db.session.execute(
                select(Contribution.id, Contribution.text)
                .where(Contribution.question_id == first, Contribution.hidden.is_(False))
                .order_by(Contribution.id)
            )
        ]
    suggest_clusters(texts[:50])  # warm-up outside the measurement
    suggest, _ = median_time(lambda: suggest_clusters(texts), args.runs)
    base, _ = median_time(lambda: baseline(texts, len(THEMES)), args.runs)
    return rows, suggest, base, len(texts)


def add_opinion_groups_argument(parser: argparse.ArgumentParser) -> None:
    """``--opinion-groups``, which ``fill`` reads (bench/stalls.py fills its session the same way)."""
    parser.add_argument(
        "--opinion-groups",
        choices=("stored", "stale"),
        default="stored",
        help="stored: each question's opinion groups computed once after its votes, as a live room's "
        "scheduler leaves them (the default); stale: none stored, so every report computes them",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--contributions", type=int, default=1000, help="per question")
    parser.add_argument("--votes", type=int, default=50_000, help="in total")
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    parser.add_argument("--pdf-runs", type=int, default=None, help="runs for the PDF (default --runs)")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    parser.add_argument("--language", default="en", choices=("en", "fr", "es"))
    parser.add_argument("--seed", type=int, default=0)
    add_opinion_groups_argument(parser)
    parser.add_argument(
        "--weasyprint", action="store_true", help="also time the old WeasyPrint PDF (pip install weasyprint)"
    )
    args = parser.parse_args(argv)
    args.pdf_runs = args.pdf_runs or args.runs
    if args.votes > args.contributions * PARTICIPANTS * args.questions:
        parser.error("more votes than (participant, contribution) pairs")
    if args.weasyprint:
        try:
            import weasyprint  # noqa: F401
        except ImportError:
            parser.error("--weasyprint needs WeasyPrint: pip install weasyprint")

    with tempfile.TemporaryDirectory(prefix="exports-") as tmp:
        instance = Path(tmp)
        url = f"sqlite:///{instance / 'exports.sqlite3'}"
        started = time.perf_counter()
        user_ids, _question, code = prepare(url, PARTICIPANTS, instance)
        app = make_app(url, instance)
        totals = fill(app, code, user_ids, args)
        prepared = time.perf_counter() - started
        rows, suggest, base, n_texts = measure(app, code, args)

    out = sys.stdout
    out.write(f"machine   : {machine()}\n")
    out.write(
        f"data      : {args.questions} questions, {totals['contributions']} contributions, "
        f"{totals['votes']} votes, {totals['clusters']} clusters, {PARTICIPANTS} participants "
        f"(built in {prepared:.1f} s); opinion groups {args.opinion_groups}; language {args.language}; "
        f"median of {args.runs} runs\n\n"
    )
    build = rows[0][1]
    out.write(f"| {'what':<28} | {'median s':>9} | {'CPU s':>7} | {'rendering s':>11} | {'size':>10} |\n")
    out.write(f"|{'-' * 30}|{'-' * 10}:|{'-' * 8}:|{'-' * 12}:|{'-' * 11}:|\n")
    for name, elapsed, cpu, size in rows:
        render = f"{elapsed - build:.3f}" if name.startswith(("export", "old")) else "-"
        shown = f"{size / 1024:.0f} KiB" if size else "-"
        out.write(f"| {name:<28} | {elapsed:>9.3f} | {cpu:>7.2f} | {render:>11} | {shown:>10} |\n")
    out.write(f"| {'suggest_clusters':<28} | {suggest:>9.3f} | {'-':>7} | {'-':>11} | {'-':>10} |\n")
    out.write(f"| {'baseline TF-IDF+KMeans k=8':<28} | {base:>9.3f} | {'-':>7} | {'-':>11} | {'-':>10} |\n\n")
    out.write(
        f"rendering = export - build_report (the builder runs inside every export); suggestions on "
        f"question 1's {n_texts} visible contributions, x{suggest / base:.1f} the baseline; load average "
        f"at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
