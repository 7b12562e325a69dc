"""Our opinion groups against Pol.is's own, on the three shared conversations, through the commands.

Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under CC BY
4.0 with Attribution to The Computational Democracy Project (see the data folder's README).
"""

import pytest
from polis.support import CONVERSATIONS, read_csv
from sklearn.metrics import adjusted_rand_score


def summary(folder) -> dict[str, str]:
    import csv

    with (folder / "summary.csv").open(newline="", encoding="utf-8") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if row}


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_match_polis_in_number_and_membership(runner, demo_session, polis_data, tmp_path, name):
    assert runner.invoke("import-polis", str(polis_data / name), "uclg-1-3-2", "1").exit_code == 0
    out = tmp_path / "out"
    assert runner.invoke("export-polis", "uclg-1-3-2", "1", str(out)).exit_code == 0

    assert summary(out)["groups"] == summary(polis_data / name)["groups"]
    ours = {row["participant"]: row["group-id"] for row in read_csv(out / "participants-votes.csv")}
    theirs = {
        row["participant"]: row["group-id"]
        for row in read_csv(polis_data / name / "participants-votes.csv")
        if row["group-id"] != ""
    }
    # Over the participants Pol.is grouped; one we left out counts as a group of its own.
    people = sorted(theirs)
    ari = adjusted_rand_score([theirs[p] for p in people], [ours.get(p, "") or "none" for p in people])
    assert ari >= 0.7


def test_participants_votes_has_the_columns_of_the_open_data(runner, demo_session, polis_data, tmp_path):
    name = "15-per-hour-seattle"
    runner.invoke("import-polis", str(polis_data / name), "uclg-1-3-2", "1")
    out = tmp_path / "out"
    runner.invoke("export-polis", "uclg-1-3-2", "1", str(out))

    header = (out / "participants-votes.csv").read_text().splitlines()[0]
    assert header == (polis_data / name / "participants-votes.csv").read_text().splitlines()[0]
    original = {r["participant"]: r for r in read_csv(polis_data / name / "participants-votes.csv")}
    for row in read_csv(out / "participants-votes.csv"):
        assert row["n-votes"] == original[row["participant"]]["n-votes"]
        assert row["0"] == original[row["participant"]]["0"]
