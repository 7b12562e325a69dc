"""Suggested themes of a question, from its state: what the moderators made stays as it is.

Only visible contributions that are in no cluster are suggested for: into an existing cluster where
they fit (``cluster_id``), or as new themes. With the embedding model the comparison is by meaning
(:mod:`deliberate.clusters.themes`); without it, by character n-grams (:mod:`deliberate.clusters.suggest`),
new themes only. Labels are a short phrase of the theme's most representative contribution, in the
moderator's language when one is written in it (or translated into it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _

from deliberate.access import MODERATING
from deliberate.accounts.models import User
from deliberate.clusters import embeddings, themes
from deliberate.clusters.models import Cluster
from deliberate.clusters.suggest import suggest_clusters
from deliberate.errors import forbidden
from deliberate.extensions import db
from deliberate.realtime import outbox
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import Question
from deliberate.translation import services as translations

#: Longest label drawn from a contribution, in characters (a cluster label may have 120).
LABEL_CHARS = 72
REPRESENTATIVES = 3


@dataclass
class SuggestedTheme:
    label: str
    contribution_ids: list[int]
    cluster_id: int | None = None
    representative_ids: list[int] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    agree: int = 0
    disagree: int = 0
    confidence: float | None = None

    def view(self) -> dict:
        return {
            "label": self.label,
            "contribution_ids": self.contribution_ids,
            "cluster_id": self.cluster_id,
            "size": len(self.contribution_ids),
            "representative_ids": self.representative_ids,
            "languages": self.languages,
            "support": {"agree": self.agree, "disagree": self.disagree},
            "confidence": self.confidence,
        }


@dataclass
class Suggestions:
    themes: list[SuggestedTheme]
    #: The model's name, or ``ngrams`` (the fallback).
    features: str
    unclustered: int

    def view(self) -> dict:
        return {
            "suggestions": [t.view() for t in self.themes],
            "features": self.features,
            "unclustered": self.unclustered,
        }


def short_phrase(text: str, limit: int = LABEL_CHARS) -> str:
    """The first sentence (or clause) of ``text``, cut at a word within ``limit`` characters."""
    text = " ".join(text.split())
    first = re.split(r"(?<=[.!?;:])\s", text, maxsplit=1)[0].rstrip(" .;:")
    if len(first) <= limit:
        return first or text[:limit]
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut or first[: limit - 1]}…"


def _in_one_language(free: list[Contribution], question: Question, language: str) -> list[tuple[int, str]]:
    """Character n-grams group by spelling: each contribution is compared in the moderator's language
    where a translation is stored, so that *logement* / *vivienda* / *housing* make one theme, with
    a label in one language. Without stored translations: the originals."""
    if language not in (question.session.languages or []):
        language = question.session.original_language
    foreign = {c.id: c.text for c in free if c.language != language}
    stored = translations.current("contribution", foreign) if foreign else {}
    return [
        (c.id, stored.get(c.id, {}).get(language, {}).get("text", c.text) if c.id in foreign else c.text)
        for c in free
    ]


def suggest(actor: User, role: str, question: Question, language: str) -> Suggestions:
    """Suggestions for the question's unclustered visible contributions (computed, never stored)."""
    if role not in MODERATING:
        raise forbidden(_("Only moderators ask for suggested themes."))
    rows = db.session.scalars(
        db.select(Contribution)
        .where(Contribution.question_id == question.id, Contribution.hidden.is_(False))
        .order_by(Contribution.id)
    ).all()
    by_id = {c.id: c for c in rows}
    free = [c for c in rows if c.cluster_id is None]
    labels = dict(
        db.session.execute(
            db.select(Cluster.id, Cluster.label).where(Cluster.question_id == question.id)
        ).all()
    )
    features = embeddings.features()
    if features == embeddings.NGRAMS:
        grams = suggest_clusters(_in_one_language(free, question, language))
        found = [themes.Theme(s.contribution_ids, representative_ids=s.contribution_ids) for s in grams]
        ngram_labels = [s.label for s in grams]
    else:
        embeddings.ensure(question.id)
        vectors = embeddings.vectors(by_id)
        members: dict[int, list[np.ndarray]] = {cid: [] for cid in labels}
        for c in rows:
            if c.cluster_id is not None and c.id in vectors:
                members.setdefault(c.cluster_id, []).append(vectors[c.id])
        found = themes.suggest([(c.id, vectors[c.id]) for c in free if c.id in vectors], members)
        ngram_labels = None

    translated = translations.for_contributions(by_id[i] for t in found for i in t.representative_ids[:5])
    result = []
    for index, theme in enumerate(found):
        contributions = [by_id[i] for i in theme.contribution_ids]
        representatives = theme.representative_ids
        if theme.cluster_id is not None:
            label = labels[theme.cluster_id]
        elif ngram_labels is not None:
            label = ngram_labels[index]
        else:
            source, label = _label(theme, by_id, translated, language)
            representatives = [source, *(i for i in representatives if i != source)]
        result.append(
            SuggestedTheme(
                label=label,
                contribution_ids=theme.contribution_ids,
                cluster_id=theme.cluster_id,
                representative_ids=representatives[:REPRESENTATIVES],
                languages=dict(Counter(c.language for c in contributions).most_common()),
                agree=sum(c.agree for c in contributions),
                disagree=sum(c.disagree for c in contributions),
                confidence=theme.confidence if ngram_labels is None else None,
            )
        )
    return Suggestions(result, features, len(free))


def _label(theme: themes.Theme, by_id: dict, translated: dict, language: str) -> tuple[int, str]:
    """The contribution a label comes from and the label: a short phrase of the most representative
    contribution written in ``language``, else of a representative one translated into it, else of the
    most representative one."""
    ranked = theme.representative_ids
    for cid in ranked:
        if by_id[cid].language == language:
            return cid, short_phrase(by_id[cid].text)
    for cid in ranked[:5]:
        text = translated.get(cid, {}).get(language, {}).get("text")
        if text:
            return cid, short_phrase(text)
    return ranked[0], short_phrase(by_id[ranked[0]].text)


#: A live suggestion is sent when the nearest cluster is at least this close (cosine, centred); the page
#: shows how sure it is, the moderator judges.
LIVE_MIN = themes.MEMBER_MIN


def live(question_id: int, contribution_ids: list[int]) -> list[dict]:
    """For each of those contributions still in no cluster, the nearest existing cluster and how sure
    (cosine to its centre, centred on the question), sent to the staff as ``cluster_suggestion`` when
    sure enough. Nothing is stored: the moderator accepts it with ``cluster_assign``."""
    if not contribution_ids:
        return []
    rows = db.session.execute(
        db.select(Contribution.id, Contribution.cluster_id).where(
            Contribution.question_id == question_id, Contribution.hidden.is_(False)
        )
    ).all()
    vectors = embeddings.vectors(cid for cid, _ in rows)
    members: dict[int, list[np.ndarray]] = {}
    for cid, cluster_id in rows:
        if cluster_id is not None and cid in vectors:
            members.setdefault(cluster_id, []).append(vectors[cid])
    if not members or not vectors:
        return []
    mean = np.mean(np.vstack(list(vectors.values())), axis=0)
    wanted = set(contribution_ids)
    found = []
    for cid, cluster_id in rows:
        if cid not in wanted or cluster_id is not None or cid not in vectors:
            continue
        nearest = themes.nearest(vectors[cid], members, mean)
        if nearest is not None and nearest[1] >= LIVE_MIN:
            payload = {
                "question_id": question_id,
                "contribution_id": cid,
                "cluster_id": nearest[0],
                "confidence": round(nearest[1], 3),
            }
            outbox.publish(question_id, "cluster_suggestion", payload, "staff")
            found.append(payload)
    return found


#: Similar contributions shown to an author before posting: at most this many, at least this close
#: (cosine of the raw vectors: a paraphrase in another language is about 0.5 to 0.8, another theme < 0.3).
SIMILAR = 3
SIMILAR_MIN = 0.45


def similar(question_id: int, text: str) -> list[dict]:
    """Up to :data:`SIMILAR` visible contributions of the question that say what ``text`` says, in any
    language, closest first; empty without the model."""
    loaded = embeddings.model()
    if loaded is None or not text.strip():
        return []
    rows = db.session.scalars(
        db.select(Contribution).where(Contribution.question_id == question_id, Contribution.hidden.is_(False))
    ).all()
    vectors = embeddings.vectors(c.id for c in rows)
    known = [c for c in rows if c.id in vectors]
    if not known:
        return []
    query = loaded.encode([text])[0]
    scores = np.vstack([vectors[c.id] for c in known]) @ query
    order = [i for i in np.argsort(-scores, kind="stable")[:SIMILAR] if scores[i] >= SIMILAR_MIN]
    return [
        {
            "id": known[i].id,
            "text": known[i].text,
            "language": known[i].language,
            "agree": known[i].agree,
            "disagree": known[i].disagree,
            "similarity": round(float(scores[i]), 3),
        }
        for i in order
    ]
