"""What is translated, into which languages, and how translations are read and confirmed.

Writers call ``contribution_written``, ``cluster_written`` or ``question_written`` after a change;
each enqueues the translation job, which runs after the commit, so posting never waits for it.
Readers get ``{language: {text, provider, source_language, pivot, confirmed}}`` per text, only
translations of the text as it is now (an edited synthesis hides its old translations at once).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from deliberate import jobs, validation
from deliberate.access import MODERATING
from deliberate.accounts.models import User
from deliberate.clusters.models import Cluster
from deliberate.config import LANGUAGES
from deliberate.errors import forbidden, invalid
from deliberate.extensions import db
from deliberate.rooms import language as detector
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import Question
from deliberate.translation import enabled
from deliberate.translation.models import Translation

JOB = "deliberate.translation.jobs.translate"
# Who may edit and confirm a synthesis's translation for the published report.
CONFIRMS = MODERATING | {"rapporteur"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Source:
    """One text to translate, as it is now."""

    kind: str
    object_id: int
    question_id: int
    text: str
    language: str
    targets: tuple[str, ...]


def _targets(languages: Iterable[str], source: str) -> tuple[str, ...]:
    return tuple(lang for lang in languages if lang != source and lang in LANGUAGES)


def _written_language(text: str, question: Question) -> str:
    """Labels and syntheses say nothing of their language: the detector decides."""
    return detector.detect(text, question.session.original_language, question.session.languages)


def source(kind: str, object_id: int) -> Source | None:
    """The text ``kind``/``object_id`` stands for, None when it is gone or empty."""
    if kind == "contribution":
        contribution = db.session.get(Contribution, object_id)
        if contribution is None:
            return None
        languages = contribution.question.session.languages or []
        return Source(
            kind,
            object_id,
            contribution.question_id,
            contribution.text,
            contribution.language,
            _targets(languages, contribution.language),
        )
    if kind in ("cluster_label", "cluster_synthesis"):
        cluster = db.session.get(Cluster, object_id)
        text = None if cluster is None else (cluster.label if kind == "cluster_label" else cluster.synthesis)
        question = cluster.question if cluster is not None else None
    elif kind == "question_synthesis":
        question = db.session.get(Question, object_id)
        text = question.synthesis if question is not None else None
    else:
        raise ValueError(f"not a kind of translation: {kind}")
    if question is None or not (text or "").strip():
        return None
    language = _written_language(text, question)
    return Source(
        kind, object_id, question.id, text, language, _targets(question.session.languages or [], language)
    )


def _enqueue(kind: str, object_id: int) -> None:
    jobs.enqueue(JOB, kind, object_id, key=f"translation:{kind}:{object_id}", fresh=True)


def contribution_written(contribution: Contribution) -> None:
    if enabled():
        _enqueue("contribution", contribution.id)


def cluster_written(cluster: Cluster, label: bool = True, synthesis: bool = True) -> None:
    if enabled():
        if label:
            _enqueue("cluster_label", cluster.id)
        if synthesis and (cluster.synthesis or "").strip():
            _enqueue("cluster_synthesis", cluster.id)


def question_written(question: Question) -> None:
    if enabled() and (question.synthesis or "").strip():
        _enqueue("question_synthesis", question.id)


def view(row: Translation) -> dict:
    return {
        "text": row.text,
        "provider": row.provider,
        "source_language": row.source_language,
        "pivot": row.pivot,
        "confirmed": row.confirmed_by_id is not None,
    }


def current(kind: str, texts: dict[int, str]) -> dict[int, dict[str, dict]]:
    """Translations of ``texts`` (object id → its text now), per object id and language."""
    found: dict[int, dict[str, dict]] = defaultdict(dict)
    texts = {object_id: text for object_id, text in texts.items() if (text or "").strip()}
    if not texts:
        return found
    digests = {object_id: digest(text) for object_id, text in texts.items()}
    ids = list(texts)
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        rows = db.session.scalars(
            db.select(Translation).where(
                Translation.kind == kind, Translation.object_id.in_(ids[start : start + 500])
            )
        ).all()
        for row in rows:
            # A provider that hands the original back (a name, a URL) has translated nothing.
            if (
                row.source_digest == digests[row.object_id]
                and row.text.strip() != texts[row.object_id].strip()
            ):
                found[row.object_id][row.language] = view(row)
    return found


def for_contributions(contributions: Iterable[Contribution]) -> dict[int, dict[str, dict]]:
    return current("contribution", {c.id: c.text for c in contributions})


def for_contribution(contribution: Contribution) -> dict[str, dict]:
    return for_contributions([contribution]).get(contribution.id, {})


def for_cluster(cluster: Cluster) -> dict[str, dict[str, dict]]:
    """``{"label": {language: translation}, "synthesis": {...}}``."""
    return {
        "label": current("cluster_label", {cluster.id: cluster.label}).get(cluster.id, {}),
        "synthesis": current("cluster_synthesis", {cluster.id: cluster.synthesis or ""}).get(cluster.id, {}),
    }


def for_question(question: Question) -> dict[str, dict[str, dict]]:
    return {
        "synthesis": current("question_synthesis", {question.id: question.synthesis or ""}).get(
            question.id, {}
        )
    }


SYNTHESES = ("question_synthesis", "cluster_synthesis")


@dataclass(frozen=True)
class SynthesisTranslations:
    """One synthesis of a session with its translation (or none yet) per other language, for the page
    where moderators and rapporteurs confirm them."""

    kind: str
    object_id: int
    question: Question
    cluster: Cluster | None
    text: str
    language: str
    translations: dict[str, dict | None]


def syntheses_of(session) -> list[SynthesisTranslations]:
    """Every synthesis of ``session`` (question by question: the question's, then its clusters')."""
    found = []
    for question in session.questions:
        clusters = db.session.scalars(
            db.select(Cluster)
            .where(Cluster.question_id == question.id)
            .order_by(Cluster.position, Cluster.id)
        ).all()
        parts = [("question_synthesis", question.id, None, question.synthesis)]
        parts += [("cluster_synthesis", c.id, c, c.synthesis) for c in clusters]
        for kind, object_id, cluster, text in parts:
            original = source(kind, object_id) if (text or "").strip() else None
            if original is None:
                continue
            have = current(kind, {object_id: original.text}).get(object_id, {})
            found.append(
                SynthesisTranslations(
                    kind,
                    object_id,
                    question,
                    cluster,
                    original.text,
                    original.language,
                    {language: have.get(language) for language in original.targets},
                )
            )
    return found


def confirm_in_session(
    actor: User, role: str, session, kind: object, object_id: object, language: object, text: object
) -> Translation:
    """``confirm`` for a synthesis named by the page's form, which must belong to ``session``."""
    kind = validation.choice(kind, "kind", SYNTHESES)
    object_id = validation.identifier(object_id, "object_id")
    original = source(kind, object_id)
    question = db.session.get(Question, original.question_id) if original is not None else None
    if question is None or question.session_id != session.id:
        raise invalid(_("There is no synthesis to translate yet."))
    return confirm(actor, role, kind, object_id, language, text)


def confirm(actor: User, role: str, kind: str, object_id: int, language: object, text: object) -> Translation:
    """A moderator's or rapporteur's own translation of a synthesis: no longer marked as a machine's."""
    if role not in CONFIRMS:
        raise forbidden(_("Only moderators and rapporteurs confirm translations."))
    original = source(kind, object_id)
    if original is None:
        raise invalid(_("There is no synthesis to translate yet."))
    language = validation.choice(language, "language", original.targets)
    text = validation.synthesis(text)
    if not text:
        raise invalid(_("The text must not be empty."))
    row = db.session.scalar(
        db.select(Translation).where(
            Translation.kind == kind, Translation.object_id == object_id, Translation.language == language
        )
    )
    if row is None:
        row = Translation(kind=kind, object_id=object_id, language=language, provider="human")
        db.session.add(row)
    row.source_language = original.language
    row.source_digest = digest(original.text)
    row.text = text
    row.confirmed_by_id = actor.id
    db.session.flush()
    return row
