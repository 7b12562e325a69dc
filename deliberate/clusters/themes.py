"""Suggested themes from sentence embeddings, starting from the moderator's clusters.

Pure functions of vectors (no database, no Flask): :func:`suggest` takes the unclustered contributions
and the existing clusters' members, and answers

- placements: unclustered contributions that fit an existing cluster (``cluster_id`` set), and
- new themes for the rest, the number of themes chosen from the data.

Contributions already in a cluster are never proposed elsewhere, and a new theme that would repeat an
existing cluster is proposed as a placement into it instead, so re-asking never duplicates a cluster.

Vectors are centred on the question's mean before comparing: what all contributions of a question share
(its topic) says nothing about which theme one belongs to.

Choosing k: KMeans for each k in a range that grows with the square root of the size, keeping the
smallest k whose silhouette (cosine) is within :data:`_SILHOUETTE_TOLERANCE` of the best in the range.
The silhouette alone kept rising with k on a tight fixture and fell to k = 2 on diffuse Pol.is
conversations (one catch-all theme over half of them), hence the range and the tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

#: Fewer unclustered contributions than this: no new theme (but placements still).
MIN_TO_CLUSTER = 4
#: A contribution goes into an existing cluster when it is at least this close to its centroid
#: (cosine, centred vectors) and closer to it than to its own new theme.
PLACE_MIN = 0.3
#: A new theme whose centroid is this close to an existing cluster's is that cluster (on the fixture:
#: 0.55 for the same theme written by other people, below 0.1 between different themes).
SAME_THEME = 0.4
#: ... and each of its members goes there only if at least this close to the cluster itself.
MEMBER_MIN = 0.15
_SILHOUETTE_TOLERANCE = 0.9
_MAX_THEMES = 20
_DIMENSIONS = 48


@dataclass
class Theme:
    """A suggestion: members (ids, input order), ``cluster_id`` when they go into an existing cluster,
    the most representative members first in ``representative_ids``, and how sure (mean cosine of the
    members to the theme's centre, centred vectors) in ``confidence``."""

    contribution_ids: list[int]
    cluster_id: int | None = None
    representative_ids: list[int] = field(default_factory=list)
    confidence: float = 0.0


def centred(matrix: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """Rows minus ``mean`` (theirs by default), L2-normalised."""
    if len(matrix) == 0:
        return matrix
    shifted = matrix - (matrix.mean(axis=0) if mean is None else mean)
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return shifted / np.where(norms == 0, 1.0, norms)


def k_range(n: int) -> tuple[int, int]:
    """Candidate numbers of themes for ``n`` contributions."""
    if n < 12:
        low = 2
    elif n < 24:
        low = 3
    else:
        low = max(4, round(math.sqrt(n) / 4))
    high = min(_MAX_THEMES, max(low, round(1.5 * math.sqrt(n))), n - 1)
    return min(low, high), high


def choose_k(vectors: np.ndarray, random_state: int = 0) -> tuple[int, np.ndarray, float]:
    """Number of themes, the assignment for it, and its silhouette (see the module's docstring)."""
    n = len(vectors)
    low, high = k_range(n)
    distinct = len(np.unique(np.round(vectors, 5), axis=0))
    high = min(high, distinct - 1)
    if high < 2:
        return 1, np.zeros(n, dtype=int), 0.0
    low = min(low, high)
    reduced = _reduce(vectors, random_state)
    tried: list[tuple[int, float, np.ndarray]] = []
    for k in range(low, high + 1):
        labels = KMeans(n_clusters=k, n_init=2, random_state=random_state).fit_predict(reduced)
        if len(np.unique(labels)) < 2:
            continue
        tried.append((k, float(silhouette_score(reduced, labels, metric="cosine")), labels))
    if not tried:
        return 1, np.zeros(n, dtype=int), 0.0
    best = max(score for _, score, _ in tried)
    enough = best * _SILHOUETTE_TOLERANCE if best > 0 else best
    k, score, labels = next(t for t in tried if t[1] >= enough)
    return k, labels, score


def _reduce(vectors: np.ndarray, random_state: int) -> np.ndarray:
    """The first :data:`_DIMENSIONS` principal components, normalised: a dozen KMeans fits and their
    silhouettes on 1,000 contributions take a fraction of the time they take in 512 dimensions, and the
    themes of the fixture come out the same."""
    if vectors.shape[1] <= _DIMENSIONS or len(vectors) <= _DIMENSIONS:
        return vectors
    reduced = PCA(n_components=_DIMENSIONS, random_state=random_state).fit_transform(vectors)
    norms = np.linalg.norm(reduced, axis=1, keepdims=True)
    return reduced / np.where(norms == 0, 1.0, norms)


def _centroid(rows: np.ndarray) -> np.ndarray:
    mean = rows.mean(axis=0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm else mean


def suggest(
    unclustered: Sequence[tuple[int, np.ndarray]],
    clusters: dict[int, Sequence[np.ndarray]],
    *,
    random_state: int = 0,
) -> list[Theme]:
    """Placements into ``clusters`` (id -> member vectors) and new themes for ``unclustered``.

    Placements come first (by cluster id), then new themes, largest first. A new theme of one
    contribution is not a theme: such a contribution is left unsuggested."""
    if not unclustered:
        return []
    ids = [cid for cid, _ in unclustered]
    everything = [v for _, v in unclustered] + [v for members in clusters.values() for v in members]
    mean = np.mean(np.vstack(everything), axis=0)
    points = centred(np.vstack([v for _, v in unclustered]), mean)
    existing = {
        cid: _centroid(centred(np.vstack(members), mean)) for cid, members in clusters.items() if members
    }

    if len(points) >= MIN_TO_CLUSTER:
        _k, labels, _score = choose_k(points, random_state)
    else:
        labels = np.zeros(len(points), dtype=int)
    theme_centres = {t: _centroid(points[labels == t]) for t in np.unique(labels)}

    # A new theme that repeats an existing cluster is that cluster.
    repeats: dict[int, int] = {}
    if existing:
        cluster_ids = list(existing)
        centres = np.vstack([existing[c] for c in cluster_ids])
        for t, centre in theme_centres.items():
            sims = centres @ centre
            if sims.max() >= SAME_THEME:
                repeats[t] = cluster_ids[int(sims.argmax())]

    placed: dict[int, list[int]] = {}
    fresh: dict[int, list[int]] = {}
    for i, t in enumerate(labels):
        target = repeats.get(t)
        if target is not None and float(existing[target] @ points[i]) < MEMBER_MIN:
            target = None  # the theme repeats the cluster, but this one of its members does not fit it
        elif target is None and existing:
            sims = centres @ points[i]
            best = int(sims.argmax())
            own = float(theme_centres[t] @ points[i]) if (labels == t).sum() > 1 else -1.0
            if sims[best] >= PLACE_MIN and sims[best] >= own:
                target = cluster_ids[best]
        if target is not None:
            placed.setdefault(target, []).append(i)
        else:
            fresh.setdefault(int(t), []).append(i)

    found: list[Theme] = []
    for cluster_id in sorted(placed):
        members = placed[cluster_id]
        found.append(_theme(ids, points, members, existing[cluster_id], cluster_id))
    new = [m for m in fresh.values() if len(m) > 1 or len(points) < MIN_TO_CLUSTER]
    for members in sorted(new, key=lambda m: (-len(m), m[0])):
        found.append(_theme(ids, points, members, _centroid(points[members]), None))
    return found


def _theme(
    ids: list[int], points: np.ndarray, members: list[int], centre: np.ndarray, cluster_id: int | None
) -> Theme:
    sims = points[members] @ centre
    order = np.argsort(-sims, kind="stable")
    return Theme(
        contribution_ids=[ids[i] for i in members],
        cluster_id=cluster_id,
        representative_ids=[ids[members[j]] for j in order],
        confidence=round(float(sims.mean()), 3),
    )


def nearest(
    vector: np.ndarray, clusters: dict[int, Sequence[np.ndarray]], mean: np.ndarray
) -> tuple[int, float] | None:
    """The existing cluster closest to one contribution, with the cosine (centred), or None."""
    best: tuple[int, float] | None = None
    point = centred(vector[None, :], mean)[0]
    for cid, members in clusters.items():
        if not members:
            continue
        score = float(_centroid(centred(np.vstack(members), mean)) @ point)
        if best is None or score > best[1]:
            best = (cid, score)
    return best


def silhouette(vectors: np.ndarray, labels: np.ndarray) -> float | None:
    """Cosine silhouette of a clustering, None when it is not defined (one group, or all alone)."""
    k = len(np.unique(labels))
    if k < 2 or k >= len(vectors):
        return None
    return float(silhouette_score(vectors, labels, metric="cosine"))
