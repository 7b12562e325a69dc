"""The agenda: moderators make a question live and run its countdown; followers are told."""

from datetime import timedelta

import pytest
from helpers import events

from deliberate.agenda import services, ticker
from deliberate.dbtypes import utcnow
from deliberate.extensions import db
from deliberate.sessions.models import Question


@pytest.fixture
def moderator(make_member):
    return make_member("moderator")


@pytest.fixture
def follower(connect, make_member, demo_session):
    def follow(role="attendee"):
        sock = connect(make_member(role))
        ack = sock.emit("follow", {"session": demo_session.code}, callback=True)
        assert ack["ok"], ack
        sock.get_received()
        return sock, ack["agenda"]

    return follow


def test_a_moderator_makes_question_3_live_and_every_follower_is_told(
    login, moderator, follower, demo_session
):
    attendee, agenda = follower()
    assert agenda["live"] is None
    third = demo_session.questions[2]

    answer = login(moderator).put(
        f"/api/v1/sessions/{demo_session.code}/live", json={"question_id": third.id}
    )

    assert answer.status_code == 200, answer.get_json()
    [told] = events(attendee, "agenda")
    assert told["live"]["id"] == third.id and told["live"]["position"] == 3


def test_following_a_session_tells_the_live_question(login, moderator, follower, demo_session):
    third = demo_session.questions[2]
    login(moderator).put(f"/api/v1/sessions/{demo_session.code}/live", json={"question_id": third.id})

    _sock, agenda = follower()

    assert agenda["live"]["position"] == 3


def test_an_attendee_may_not_make_a_question_live(login, make_member, demo_session):
    answer = login(make_member("attendee")).put(
        f"/api/v1/sessions/{demo_session.code}/live", json={"question_id": demo_session.questions[0].id}
    )

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"


def test_a_question_of_another_session_cannot_be_made_live(login, moderator, demo_session):
    answer = login(moderator).put(f"/api/v1/sessions/{demo_session.code}/live", json={"question_id": 999})

    assert answer.status_code == 400


def test_following_needs_a_registration(connect, make_user, demo_session):
    sock = connect(make_user("Stranger"))

    ack = sock.emit("follow", {"session": demo_session.code}, callback=True)

    assert ack == {"ok": False, "error": {"code": "forbidden", "message": ack["error"]["message"]}}


def countdown(http, question, **body):
    answer = http.post(f"/api/v1/questions/{question.id}/countdown", json=body)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_started_countdown_reaches_followers_with_the_servers_deadline(
    login, moderator, follower, question
):
    attendee, _ = follower()

    view = countdown(login(moderator), question, action="start", seconds=120)

    [told] = events(attendee, "countdown")
    assert told["state"] == "running" and told["deadline"] == view["deadline"]
    assert 119 <= told["remaining"] <= 120


def test_pause_keeps_the_time_left_and_resume_sets_a_new_deadline(login, moderator, question):
    http = login(moderator)
    countdown(http, question, action="start", seconds=120)

    paused = countdown(http, question, action="pause")
    resumed = countdown(http, question, action="resume")

    assert paused["state"] == "paused" and paused["deadline"] is None
    assert 119 <= paused["remaining"] <= 120
    assert resumed["state"] == "running" and 118 <= resumed["remaining"] <= 120


def test_extend_adds_time_and_stop_removes_the_countdown(login, moderator, question):
    http = login(moderator)
    countdown(http, question, action="start", seconds=60)

    extended = countdown(http, question, action="extend", seconds=60)
    stopped = countdown(http, question, action="stop")

    assert 119 <= extended["remaining"] <= 120
    assert stopped["state"] == "stopped" and stopped["remaining"] is None


def test_a_reconnecting_follower_gets_the_same_deadline(login, moderator, follower, question):
    started = countdown(login(moderator), question, action="start", seconds=120)

    _sock, agenda = follower()

    [again] = agenda["countdowns"]
    assert again["deadline"] == started["deadline"]


@pytest.mark.parametrize(
    "body",
    [
        {"action": "start"},
        {"action": "start", "seconds": 0},
        {"action": "start", "seconds": "60"},
        {"action": "start", "seconds": 60, "auto_close": "yes"},
        {"action": "explode"},
    ],
)
def test_bad_countdown_requests_are_refused(login, moderator, question, body):
    answer = login(moderator).post(f"/api/v1/questions/{question.id}/countdown", json=body)

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid"


def test_pausing_a_countdown_that_is_not_running_is_a_conflict(login, moderator, question):
    answer = login(moderator).post(f"/api/v1/questions/{question.id}/countdown", json={"action": "pause"})

    assert answer.status_code == 409


def test_an_attendee_may_not_start_a_countdown(login, make_member, question):
    answer = login(make_member("attendee")).post(
        f"/api/v1/questions/{question.id}/countdown", json={"action": "start", "seconds": 60}
    )

    assert answer.status_code == 403


def _expire(app, question_id):
    with app.app_context():
        db.session.get(Question, question_id).countdown_deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_automatic_closing_closes_the_question_at_zero_and_tells_the_room(
    app, login, moderator, follower, joined, question
):
    countdown(login(moderator), question, action="start", seconds=30, auto_close=True)
    attendee, _ = follower()
    room = joined(moderator)
    _expire(app, question.id)

    assert ticker.tick(app) == 1

    with app.app_context():
        assert db.session.get(Question, question.id).status == "closed"
    assert [q["status"] for q in events(room, "question")] == ["closed"]
    assert [c["state"] for c in events(attendee, "countdown")] == ["expired"]
    assert ticker.tick(app) == 0  # closed once


def test_without_automatic_closing_the_question_stays_open_at_zero(app, login, moderator, question):
    countdown(login(moderator), question, action="start", seconds=30)
    _expire(app, question.id)

    assert ticker.tick(app) == 0

    with app.app_context():
        question_row = db.session.get(Question, question.id)
        assert question_row.status == "open"
        assert services.remaining(question_row) == 0
