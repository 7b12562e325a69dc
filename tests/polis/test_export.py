"""Exporting a question in the Pol.is open-data format, and importing the export back."""

import re
from datetime import UTC, datetime

import pytest
from polis.support import BIG, expected_tallies, read_csv, row_counts, run_export, run_import, tallies

from deliberate.accounts.models import User
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import PanelSession, Question, Registration

# Java's Date.toString(), the datetime column of the open data: "Wed Jun 18 08:16:54 WIB 2014".
JAVA_DATE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [A-Z]{2,5} \d{4}$")


def question_id(demo_session, position: int) -> int:
    return next(q.id for q in demo_session.questions if q.position == position)


def header(path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture
def exported(app, demo_session, polis_data, tmp_path):
    """The 15-per-hour-seattle conversation imported into question 1, then exported."""
    run_import(app, polis_data / "15-per-hour-seattle")
    folder = tmp_path / "export"
    run_export(app, folder)
    return folder


@pytest.mark.parametrize("file", ["comments.csv", "votes.csv"])
def test_the_files_have_the_header_of_the_open_data(exported, polis_data, file):
    assert header(exported / file) == header(polis_data / "15-per-hour-seattle" / file)


def test_importing_the_export_gives_the_same_tallies_per_comment(app, demo_session, exported):
    run_import(app, exported, position=2)

    assert tallies(app, question_id(demo_session, 2)) == tallies(app, question_id(demo_session, 1))


def test_the_exported_votes_give_the_tallies_of_the_original_data(exported, polis_data):
    assert expected_tallies(exported) == expected_tallies(polis_data / "15-per-hour-seattle")


def test_the_big_conversation_survives_a_round_trip(app, demo_session, polis_data, tmp_path):
    run_import(app, polis_data / BIG)
    run_export(app, tmp_path / "big")

    run_import(app, tmp_path / "big", position=2)

    assert tallies(app, question_id(demo_session, 2)) == expected_tallies(polis_data / BIG)


def test_comments_keep_their_ids_authors_and_bodies(exported, polis_data):
    def key(row):
        # Surrounding white space is trimmed on import, as it is from any post.
        return row["comment-id"], row["author-id"], row["comment-body"].strip()

    original = read_csv(polis_data / "15-per-hour-seattle" / "comments.csv")
    assert sorted(map(key, read_csv(exported / "comments.csv"))) == sorted(map(key, original))


def test_hidden_contributions_are_exported_as_rejected(exported, polis_data):
    original = read_csv(polis_data / "15-per-hour-seattle" / "comments.csv")
    rejected = {c["comment-id"] for c in original if c["moderated"] == "-1"}

    rows = read_csv(exported / "comments.csv")

    assert {c["comment-id"] for c in rows if c["moderated"] == "-1"} == rejected
    assert {c["moderated"] for c in rows} == {"-1", "1"}


def test_agrees_and_disagrees_are_the_counters(app, demo_session, exported):
    rows = read_csv(exported / "comments.csv")

    exported_tallies = {c["comment-id"]: (int(c["agrees"]), int(c["disagrees"])) for c in rows}
    assert exported_tallies == tallies(app, question_id(demo_session, 1))


def test_voters_keep_their_polis_participant_ids(exported, polis_data):
    original = read_csv(polis_data / "15-per-hour-seattle" / "votes.csv")

    assert {v["voter-id"] for v in read_csv(exported / "votes.csv")} == {v["voter-id"] for v in original}


def test_timestamps_and_datetimes_have_the_format_of_the_open_data(exported, polis_data):
    original = read_csv(polis_data / "15-per-hour-seattle" / "votes.csv")[0]
    row = read_csv(exported / "votes.csv")[0]

    assert JAVA_DATE.match(original["datetime"])
    assert JAVA_DATE.match(row["datetime"])
    assert row["timestamp"].isdigit() and len(row["timestamp"]) == len(original["timestamp"])


def test_the_datetime_is_the_timestamp_in_utc(exported):
    row = read_csv(exported / "votes.csv")[0]

    moment = datetime.fromtimestamp(int(row["timestamp"]) / 1000, UTC)
    assert row["datetime"] == moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def test_the_attribution_is_written_next_to_the_data(exported):
    assert "The Computational Democracy Project" in (exported / "ATTRIBUTION.txt").read_text()


def test_importing_the_export_keeps_the_attribution(app, demo_session, exported):
    run_import(app, exported, position=2)

    with app.app_context():
        first, second = (db.session.get(Question, question_id(demo_session, p)).attribution for p in (1, 2))
    assert second == first


def test_existing_files_are_not_overwritten(app, demo_session, exported):
    before = (exported / "votes.csv").read_bytes()

    with pytest.raises(DomainError) as error:
        run_export(app, exported)

    assert error.value.code == "conflict"
    assert (exported / "votes.csv").read_bytes() == before


def test_a_missing_folder_is_created(app, demo_session, tmp_path):
    run_export(app, tmp_path / "a" / "b")

    assert header(tmp_path / "a" / "b" / "votes.csv") == "timestamp,datetime,comment-id,voter-id,vote"


def test_an_unknown_position_is_not_found(app, demo_session, tmp_path):
    with pytest.raises(DomainError) as error:
        run_export(app, tmp_path / "out", position=99)

    assert error.value.code == "not_found"


# Contributions and votes made in Deliberate itself, mixed with imported ones.


@pytest.fixture
def native(app, demo_session, polis_data, make_user):
    """Question 1 holds the seattle conversation plus one contribution and one vote made here, by a
    person whose user id equals a Pol.is participant id of the conversation (6172)."""
    run_import(app, polis_data / "15-per-hour-seattle")
    member = make_user("Nora")
    with app.app_context():
        # Renumbered so that our id collides with a Pol.is participant id: both must stay distinct.
        db.session.execute(
            db.update(Registration).where(Registration.user_id == member.id).values(user_id=6172)
        )
        db.session.execute(db.update(User).where(User.id == member.id).values(id=6172))
        question = db.session.get(Question, question_id(demo_session, 1))
        contribution = Contribution(
            question_id=question.id,
            author_id=6172,
            author_role="panelist",
            text="Ours",
            language="en",
            agree=1,
        )
        db.session.add(contribution)
        db.session.flush()
        db.session.add(Vote(contribution_id=contribution.id, user_id=6172, value=1))
        db.session.commit()
        return contribution.id


def test_a_contribution_made_here_is_exported_with_its_own_id(app, native, tmp_path):
    run_export(app, tmp_path / "out")

    rows = {c["comment-body"]: c for c in read_csv(tmp_path / "out" / "comments.csv")}
    assert rows["Ours"]["comment-id"] == str(native)


def test_people_whose_ids_collide_stay_distinct(app, native, tmp_path):
    run_export(app, tmp_path / "out")

    rows = read_csv(tmp_path / "out" / "comments.csv")
    ours = next(c for c in rows if c["comment-body"] == "Ours")
    polis = [c for c in rows if c["comment-body"] != "Ours" and c["author-id"] == "6172"]
    assert polis and ours["author-id"] != "6172"


def test_every_voter_votes_once_per_comment(app, native, tmp_path):
    run_export(app, tmp_path / "out")

    votes = read_csv(tmp_path / "out" / "votes.csv")
    assert len({(v["voter-id"], v["comment-id"]) for v in votes}) == len(votes)


def test_a_mixed_question_survives_a_round_trip(app, demo_session, native, tmp_path):
    run_export(app, tmp_path / "out")

    run_import(app, tmp_path / "out", position=2)

    assert sorted(tallies(app, question_id(demo_session, 2)).values()) == sorted(
        tallies(app, question_id(demo_session, 1)).values()
    )


# The command line.


def test_export_polis_prints_one_summary_line(app, runner, demo_session, polis_data, tmp_path):
    run_import(app, polis_data / "brexit-consensus")

    result = runner.invoke("export-polis", "uclg-1-3-2", "1", str(tmp_path / "out"))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Exported 50 comments and 5303 votes to {tmp_path / 'out'}\n"


@pytest.mark.parametrize(
    "arguments", [("no-such-session", "1"), ("uclg-1-3-2", "42")], ids=["unknown session", "unknown position"]
)
def test_export_polis_fails_with_one_line(runner, demo_session, tmp_path, arguments):
    result = runner.invoke("export-polis", *arguments, str(tmp_path / "out"))

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("deliberate: ")


def test_export_polis_into_a_file_path_fails_with_one_line(runner, demo_session, tmp_path):
    (tmp_path / "file").write_text("x")

    result = runner.invoke("export-polis", "uclg-1-3-2", "1", str(tmp_path / "file"))

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_changes_nothing_in_the_database(app, demo_session, exported, tmp_path):
    before = row_counts(app)

    run_export(app, tmp_path / "again")

    assert row_counts(app) == before
    with app.app_context():
        assert db.session.get(PanelSession, demo_session.id) is not None
