"""Importing the Pol.is open-data conversations: tallies, hidden comments, participants, attribution."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from polis.support import BIG, CONVERSATIONS, expected_tallies, read_csv, row_counts, run_import, tallies

from deliberate.accounts.models import User
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.polis.attribution import CASE_STUDIES, STATEMENT
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import Question, Registration


def question_id(demo_session, position: int = 1) -> int:
    return next(q.id for q in demo_session.questions if q.position == position)


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_every_contribution_has_the_tally_of_the_latest_votes(app, demo_session, polis_data, name):
    run_import(app, polis_data / name)

    assert tallies(app, question_id(demo_session)) == expected_tallies(polis_data / name)


def test_the_big_conversation_imports_in_seconds(app, demo_session, polis_data):
    started = time.perf_counter()
    result = run_import(app, polis_data / BIG)

    assert result.votes > 29_000
    assert time.perf_counter() - started < 20


def test_the_result_counts_what_was_imported(app, demo_session, polis_data):
    comments = read_csv(polis_data / "brexit-consensus" / "comments.csv")
    votes = read_csv(polis_data / "brexit-consensus" / "votes.csv")

    result = run_import(app, polis_data / "brexit-consensus")

    assert result.contributions == len(comments)
    assert result.hidden == 0
    assert result.participants == len({v["voter-id"] for v in votes} | {c["author-id"] for c in comments})
    assert result.votes == len({(v["voter-id"], v["comment-id"]) for v in votes})


def test_counters_equal_the_stored_votes(app, demo_session, polis_data):
    run_import(app, polis_data / "15-per-hour-seattle")

    with app.app_context():
        for contribution in db.session.scalars(db.select(Contribution)):
            values = list(
                db.session.scalars(db.select(Vote.value).where(Vote.contribution_id == contribution.id))
            )
            assert (contribution.agree, contribution.disagree) == (values.count(1), values.count(-1))


def test_passes_are_kept_as_votes_of_zero(app, demo_session, polis_data):
    run_import(app, polis_data / "15-per-hour-seattle")

    with app.app_context():
        passes = db.session.scalar(db.select(db.func.count()).select_from(Vote).where(Vote.value == 0))
    assert passes > 0


def test_comments_rejected_by_the_moderator_are_hidden(app, demo_session, polis_data):
    comments = read_csv(polis_data / "15-per-hour-seattle" / "comments.csv")
    rejected = {c["comment-id"] for c in comments if c["moderated"] == "-1"}

    run_import(app, polis_data / "15-per-hour-seattle")

    with app.app_context():
        hidden = set(db.session.scalars(db.select(Contribution.external_id).where(Contribution.hidden)))
    assert hidden == rejected


def test_contributions_keep_text_time_and_comment_id(app, demo_session, polis_data):
    first = read_csv(polis_data / "brexit-consensus" / "comments.csv")[0]

    run_import(app, polis_data / "brexit-consensus")

    with app.app_context():
        contribution = db.session.scalar(
            db.select(Contribution).where(Contribution.external_id == first["comment-id"])
        )
        assert contribution.text == first["comment-body"]
        assert contribution.created_at.timestamp() * 1000 == int(first["timestamp"])
        assert (contribution.author_role, contribution.language) == ("attendee", "en")


def test_participants_are_pseudonymous_and_cannot_log_in(app, client, demo_session, polis_data):
    run_import(app, polis_data / "brexit-consensus")

    with app.app_context():
        participant = db.session.scalar(db.select(User).where(User.email.like("polis-brexit-consensus-%")))
        email, password_hash, name = participant.email, participant.password_hash, participant.name
    assert password_hash is None
    assert name.startswith("Participant ")
    response = client.post("/api/v1/auth/login", json={"email": email, "password": ""})
    assert response.status_code == 401


def test_participants_are_registered_to_the_session_as_attendees(app, demo_session, polis_data):
    result = run_import(app, polis_data / "brexit-consensus")

    with app.app_context():
        roles = db.session.scalars(
            db.select(Registration.role)
            .join(User, User.id == Registration.user_id)
            .where(Registration.session_id == demo_session.id, User.email.like("polis-%"))
        ).all()
    assert roles == ["attendee"] * result.participants


def test_the_question_carries_the_attribution_with_the_case_study_link(app, demo_session, polis_data):
    run_import(app, polis_data / "15-per-hour-seattle")

    with app.app_context():
        attribution = db.session.get(Question, question_id(demo_session)).attribution
    assert attribution == f"{STATEMENT} {CASE_STUDIES['15-per-hour-seattle']}"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_report_of_the_question_shows_the_attribution(app, demo_session, polis_data, fmt):
    from deliberate.reports.service import export
    from deliberate.sessions.services import get_session

    run_import(app, polis_data / "15-per-hour-seattle")

    with app.app_context():
        text = export(get_session(demo_session.code), fmt, "en").data.decode()
    assert f"{STATEMENT} {CASE_STUDIES['15-per-hour-seattle']}" in text


def test_an_unknown_conversation_is_attributed_to_the_open_data_repository(app, demo_session, copy_of):
    run_import(app, copy_of(as_name="my-conversation"))

    with app.app_context():
        attribution = db.session.get(Question, question_id(demo_session)).attribution
    assert attribution.startswith(STATEMENT)
    assert "compdemocracy/openData" in attribution


def test_participants_are_named_after_the_folder(app, demo_session, copy_of):
    run_import(app, copy_of(as_name="Town Hall 2024"))

    with app.app_context():
        emails = db.session.scalars(db.select(User.email).where(User.password_hash.is_(None))).all()
    assert emails and all(e.startswith("polis-town-hall-2024-") for e in emails)


def test_participants_are_named_after_the_source_when_given(app, demo_session, polis_data):
    run_import(app, polis_data / "brexit-consensus", source="Brexit 2017")

    with app.app_context():
        emails = db.session.scalars(db.select(User.email).where(User.password_hash.is_(None))).all()
    assert emails and all(e.startswith("polis-brexit-2017-") for e in emails)


def test_importing_the_same_conversation_into_the_same_question_again_is_refused(
    app, demo_session, polis_data
):
    run_import(app, polis_data / "brexit-consensus")
    before = row_counts(app)

    with pytest.raises(DomainError) as error:
        run_import(app, polis_data / "brexit-consensus")

    assert error.value.code == "conflict"
    assert row_counts(app) == before


def test_the_same_conversation_in_a_second_question_reuses_its_participants(app, demo_session, polis_data):
    first = run_import(app, polis_data / "brexit-consensus", position=1)
    users = row_counts(app)["users"]

    run_import(app, polis_data / "brexit-consensus", position=2)

    assert row_counts(app)["users"] == users
    assert tallies(app, question_id(demo_session, 2)) == tallies(app, question_id(demo_session, 1))
    assert first.participants > 0


def test_an_unknown_position_is_not_found(app, demo_session, polis_data):
    with pytest.raises(DomainError) as error:
        run_import(app, polis_data / "brexit-consensus", position=99)

    assert error.value.code == "not_found"


# Bad or partial files: a one-line message naming the file and line, and nothing written.


def broken(copy_of, file: str, change: Callable[[str], str]) -> Path:
    folder = copy_of()
    path = folder / file
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def refused(app, folder) -> str:
    before = row_counts(app)
    with pytest.raises(DomainError) as error:
        run_import(app, folder)
    assert error.value.code == "invalid"
    assert row_counts(app) == before
    return error.value.message


def test_a_missing_votes_file_is_refused(app, demo_session, copy_of):
    folder = copy_of()
    (folder / "votes.csv").unlink()

    assert refused(app, folder).startswith("votes.csv: missing")


def test_an_empty_folder_is_refused(app, demo_session, tmp_path):
    assert refused(app, tmp_path).startswith("comments.csv: missing")


def test_a_missing_folder_is_refused(app, demo_session, tmp_path):
    assert "not a folder" in refused(app, tmp_path / "nowhere")


def test_a_truncated_row_is_refused_with_its_line(app, demo_session, copy_of):
    folder = broken(copy_of, "votes.csv", lambda text: text + "1403057082753,Wed Jun 18\n")

    assert refused(app, folder) == "votes.csv: line 2997: expected 5 fields, found 2"


def test_a_file_cut_inside_a_quoted_body_is_refused(app, demo_session, copy_of):
    folder = broken(copy_of, "comments.csv", lambda text: text + '1403067224363,x,999,1,0,0,1,"Unfinished')

    assert refused(app, folder).startswith("comments.csv: line")


def test_a_non_numeric_vote_is_refused(app, demo_session, copy_of):
    folder = broken(copy_of, "votes.csv", lambda text: text.replace(",0,0,0\n", ",0,0,yes\n", 1))

    assert refused(app, folder) == "votes.csv: line 2: vote must be an integer, not 'yes'"


def test_a_vote_outside_minus_one_to_one_is_refused(app, demo_session, copy_of):
    folder = broken(copy_of, "votes.csv", lambda text: text.replace(",0,0,0\n", ",0,0,2\n", 1))

    assert refused(app, folder) == "votes.csv: line 2: vote must be one of -1, 0, 1, not 2"


def test_a_vote_on_an_unknown_comment_is_refused(app, demo_session, copy_of):
    folder = broken(
        copy_of, "votes.csv", lambda text: text + "1403057082753,Wed Jun 18 09:04:42 WIB 2014,777,1,1\n"
    )

    assert refused(app, folder) == "votes.csv: line 2997: comment-id 777 is not in comments.csv"


def test_a_non_integer_comment_id_is_refused(app, demo_session, copy_of):
    folder = broken(copy_of, "comments.csv", lambda text: text.replace(",53,6172,", ",5x,6172,", 1))

    assert refused(app, folder) == "comments.csv: line 2: comment-id must be an integer, not '5x'"


def test_a_missing_column_is_refused(app, demo_session, copy_of):
    folder = broken(copy_of, "votes.csv", lambda text: text.replace("voter-id", "who", 1))

    assert refused(app, folder) == "votes.csv: line 1: missing column(s) voter-id"


def test_columns_may_come_in_any_order(app, demo_session, copy_of):
    folder = copy_of()
    rows = read_csv(folder / "votes.csv")
    order = ["vote", "voter-id", "comment-id", "timestamp", "datetime"]
    lines = [",".join(order)] + [",".join(row[column] for column in order) for row in rows]
    (folder / "votes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    run_import(app, folder)

    assert tallies(app, question_id(demo_session)) == expected_tallies(folder)


# The command line.


def test_import_polis_prints_one_summary_line(app, runner, demo_session, polis_data):
    result = runner.invoke("import-polis", str(polis_data / "brexit-consensus"), "uclg-1-3-2", "2")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Imported 50 contributions (0 hidden), ")
    assert result.stdout.count("\n") == 1
    assert tallies(app, question_id(demo_session, 2)) == expected_tallies(polis_data / "brexit-consensus")


@pytest.mark.parametrize(
    "arguments",
    [
        ("{data}/brexit-consensus", "no-such-session", "1"),
        ("{data}/brexit-consensus", "uclg-1-3-2", "42"),
        ("{tmp}/missing", "uclg-1-3-2", "1"),
        ("{broken}", "uclg-1-3-2", "1"),
    ],
    ids=["unknown session", "unknown position", "missing folder", "malformed csv"],
)
def test_import_polis_fails_with_one_line_and_writes_nothing(
    app, runner, demo_session, polis_data, copy_of, tmp_path, arguments
):
    folder = broken(copy_of, "votes.csv", lambda text: text + "1,2\n")
    values = {"data": polis_data, "tmp": tmp_path, "broken": folder}
    before = row_counts(app)

    result = runner.invoke("import-polis", *(a.format(**values) for a in arguments))

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("deliberate: ")
    assert row_counts(app) == before
