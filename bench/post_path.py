"""The CPU one post costs in the service itself (``rooms.services.post`` and its commit), in-process.

    python bench/post_path.py --posts 300 --rounds 3
    python bench/post_path.py --posts 300 --rounds 3 --baseline DIR   # DIR: git archive <commit>

No socket, no HTTP: a fresh SQLite database (WAL) with the demo session, one person posting
``--posts`` different texts, each committed, the way the post event does it; embeddings off (the
job is queued in the real server, run elsewhere). The figure is process CPU time per post. With
``--baseline`` the same measurement runs on that checkout too (its own interpreter process, the
same virtualenv), alternating with the current tree ``--rounds`` times, so both see the same
machine in the same minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def measure(posts: int) -> float:
    """Milliseconds of CPU per post, after a warm-up of 50 posts."""
    os.environ["DELIBERATE_ASYNC_MODE"] = "threading"
    from deliberate.accounts.services import create_user
    from deliberate.app import create_app
    from deliberate.database import upgrade
    from deliberate.extensions import db
    from deliberate.realtime.publisher import RecordingPublisher
    from deliberate.rooms import services
    from deliberate.sessions.demo import ensure_demo
    from deliberate.sessions.models import PanelSession

    folder = tempfile.mkdtemp(prefix="post-path-")
    config = {
        "INSTANCE_PATH": folder,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
        "SECRET_KEY": "bench",
        "ASYNC_MODE": "threading",
        "MESSAGE_QUEUE": None,
        "EMBEDDINGS": "off",
        "OPINION_GROUPS_LOOP": False,
        "PASSWORD_HASH": "pbkdf2:sha256:1",
        "PUBLISHER": RecordingPublisher(),
    }
    app = create_app(config)
    with app.app_context():
        upgrade(app)
        ensure_demo()
        db.session.commit()
        email = f"bench-{uuid.uuid4().hex[:6]}@example.org"
        author = create_user(email, "Bench", "correct horse", language="en")
        db.session.commit()
        question = db.session.scalar(db.select(PanelSession)).questions[0]
        texts = [f"Contribution {i} about night buses, housing and the river" for i in range(posts + 50)]

        def run(chunk: list[str]) -> None:
            for text in chunk:
                services.post(author, "attendee", question, text, uuid.uuid4().hex)
                db.session.commit()

        run(texts[:50])
        started = time.process_time()
        run(texts[50:])
        return (time.process_time() - started) / posts * 1000


def in_subprocess(tree: Path, posts: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--posts", str(posts), "--one"],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["ms_per_post"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default=None, help="a checkout of the commit to compare with")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # one measurement, as JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps({"ms_per_post": measure(args.posts)}))
        return
    trees = [("current", HERE)]
    if args.baseline:
        trees.insert(0, ("baseline", Path(args.baseline).resolve()))
    figures: dict[str, list[float]] = {name: [] for name, _tree in trees}
    for round_number in range(args.rounds):
        for name, tree in trees:
            value = in_subprocess(tree, args.posts)
            figures[name].append(value)
            print(f"round {round_number + 1}: {name:8} {value:.2f} ms CPU per post", flush=True)
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:8}: median {median:.2f} ms CPU per post ({args.posts} posts × {args.rounds} rounds)")
    if args.baseline:
        ratio = statistics.median(figures["current"]) / statistics.median(figures["baseline"])
        print(f"current / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
