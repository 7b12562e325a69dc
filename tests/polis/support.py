"""Helpers of the Pol.is tests: independent readings of the open data, and database look-ups.

Expected tallies are computed here straight from votes.csv, never through the importer, so that a
mistake in the importer cannot hide behind the same mistake in the test.
"""

import csv
import os
from pathlib import Path

from deliberate.extensions import db

# Next to the repository; DELIBERATE_POLIS_DATA names it for a checkout elsewhere (a git worktree).
NEXT_TO_REPOSITORY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis"
DATA = Path(os.environ.get("DELIBERATE_POLIS_DATA") or NEXT_TO_REPOSITORY)
SMALL = ("15-per-hour-seattle", "brexit-consensus")
BIG = "scoop-hivemind.biodiversity"
CONVERSATIONS = (*SMALL, BIG)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected_tallies(folder: Path) -> dict[str, tuple[int, int]]:
    """comment-id → (agree, disagree) from the latest vote of each voter on each comment."""
    latest: dict[tuple[str, str], tuple[int, int]] = {}
    for row in read_csv(folder / "votes.csv"):
        key = (row["voter-id"], row["comment-id"])
        stamp = int(row["timestamp"])
        if key not in latest or stamp >= latest[key][0]:
            latest[key] = (stamp, int(row["vote"]))
    tallies = {row["comment-id"]: (0, 0) for row in read_csv(folder / "comments.csv")}
    for (_voter, comment), (_stamp, value) in latest.items():
        agree, disagree = tallies[comment]
        tallies[comment] = (agree + (value == 1), disagree + (value == -1))
    return tallies


def run_import(app, folder: Path, position: int = 1, **options):
    """Import and commit, as the command does; on an error nothing is committed."""
    from deliberate.polis.importer import import_conversation
    from deliberate.sessions.services import get_session

    with app.app_context():
        try:
            result = import_conversation(folder, get_session("uclg-1-3-2"), position, **options)
            db.session.commit()
            return result
        finally:
            db.session.rollback()


def run_export(app, folder: Path, position: int = 1):
    from deliberate.polis.exporter import export_conversation
    from deliberate.sessions.services import get_session

    with app.app_context():
        return export_conversation(get_session("uclg-1-3-2"), position, folder)


def tallies(app, question_id: int) -> dict[str, tuple[int, int]]:
    """external id → (agree, disagree) as stored on the contributions."""
    from deliberate.rooms.models import Contribution

    with app.app_context():
        rows = db.session.execute(
            db.select(Contribution.external_id, Contribution.agree, Contribution.disagree).where(
                Contribution.question_id == question_id
            )
        )
        return {external_id: (agree, disagree) for external_id, agree, disagree in rows}


def row_counts(app) -> dict[str, int]:
    from deliberate.accounts.models import User
    from deliberate.rooms.models import Contribution, Vote
    from deliberate.sessions.models import Question, Registration

    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (User, Registration, Contribution, Vote)
        }
        counts["attributions"] = db.session.scalar(
            db.select(db.func.count()).select_from(Question).where(Question.attribution.is_not(None))
        )
        return counts
