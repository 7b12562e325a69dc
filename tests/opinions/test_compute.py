"""The computation on small hand-made vote matrices whose answer is known."""

from deliberate.opinions.compute import MIN_VOTES, compute

UNITES, A_SIDE, B_SIDE, REJECTED, ONE, TWO, THREE = 1, 2, 3, 4, 5, 6, 7
CONTRIBUTIONS = [UNITES, A_SIDE, B_SIDE, REJECTED, ONE, TWO, THREE]
GROUP_A = range(100, 108)
GROUP_B = range(200, 208)


def two_camps() -> list[tuple[int, int, int]]:
    """Everyone agrees with UNITES and rejects REJECTED; camp A backs A_SIDE, camp B backs B_SIDE."""
    votes = []
    for camp, people in (("a", GROUP_A), ("b", GROUP_B)):
        for n, person in enumerate(people):
            mine = camp == "a"
            votes += [
                (person, UNITES, 1),
                (person, REJECTED, -1),
                (person, A_SIDE, 1 if mine else -1),
                (person, B_SIDE, -1 if mine else 1),
                (person, ONE, 1 if mine else -1),
                (person, TWO, 1 if mine else -1),
                # A little noise: one person per camp passes.
                (person, THREE, 0 if n == 0 else 1),
            ]
    return votes


def group_of(result, person) -> int:
    return result["points"][result["members"][str(person)]][2]


def test_two_camps_make_two_groups_that_follow_the_camps():
    result = compute(two_camps(), CONTRIBUTIONS)

    assert result["k"] == 2
    assert {group_of(result, p) for p in GROUP_A} != {group_of(result, p) for p in GROUP_B}
    assert len({group_of(result, p) for p in GROUP_A}) == 1
    assert sorted(g["size"] for g in result["groups"]) == [8, 8]


def test_consensus_is_what_every_group_agrees_with():
    result = compute(two_camps(), CONTRIBUTIONS)

    # UNITES (8 of 8 agree in each group) before THREE (7 of 8, one passed); never REJECTED.
    assert result["consensus"] == [UNITES, THREE]
    figures = result["counts"][str(UNITES)]["groups"]
    assert {g: (f["agree"], f["disagree"]) for g, f in figures.items()} == {"0": (8, 0), "1": (8, 0)}


def test_divisive_are_where_the_groups_disagree_with_each_other():
    result = compute(two_camps(), CONTRIBUTIONS)

    assert set(result["divisive"]) == {A_SIDE, B_SIDE, ONE, TWO}
    assert UNITES not in result["divisive"] and REJECTED not in result["divisive"]


def test_each_group_is_represented_by_what_sets_it_apart():
    result = compute(two_camps(), CONTRIBUTIONS)
    a = next(g for g in result["groups"] if g["id"] == group_of(result, GROUP_A[0]))
    b = next(g for g in result["groups"] if g["id"] == group_of(result, GROUP_B[0]))

    a_agrees = {r["contribution_id"] for r in a["representative"] if r["repful"] == "agree"}
    b_agrees = {r["contribution_id"] for r in b["representative"] if r["repful"] == "agree"}
    assert A_SIDE in a_agrees and B_SIDE not in a_agrees
    assert B_SIDE in b_agrees and A_SIDE not in b_agrees
    share = next(r for r in a["representative"] if r["contribution_id"] == A_SIDE)
    assert share["agree_share"] == 1.0
    # What everyone thinks alike sets no group apart.
    everything = {r["contribution_id"] for g in result["groups"] for r in g["representative"]}
    assert UNITES not in everything and REJECTED not in everything


def test_hidden_contributions_are_left_out():
    visible = [c for c in CONTRIBUTIONS if c != A_SIDE]
    result = compute(two_camps(), visible)

    everywhere = result["consensus"] + result["divisive"]
    everywhere += [r["contribution_id"] for g in result["groups"] for r in g["representative"]]
    assert A_SIDE not in everywhere
    assert result["k"] == 2


def test_participants_with_too_few_votes_are_not_placed():
    votes = two_camps() + [(999, c, 1) for c in CONTRIBUTIONS[: MIN_VOTES - 1]]
    result = compute(votes, CONTRIBUTIONS)

    assert "999" not in result["members"]
    assert result["voters"] == 17 and result["participants"] == 16


def test_groups_keep_their_ids_when_recomputed_with_a_little_more_data():
    first = compute(two_camps(), CONTRIBUTIONS)
    more = two_camps() + [(300, c, v) for _, c, v in two_camps() if _ == GROUP_B[0]]
    second = compute(more, CONTRIBUTIONS, previous=first)

    assert second["k"] == 2
    assert group_of(second, GROUP_A[0]) == group_of(first, GROUP_A[0])
    assert group_of(second, 300) == group_of(first, GROUP_B[0])


def test_too_few_people_give_no_groups():
    result = compute([(1, UNITES, 1), (2, UNITES, -1)], CONTRIBUTIONS)

    assert result["groups"] == [] and result["participants"] == 0 and result["voters"] == 2


def test_with_fewer_participants_than_contributions_the_axes_are_the_covariances_eigenvectors():
    """That case goes through the participants' Gram matrix (a much smaller problem than the
    contributions' covariance): the axes must be the same, up to their arbitrary sign."""
    import numpy as np

    from deliberate.opinions.compute import _project

    rng = np.random.default_rng(3)
    matrix = rng.choice([-1.0, 0.0, 1.0, np.nan], size=(12, 40), p=[0.3, 0.1, 0.3, 0.3])
    _points, axes = _project(matrix, list(range(40)), None)

    voted = ~np.isnan(matrix)
    filled = np.where(voted, matrix, np.nan_to_num(np.nanmean(matrix, axis=0)))
    centred = filled - filled.mean(axis=0)
    _values, vectors = np.linalg.eigh(centred.T @ centred)
    for found, expected in zip(np.array(axes["vectors"]), vectors[:, ::-1].T[:2], strict=True):
        assert abs(abs(float(found @ expected)) - 1) < 1e-3
