"""Opinion groups from a vote matrix, after Pol.is's math (compdemocracy/polis, ``math/``).

Pure computation: plain lists in, plain dicts out, no database. The steps:

1. The participant × contribution matrix: agree 1, disagree -1, pass 0, no vote missing.
2. Participants with at least ``min(MIN_VOTES, contributions)`` votes are placed (Pol.is's rule: 7).
3. PCA on the matrix with missing votes filled by the contribution's mean, two components; each
   projection is scaled by sqrt(contributions / votes of that participant), Pol.is's correction that
   keeps participants who voted on little from being pulled to the centre.
4. k-means on the projections for k = 2..5 (every group at least ``MIN_GROUP`` people and
   ``MIN_GROUP_SHARE`` of those placed), k chosen by silhouette, the smallest k within ``K_MARGIN``
   of the best; the previous k is kept unless another k is clearly better (by ``K_MARGIN``), and
   group ids follow the previous centres, so that
   groups stay stable between recomputations unless the data really changes.
5. For each group, representative contributions (Pol.is's repness: the group's agree or disagree
   share against everyone else's, kept when both z-tests pass at 90%), and for the question the
   group-informed consensus (product over groups of (agrees + 1) / (votes + 2)) and the divisive
   contributions (the widest spread of agree shares between groups).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_VOTES = 7
MAX_GROUPS = 5
BASE_CLUSTERS = 100
MIN_GROUP = 3
MIN_GROUP_SHARE = 0.05
K_MARGIN = 0.05
TOP_REPRESENTATIVE = 5
TOP_LIST = 5
Z_90 = 1.2816


@dataclass(frozen=True)
class Vote:
    participant: int
    contribution: int
    value: int


def compute(
    votes: list[tuple[int, int, int]], contributions: list[int], previous: dict | None = None
) -> dict:
    """Groups for ``votes`` (participant, contribution, value) over the visible ``contributions``.

    ``previous`` is an earlier result of this function (for stable k and group ids). The result:
    ``{participants, voters, k, groups: [{id, size, centre, representative}], consensus, divisive,
    points: [[x, y, group_id]], members: {participant: index into points}, counts}``.
    """
    cids = sorted(set(contributions))
    table = np.array(votes, dtype=np.int64).reshape(-1, 3)
    table = table[np.isin(table[:, 1], cids)]
    voters, rows = np.unique(table[:, 0], return_inverse=True)
    matrix = np.full((len(voters), len(cids)), np.nan)
    matrix[rows, np.searchsorted(cids, table[:, 1])] = table[:, 2]
    voters = voters.tolist()
    empty = _empty(len(voters))
    if not cids or not voters:
        return empty
    voted = ~np.isnan(matrix)
    counts = voted.sum(axis=1)
    placed = counts >= min(MIN_VOTES, len(cids))
    if placed.sum() < 4:
        return empty
    people = [p for p, keep in zip(voters, placed, strict=True) if keep]
    sub = matrix[placed]
    points, axes = _project(sub, cids, (previous or {}).get("axes"))
    labels, centres = _groups(points, previous)
    if labels is None:
        return empty
    ids = sorted(set(labels.tolist()))
    groups, consensus, divisive, figures = _statistics(sub, labels, ids, cids)
    return {
        "participants": len(people),
        "voters": len(voters),
        "k": len(ids),
        "groups": [
            {
                "id": g,
                "size": int((labels == g).sum()),
                "centre": [round(float(v), 4) for v in centres[g]],
                "representative": groups[g],
            }
            for g in ids
        ],
        "consensus": consensus,
        "divisive": divisive,
        "counts": figures,
        "points": [
            [round(float(x), 3), round(float(y), 3), int(g)] for (x, y), g in zip(points, labels, strict=True)
        ],
        "members": {str(p): i for i, p in enumerate(people)},
        "axes": axes,
    }


def _empty(voters: int) -> dict:
    return {
        "participants": 0,
        "voters": voters,
        "k": 0,
        "groups": [],
        "consensus": [],
        "divisive": [],
        "counts": {},
        "points": [],
        "members": {},
        "axes": None,
    }


def _project(matrix: np.ndarray, cids: list[int], previous: dict | None) -> tuple[np.ndarray, dict]:
    """Two principal components, with Pol.is's sparsity correction.

    A component's sign is arbitrary; it is chosen to agree with the previous computation's (over the
    contributions both know), so that the map, and the groups' centres, do not flip.
    """
    voted = ~np.isnan(matrix)
    means = np.nan_to_num(np.nanmean(np.where(voted.any(axis=0), matrix, 0.0), axis=0))
    filled = np.where(voted, matrix, means)
    centred = filled - filled.mean(axis=0)
    leading = _leading_directions(centred, 2)
    components = np.zeros((2, matrix.shape[1]))
    components[: len(leading)] = leading
    old = {}
    if previous:
        old = {cid: j for j, cid in enumerate(previous.get("ids", []))}
    for i, row in enumerate(components):
        common = [(j, old[cid]) for j, cid in enumerate(cids) if cid in old]
        if common and i < len(previous["vectors"]):
            here, there = zip(*common, strict=True)
            agreement = float(row[list(here)] @ np.array(previous["vectors"][i])[list(there)])
        else:
            agreement = float(row[np.argmax(np.abs(row))])
        if agreement < 0:
            row *= -1
    projected = centred @ components.T
    scale = np.sqrt(matrix.shape[1] / np.maximum(voted.sum(axis=1), 1))
    axes = {"ids": list(cids), "vectors": [[round(float(v), 5) for v in row] for row in components]}
    return projected * scale[:, None], axes


def _leading_directions(centred: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` leading eigenvectors of the contributions' covariance (rows), i.e. the leading right
    singular vectors of the participants' matrix, through the smaller of its two Gram matrices.

    A contributions × contributions eigenproblem costs the cube of their number (2.3 s for 1,000
    contributions, paid by every report of the session); with fewer participants than contributions the
    participants' Gram matrix gives the same vectors (v = Aᵀu / σ) for the cube of the smaller number,
    and a full SVD would compute every singular vector to keep two.
    """
    participants, contributions = centred.shape
    if participants >= contributions:
        _values, vectors = np.linalg.eigh(centred.T @ centred)
        return vectors[:, ::-1].T[:count]
    values, vectors = np.linalg.eigh(centred @ centred.T)
    order = np.argsort(values)[::-1][:count]
    kept = [i for i in order if values[i] > 1e-12 * max(values[order[0]], 1e-300)]
    if not kept:
        return np.zeros((0, contributions))
    right = (centred.T @ vectors[:, kept]) / np.sqrt(values[kept])
    return right.T


def _groups(points: np.ndarray, previous: dict | None) -> tuple[np.ndarray | None, dict[int, np.ndarray]]:
    """Group labels per point and the centre of each group id.

    As Pol.is does, the points are first summarised by up to ``BASE_CLUSTERS`` base clusters and
    the groups are k-means over those (weighted by their size): cheaper for thousands of people and
    less swayed by a few outliers.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(points)
    if n < 4 or np.allclose(points, points[0]):
        return None, {}
    if n > BASE_CLUSTERS:
        base = KMeans(n_clusters=BASE_CLUSTERS, n_init=1, random_state=0).fit(points)
        centres, of_point = base.cluster_centers_, base.labels_
        weights = np.bincount(of_point, minlength=BASE_CLUSTERS).astype(float)
    else:
        centres, of_point, weights = points, np.arange(n), np.ones(n)
    old = {g["id"]: np.array(g["centre"]) for g in (previous or {}).get("groups", [])}
    results = {}
    for k in range(2, min(MAX_GROUPS, len(centres) - 1) + 1):
        seeded = len(old) == k
        init = np.array([old[g] for g in sorted(old)]) if seeded else "k-means++"
        model = KMeans(n_clusters=k, init=init, n_init=1 if seeded else 4, random_state=0)
        labels = model.fit(centres, sample_weight=weights).labels_
        sizes = np.bincount(labels, weights=weights, minlength=k)
        # A group of a handful of people says nothing about the room (and exact duplicates of a
        # few voters would otherwise make a "perfect" extra group).
        if (sizes < max(MIN_GROUP, MIN_GROUP_SHARE * n)).any():
            continue
        results[k] = (silhouette_score(centres, labels), labels, model.cluster_centers_)
    if not results:
        return None, {}
    best_score = max(score for score, _, _ in results.values())
    # Fewer groups unless more are clearly better; the previous k unless another is clearly better.
    if len(old) in results and results[len(old)][0] >= best_score - K_MARGIN:
        k = len(old)
    else:
        k = min(k for k, (score, _, _) in results.items() if score >= best_score - K_MARGIN)
    _score, labels, group_centres = results[k]
    mapping = _follow(group_centres, old)
    return (
        np.array([mapping[int(label)] for label in labels[of_point]]),
        {mapping[i]: c for i, c in enumerate(group_centres)},
    )


def _follow(centres: np.ndarray, old: dict[int, np.ndarray]) -> dict[int, int]:
    """New cluster index → group id: the id of the nearest previous centre, else a fresh id."""
    from scipy.optimize import linear_sum_assignment

    if not old:
        order = np.lexsort((centres[:, 1], centres[:, 0]))
        return {int(i): rank for rank, i in enumerate(order)}
    old_ids = sorted(old)
    cost = np.array([[np.linalg.norm(c - old[g]) for g in old_ids] for c in centres])
    rows, cols = linear_sum_assignment(cost)
    mapping = {int(r): old_ids[c] for r, c in zip(rows, cols, strict=True)}
    fresh = max(old_ids) + 1
    for i in range(len(centres)):
        if i not in mapping:
            mapping[i] = fresh
            fresh += 1
    return mapping


def _prop_test(successes: np.ndarray, n: np.ndarray) -> np.ndarray:
    return 2 * np.sqrt(n + 1) * ((successes + 1) / (n + 1) - 0.5)


def _two_prop_test(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    s1, n1, s2, n2 = s1 + 1, n1 + 1, s2 + 1, n2 + 1
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(spread > 0, (p1 - p2) / spread, 0.0)


def _statistics(matrix: np.ndarray, labels: np.ndarray, ids: list[int], cids: list[int]):
    agree = matrix == 1
    disagree = matrix == -1
    seen = ~np.isnan(matrix)
    per = {}
    for g in ids:
        inside = labels == g
        per[g] = (agree[inside].sum(axis=0), disagree[inside].sum(axis=0), seen[inside].sum(axis=0))
    total_a, total_d, total_s = agree.sum(axis=0), disagree.sum(axis=0), seen.sum(axis=0)

    representative = {}
    for g in ids:
        na, nd, ns = per[g]
        ra_, rd_, rs_ = total_a - na, total_d - nd, total_s - ns
        pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
        ra = pa / ((ra_ + 1) / (rs_ + 2))
        rd = pd / ((rd_ + 1) / (rs_ + 2))
        pat, pdt = _prop_test(na, ns), _prop_test(nd, ns)
        rat, rdt = _two_prop_test(na, ns, ra_, rs_), _two_prop_test(nd, ns, rd_, rs_)
        chosen = []
        for j, cid in enumerate(cids):
            options = []
            if pa[j] > 0.5 and pat[j] > Z_90 and rat[j] > Z_90:
                options.append((ra[j] * rat[j] * pa[j] * pat[j], "agree"))
            if pd[j] > 0.5 and pdt[j] > Z_90 and rdt[j] > Z_90:
                options.append((rd[j] * rdt[j] * pd[j] * pdt[j], "disagree"))
            if options:
                metric, side = max(options)
                chosen.append((metric, cid, side, j))
        chosen.sort(key=lambda item: (-item[0], item[1]))
        representative[g] = [
            {
                "contribution_id": cid,
                "agree_share": _share(per[g][0][j], per[g][2][j]),
                "disagree_share": _share(per[g][1][j], per[g][2][j]),
                "repful": side,
                "repness": round(float(metric), 4),
            }
            for metric, cid, side, j in chosen[:TOP_REPRESENTATIVE]
        ]

    # Group-informed consensus: every group has to agree for the product to be high.
    informed = np.ones(len(cids))
    shares = []
    for g in ids:
        na, _nd, ns = per[g]
        informed *= (na + 1) / (ns + 2)
        shares.append((na + 1) / (ns + 2))
    shares = np.array(shares)
    voted_any = total_s > 0
    consensus_ok = (shares > 0.5).all(axis=0) & voted_any
    consensus = [cids[j] for j in np.argsort(-informed, kind="stable") if consensus_ok[j]][:TOP_LIST]
    spread = shares.max(axis=0) - shares.min(axis=0)
    seen_by_all = np.array([per[g][2] for g in ids]).min(axis=0) > 0
    divisive_ok = (spread >= 0.3) & seen_by_all
    divisive = [cids[j] for j in np.argsort(-spread, kind="stable") if divisive_ok[j]][:TOP_LIST]

    figures = {}
    for j in sorted({cids.index(c) for c in consensus + divisive}):
        figures[str(cids[j])] = {
            "consensus_score": round(float(informed[j]), 4),
            "spread": round(float(spread[j]), 4),
            "groups": {
                str(g): {
                    "agree": int(per[g][0][j]),
                    "disagree": int(per[g][1][j]),
                    "votes": int(per[g][2][j]),
                }
                for g in ids
            },
        }
    return representative, consensus, divisive, figures


def _share(count: float, votes: float) -> float:
    return round(float(count) / float(votes), 4) if votes else 0.0


def adjusted_rand_index(a: list[int], b: list[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b)) if a else math.nan
