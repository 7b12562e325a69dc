"""Translation jobs: translate what is missing, store it with the provider's name, tell the room.

Nothing here may fail a post: with the inline job backend a job runs inside the poster's commit, so
every provider failure is caught, logged, and leaves the original in place for ``retry_missing``.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy.exc import IntegrityError

from deliberate.clusters.models import Cluster
from deliberate.config import LANGUAGES
from deliberate.extensions import db
from deliberate.realtime import outbox
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import PanelSession, Question
from deliberate.translation import TranslationState, providers, state
from deliberate.translation.models import Translation
from deliberate.translation.services import Source, digest, source

log = logging.getLogger(__name__)
BATCH = 25  # texts per provider call
RETRY_LIMIT = 2000  # texts per retry run; the next run takes the rest


def translate(kind: str, object_id: int) -> None:
    """Translate one text into its session's other languages (skipped while the provider is down)."""
    current = state()
    if current is None or not current.available():
        return
    original = source(kind, object_id)
    if original is not None:
        _fill(current, [original])


def retry_missing() -> int:
    """Translate whatever is missing or stale in every session; the probe after a failure.

    Returns how many texts it translated."""
    current = state()
    if current is None:
        return 0
    current.recovered()
    return _fill(current, _missing()[:RETRY_LIMIT])


def _missing() -> list[Source]:
    done = defaultdict(set)
    for kind, object_id, language, source_digest in db.session.execute(
        db.select(Translation.kind, Translation.object_id, Translation.language, Translation.source_digest)
    ):
        done[(kind, object_id)].add((language, source_digest))
    multilingual = [
        s.id
        for s in db.session.scalars(db.select(PanelSession))
        if len(set(s.languages or []) & set(LANGUAGES)) > 1
    ]
    if not multilingual:
        return []
    candidates: list[tuple[str, int]] = []
    rows = db.session.execute(
        db.select(Contribution.id)
        .join(Question, Question.id == Contribution.question_id)
        .where(Question.session_id.in_(multilingual))
        .order_by(Contribution.id.desc())  # the newest first: they are the ones being read
    ).scalars()
    candidates += [("contribution", cid) for cid in rows]
    clusters = db.session.scalars(
        db.select(Cluster.id)
        .join(Question, Question.id == Cluster.question_id)
        .where(Question.session_id.in_(multilingual))
    ).all()
    candidates += [(kind, cid) for cid in clusters for kind in ("cluster_label", "cluster_synthesis")]
    questions = db.session.scalars(db.select(Question.id).where(Question.session_id.in_(multilingual))).all()
    candidates += [("question_synthesis", qid) for qid in questions]
    missing = []
    for kind, object_id in candidates:
        original = source(kind, object_id)
        if original is None:
            continue
        have = done.get((kind, object_id), set())
        wanted = digest(original.text)
        if any((language, wanted) not in have for language in original.targets):
            missing.append(original)
    return missing


def _fill(current: TranslationState, originals: list[Source]) -> int:
    """Translate the missing languages of ``originals`` in batches; stop at the provider's first failure."""
    work: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for original in originals:
        have = _up_to_date(original)
        for target in original.targets:
            if target not in have:
                work[(original.language, target)].append(original)
    changed: dict[tuple[str, int], Source] = {}
    translated = 0
    for (language, target), items in work.items():
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            try:
                results = providers.translate(current.provider, [s.text for s in batch], language, target)
            except Exception:  # a provider down, slow or confused: keep the originals, retry later
                log.warning(
                    "translation %s→%s by %s failed", language, target, current.provider.name, exc_info=True
                )
                current.failed()
                _publish(changed)
                return translated
            if results is None:  # no route between these languages with this provider
                break
            for original, result in zip(batch, results, strict=True):
                if _store(original, target, result):
                    changed[(original.kind, original.object_id)] = original
                    translated += 1
            db.session.commit()
    _publish(changed)
    return translated


def _up_to_date(original: Source) -> set[str]:
    rows = db.session.execute(
        db.select(Translation.language, Translation.source_digest).where(
            Translation.kind == original.kind, Translation.object_id == original.object_id
        )
    ).all()
    wanted = digest(original.text)
    return {language for language, source_digest in rows if source_digest == wanted}


def _store(original: Source, target: str, result: providers.Translated) -> bool:
    if not result.text.strip():
        return False
    try:
        with db.session.begin_nested():
            row = db.session.scalar(
                db.select(Translation).where(
                    Translation.kind == original.kind,
                    Translation.object_id == original.object_id,
                    Translation.language == target,
                )
            )
            if row is None:
                row = Translation(kind=original.kind, object_id=original.object_id, language=target)
                db.session.add(row)
            row.source_language = original.language
            row.source_digest = digest(original.text)
            row.text = result.text
            row.provider = result.provider
            row.pivot = result.pivot
            row.confirmed_by_id = None  # a new original: whoever confirmed the old one has not read this
    except IntegrityError:  # another job stored the same translation a moment ago
        return False
    return True


def _publish(changed: dict[tuple[str, int], Source]) -> None:
    """One event per changed text, as any change to the room: contribution, cluster or question."""
    from deliberate.clusters.support import with_support
    from deliberate.rooms.views_model import contribution_view, question_view

    for kind, object_id in {(k.replace("_label", "").replace("_synthesis", ""), i) for k, i in changed}:
        if kind == "contribution":
            contribution = db.session.get(Contribution, object_id)
            if contribution is not None:
                audience = "staff" if contribution.hidden else "all"
                outbox.publish(
                    contribution.question_id, "contribution", contribution_view(contribution), audience
                )
        elif kind == "cluster":
            cluster = db.session.get(Cluster, object_id)
            if cluster is not None:
                outbox.publish(cluster.question_id, "cluster", with_support(cluster))
        else:
            question = db.session.get(Question, object_id)
            if question is not None:
                outbox.publish(
                    question.id, "question", question_view(question, question.session.original_language)
                )
    db.session.commit()
