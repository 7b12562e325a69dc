"""GET /api/v1/questions/ID/opinion-groups: the contract's answer, and who may read it."""

import pytest
from opinions.conftest import allow_attendees

URL = "/api/v1/questions/{}/opinion-groups"


@pytest.fixture
def computed(scheduler, camps):
    scheduler.flush()
    return camps


@pytest.mark.parametrize("role", ["panelist", "moderator", "rapporteur", "organiser"])
def test_staff_and_panelists_always_see_the_groups(computed, make_member, login, question, role):
    answer = login(make_member(role)).get(URL.format(question.id))

    assert answer.status_code == 200
    body = answer.get_json()
    assert list(body)[:5] == ["participants", "groups", "consensus", "divisive", "question_id"]
    # The two who "passed" in the hand-made matrix voted on 6 of 7 here: a live pass is no vote.
    assert body["participants"] == 14 and len(body["groups"]) == 2
    assert body["consensus"][0] == computed.contributions[1]
    assert body["you"] is None


def test_attendees_are_refused_unless_the_session_shows_groups(computed, login, question):
    answer = login(computed.users[101]).get(URL.format(question.id))

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"


def test_attendees_see_their_group_when_the_session_allows(app, computed, login, question, demo_session):
    allow_attendees(app, demo_session.id)
    mine = login(computed.users[101]).get(URL.format(question.id)).get_json()
    theirs = login(computed.users[201]).get(URL.format(question.id)).get_json()

    assert mine["you"]["group_id"] != theirs["you"]["group_id"]
    sizes = {g["id"]: g["size"] for g in mine["groups"]}
    assert sizes[mine["you"]["group_id"]] == 7


def test_the_answer_names_nobody(app, computed, login, question, demo_session):
    allow_attendees(app, demo_session.id)
    text = login(computed.users[101]).get(URL.format(question.id)).get_data(as_text=True)

    for user in computed.users.values():
        assert user.name not in text and user.email not in text
    assert "members" not in text


def test_people_not_registered_are_refused(computed, make_user, login, question):
    assert login(make_user("Stranger")).get(URL.format(question.id)).status_code == 403


def test_logged_out_is_unauthenticated(computed, client, question):
    assert client.get(URL.format(question.id)).get_json()["error"]["code"] == "unauthenticated"


def test_before_any_vote_the_answer_is_empty(make_member, login, question):
    body = login(make_member("moderator")).get(URL.format(question.id)).get_json()

    assert (body["participants"], body["groups"], body["consensus"], body["divisive"]) == (0, [], [], [])


def test_an_unknown_question_is_not_found(make_member, login):
    assert login(make_member("moderator")).get(URL.format(999999)).status_code == 404
