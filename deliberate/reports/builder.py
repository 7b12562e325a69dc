"""Builds the session report, a plain data structure, from the database (documented in docs/API.md).

Renderers turn it into each format and never query anything themselves; a submitted version keeps
exactly this structure as its frozen snapshot.
"""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from deliberate.accounts.models import User
from deliberate.clusters import synthesis as markdown
from deliberate.clusters.models import Cluster
from deliberate.dbtypes import iso
from deliberate.extensions import db
from deliberate.labels import detail_names
from deliberate.opinions import services as opinions
from deliberate.opinions.report import report_section as opinion_groups
from deliberate.privacy.names import shown_name
from deliberate.reports.translations import attach as attach_translations
from deliberate.rooms.models import Contribution, Vote
from deliberate.rooms.views_model import contribution_fields
from deliberate.sessions.models import PanelSession, Question

FORMAT_VERSION = 1
CONTRIBUTION_COLUMNS = (
    Contribution.id,
    Contribution.question_id,
    Contribution.text,
    Contribution.author_id,
    Contribution.author_role,
    Contribution.language,
    Contribution.created_at,
    Contribution.agree,
    Contribution.disagree,
    Contribution.cluster_id,
)
TOP = 5
BUCKETS = (60, 300, 900, 3600, 4 * 3600, 86400)  # seconds; the smallest giving at most ~24 bars


def build_report(
    session: PanelSession, language: str, now: datetime | None = None, translations: bool = False
) -> dict:
    """The report in ``language``; with ``translations``, every text also carries its translations
    into the session's other languages (``deliberate/reports/translations.py``)."""
    from flask_babel import force_locale

    with force_locale(language):
        names = detail_names()
    questions = _questions(session, language)
    attach_translations(questions, language, list(session.languages or []), translations)
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": iso(now or datetime.now(UTC)),
        "language": language,
        "with_translations": translations,
        "version": None,
        "session": {
            "code": session.code,
            "title": session.text("title", language),
            "description": session.text("summary", language) or session.text("description", language),
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "timezone": session.timezone,
            "languages": list(session.languages),
            "details": [
                {"label": names.get(key, key), "value": session.text_detail(key, language)}
                for key in session.details
            ],
        },
        "questions": questions,
    }


def _questions(session: PanelSession, language: str) -> list[dict]:
    """Every question's part: a fixed number of queries for the whole session, however many questions
    it has (three, and the three of ``opinions.current_many``)."""
    question_ids = [q.id for q in session.questions]
    clusters: dict[int, list[Cluster]] = defaultdict(list)
    for cluster in db.session.scalars(
        select(Cluster).where(Cluster.question_id.in_(question_ids)).order_by(Cluster.position, Cluster.id)
    ):
        clusters[cluster.question_id].append(cluster)
    # Plain rows, not entities: a report reads thousands of contributions and changes none.
    rows: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(
            *CONTRIBUTION_COLUMNS, User.name.label("author_name"), User.deleted_at.label("author_deleted_at")
        )
        .join(User, User.id == Contribution.author_id)
        .where(Contribution.question_id.in_(question_ids), Contribution.hidden.is_(False))
        .order_by(Contribution.id)
    ):
        rows[row.question_id].append(row)
    # Every vote once, in the order cast: the report counts the votes that take a side, and the
    # opinion groups read them all (a withdrawn vote is a pass), from the same rows.
    votes: dict[int, list[tuple]] = defaultdict(list)
    matrices = {q: ([], [row.id for row in rows[q]]) for q in question_ids}
    for question_id, contribution_id, user_id, value, updated_at in db.session.execute(
        select(Contribution.question_id, Vote.contribution_id, Vote.user_id, Vote.value, Vote.updated_at)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(Contribution.question_id.in_(question_ids), Contribution.hidden.is_(False))
        .order_by(Vote.id)
    ):
        matrices[question_id][0].append((user_id, contribution_id, value))
        if value != 0:
            votes[question_id].append((contribution_id, user_id, value, updated_at))
    groups = opinions.current_many(question_ids, matrices)
    return [
        _question(
            q, language, clusters[q.id], rows[q.id], votes[q.id], groups[q.id], session.original_language
        )
        for q in session.questions
    ]


def _question(
    question: Question,
    language: str,
    clusters: list[Cluster],
    rows: list,
    votes: list[tuple],
    groups: dict,
    original_language: str,
) -> dict:
    labels = {c.id: c.label for c in clusters}
    contributions = [
        {
            **contribution_fields(row, shown_name(row.author_name, row.author_deleted_at)),
            "cluster_label": labels.get(row.cluster_id),
        }
        for row in rows
    ]
    by_id = {c["id"]: c for c in contributions}
    cluster_entries = _clusters(clusters, contributions, votes, original_language)

    # Reading order: every format shows the question's synthesis before the clusters'.
    footnotes = _footnotes([question.synthesis or ""] + [c["synthesis"] for c in cluster_entries], by_id)
    numbers = {f["contribution_id"]: f["number"] for f in footnotes}
    known = set(by_id)
    for entry in cluster_entries:
        entry["synthesis_html"] = markdown.render(entry["synthesis"], known, numbers)

    participants = {row.author_id for row in rows} | {user_id for _, user_id, _, _ in votes}
    return {
        "id": question.id,
        "position": question.position,
        "text": question.localised_text(language),
        "status": question.status,
        "synthesis": question.synthesis or "",
        "synthesis_html": markdown.render(question.synthesis or "", known, numbers),
        "synthesis_language": written_in(question.synthesis, original_language),
        "synthesis_translation": None,
        "attribution": question.attribution,
        "participation": {
            "participants": len(participants),
            "contributions": len(contributions),
            "votes": len(votes),
        },
        "clusters": cluster_entries,
        "unclustered": [c for c in contributions if c["cluster_id"] is None],
        **_rankings(contributions),
        "activity": _activity([c["created_at"] for c in contributions], [v[3] for v in votes]),
        "footnotes": footnotes,
        "opinion_groups": opinion_groups(groups, by_id),
    }


def _clusters(
    clusters: list[Cluster], contributions: list[dict], votes: list[tuple], original_language: str
) -> list[dict]:
    """The question's clusters, most supported first (supporters: people who agreed with a member)."""
    members: dict[int, list[dict]] = defaultdict(list)
    for c in contributions:
        if c["cluster_id"] is not None:
            members[c["cluster_id"]].append(c)
    supporters: dict[int, set[int]] = defaultdict(set)
    cluster_of = {c["id"]: c["cluster_id"] for c in contributions}
    for cid, user_id, value, _ in votes:
        if value == 1 and cluster_of.get(cid) is not None:
            supporters[cluster_of[cid]].add(user_id)

    entries = []
    for cluster in clusters:
        inside = members.get(cluster.id, [])
        entries.append(
            {
                "id": cluster.id,
                "label": cluster.label,
                "synthesis": cluster.synthesis or "",
                "synthesis_language": written_in(cluster.synthesis, original_language),
                "synthesis_translation": None,  # in the report's language, when there is one
                "agree": sum(c["agree"] for c in inside),
                "disagree": sum(c["disagree"] for c in inside),
                "supporters": len(supporters.get(cluster.id, ())),
                "contributions": sorted(inside, key=lambda c: (-c["agree"], c["disagree"], c["id"])),
            }
        )
    entries.sort(key=lambda c: (-c["supporters"], -c["agree"], c["disagree"], c["label"]))
    return entries


def _rankings(contributions: list[dict]) -> dict:
    """The most agreed-with and the most divisive contributions (agreed and disagreed with alike)."""
    return {
        "most_agreed": sorted(
            (c for c in contributions if c["agree"] > 0), key=lambda c: (-c["agree"], c["disagree"], c["id"])
        )[:TOP],
        "most_divisive": sorted(
            (c for c in contributions if min(c["agree"], c["disagree"]) > 0),
            key=lambda c: (-min(c["agree"], c["disagree"]), -(c["agree"] + c["disagree"]), c["id"]),
        )[:TOP],
    }


def written_in(synthesis: str | None, fallback: str) -> str | None:
    """The language a synthesis is written in: every reader's report shows it as written, marked."""
    from deliberate.rooms.language import detect

    return detect(synthesis, fallback) if synthesis and synthesis.strip() else None


def _footnotes(texts: list[str], by_id: dict[int, dict]) -> list[dict]:
    """Every contribution a synthesis cites, numbered in the order the report shows them."""
    cited = [cid for text in texts for cid in markdown.references(text) if cid in by_id]
    return [
        {
            "number": n,
            "contribution_id": cid,
            "text": by_id[cid]["text"],
            "language": by_id[cid]["language"],
            "agree": by_id[cid]["agree"],
            "disagree": by_id[cid]["disagree"],
        }
        for n, cid in enumerate(dict.fromkeys(cited), 1)
    ]


def _activity(posted: list[str], voted: list[datetime]) -> list[dict]:
    """Contributions and votes per time bucket, the bucket chosen so the chart has at most ~24 bars."""
    moments = [datetime.fromisoformat(t) for t in posted] + list(voted)
    if not moments:
        return []
    start, end = min(moments), max(moments)
    span = (end - start).total_seconds()
    size = next((b for b in BUCKETS if span / b <= 24), BUCKETS[-1])
    origin = datetime.fromtimestamp(start.timestamp() // size * size, UTC)

    def bucket(moment: datetime) -> int:
        return int((moment - origin).total_seconds() // size)

    contributions = Counter(bucket(datetime.fromisoformat(t)) for t in posted)
    votes = Counter(bucket(v) for v in voted)
    return [
        {
            "t": iso(origin + timedelta(seconds=i * size)),
            "contributions": contributions.get(i, 0),
            "votes": votes.get(i, 0),
        }
        for i in range(bucket(end) + 1)
    ]
