import pytest
from helpers import events, post


@pytest.fixture
def room(joined, make_member, question):
    attendee = joined(make_member("attendee", "Att"))
    moderator = joined(make_member("moderator", "Mod"))
    rapporteur = joined(make_member("rapporteur", "Rap"))
    cid = post(attendee, question, "Un texte à modérer", "c")["contribution"]["id"]
    for sock in (attendee, moderator, rapporteur):
        sock.get_received()
    return attendee, moderator, rapporteur, cid


def moderate(sock, cid, action):
    return sock.emit("moderate", {"contribution_id": cid, "action": action}, callback=True)


def test_hiding_tells_attendees_only_that_it_is_hidden(room):
    attendee, moderator, _, cid = room
    assert moderate(moderator, cid, "hide") == {"ok": True}
    # and which change of the room it was (its seq, so that a page can tell it missed none)
    assert events(attendee, "contribution", seq=True) == [
        {"id": cid, "question_id": 1, "hidden": True, "seq": 2}
    ]


def test_hiding_sends_the_full_contribution_to_staff(room):
    _, moderator, rapporteur, cid = room
    moderate(moderator, cid, "hide")
    (seen,) = events(rapporteur, "contribution")
    assert (seen["hidden"], seen["text"]) == (True, "Un texte à modérer")


def test_a_hidden_contribution_is_left_out_of_an_attendees_state_but_not_a_rapporteurs(room, question):
    attendee, moderator, rapporteur, cid = room
    moderate(moderator, cid, "hide")
    attendee_state = attendee.emit("join", {"question_id": question.id}, callback=True)["state"]
    rapporteur_state = rapporteur.emit("join", {"question_id": question.id}, callback=True)["state"]
    assert attendee_state["contributions"] == []
    assert [c["hidden"] for c in rapporteur_state["contributions"]] == [True]


def test_restoring_brings_it_back_for_everyone(room):
    attendee, moderator, _, cid = room
    moderate(moderator, cid, "hide")
    attendee.get_received()
    moderate(moderator, cid, "restore")
    (back,) = events(attendee, "contribution")
    assert (back["id"], back["hidden"], back["text"]) == (cid, False, "Un texte à modérer")


def test_attendees_may_not_moderate(room):
    attendee, _, _, cid = room
    assert moderate(attendee, cid, "hide")["error"]["code"] == "forbidden"


def test_an_unknown_action_is_invalid(room):
    _, moderator, _, cid = room
    assert moderate(moderator, cid, "delete")["error"]["code"] == "invalid"


def test_attendees_cannot_vote_on_a_hidden_contribution(room):
    attendee, moderator, _, cid = room
    moderate(moderator, cid, "hide")
    ack = attendee.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)
    assert ack["error"]["code"] == "not_found"


def close(client, question, status="closed"):
    return client.patch(f"/api/v1/questions/{question.id}", json={"status": status})


def test_closing_a_question_refuses_posts_and_votes_with_closed(room, login, make_member, question):
    attendee, _, _, cid = room
    assert close(login(make_member("moderator", "Mod2")), question).status_code == 200
    assert post(attendee, question, "trop tard", "late")["error"]["code"] == "closed"
    ack = attendee.emit("vote", {"contribution_id": cid, "value": 1}, callback=True)
    assert ack["error"]["code"] == "closed"


def test_a_post_sent_again_after_the_question_closed_is_answered_with_the_stored_one(
    room, login, make_member, question
):
    attendee, *_ = room
    first = post(attendee, question, "juste avant", "just-in-time")["contribution"]
    close(login(make_member("moderator", "Mod2")), question)

    again = post(attendee, question, "juste avant", "just-in-time")  # its answer was lost, say

    assert again["ok"] and again["contribution"]["id"] == first["id"]


def test_closing_a_question_tells_the_room(room, login, make_member, question):
    attendee, *_ = room
    close(login(make_member("moderator", "Mod2")), question)
    assert [q["status"] for q in events(attendee, "question")] == ["closed"]


def test_reopening_a_question_allows_posts_again(room, login, make_member, question):
    attendee, *_ = room
    http = login(make_member("moderator", "Mod2"))
    close(http, question)
    close(http, question, "open")
    assert post(attendee, question, "de nouveau", "again")["ok"]


def test_an_attendee_may_not_close_a_question(login, make_member, question):
    response = close(login(make_member()), question)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden")


@pytest.mark.parametrize("body", [{"status": "paused"}, {"colour": "red"}, {}, {"synthesis": 3}])
def test_a_bad_question_change_is_invalid(login, make_member, question, body):
    response = login(make_member("moderator")).patch(f"/api/v1/questions/{question.id}", json=body)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid")


def test_a_moderator_sets_the_question_synthesis(login, make_member, question):
    http = login(make_member("moderator"))
    response = http.patch(f"/api/v1/questions/{question.id}", json={"synthesis": "**Accord** sur #1"})
    assert response.get_json()["synthesis"] == "**Accord** sur #1"
    assert (
        http.get(f"/api/v1/questions/{question.id}/state").get_json()["question"]["synthesis"]
        == "**Accord** sur #1"
    )


def test_a_role_change_ends_the_persons_live_connections(app, joined, make_member, demo_session):
    from deliberate.accounts.models import User
    from deliberate.extensions import db
    from deliberate.sessions.models import PanelSession
    from deliberate.sessions.services import revoke

    member = make_member("moderator", "Demoted")
    sock = joined(member)
    with app.app_context():
        revoke(db.session.get(PanelSession, demo_session.id), db.session.get(User, member.id), actor=None)
        db.session.commit()
    assert not sock.is_connected()
