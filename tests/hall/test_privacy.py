"""A person downloads their data and deletes their account; organisers archive a session (read-only)
and download all of its data."""

import json

import pytest
from conftest import PASSWORD
from helpers import post

CODE = "uclg-1-3-2"


def test_a_person_downloads_what_they_wrote_and_voted_in_a_session(member, joined, login, question):
    ana, other = member("attendee"), member("attendee")
    mine = post(joined(ana), question, "Mine, all mine")["contribution"]
    theirs = post(joined(other), question, "Someone else's")["contribution"]
    joined(ana).emit("vote", {"contribution_id": theirs["id"], "value": -1}, callback=True)

    answer = login(ana).get(f"/api/v1/sessions/{CODE}/my-data")

    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.data)
    assert data["account"]["email"] == ana.email and data["registration"]["role"] == "attendee"
    assert [c["text"] for c in data["contributions"]] == ["Mine, all mine"]
    assert data["contributions"][0]["id"] == mine["id"]
    assert [(v["contribution_id"], v["value"]) for v in data["votes"]] == [(theirs["id"], -1)]


def test_the_data_download_needs_a_login(client):
    assert client.get(f"/api/v1/sessions/{CODE}/my-data").status_code == 401


def test_deleting_an_account_keeps_its_contributions_as_a_former_participant(
    app, member, joined, login, question
):
    ana, reader = member("attendee", name="Ana"), member("attendee")
    posted = post(joined(ana), question, "Words that stay")["contribution"]
    http = login(ana)

    answer = http.delete("/api/v1/account", json={"password": PASSWORD})

    assert answer.status_code == 204
    state = login(reader).get(f"/api/v1/questions/{question.id}/state?lang=en").get_json()
    kept = next(c for c in state["contributions"] if c["id"] == posted["id"])
    assert kept["text"] == "Words that stay" and kept["author"] == "a former participant"
    relogin = app.test_client().post("/api/v1/auth/login", json={"email": ana.email, "password": PASSWORD})
    assert relogin.status_code == 401
    with app.app_context():
        from deliberate.accounts.models import User
        from deliberate.extensions import db

        row = db.session.get(User, ana.id)
        assert row.email != ana.email and row.name == "" and row.password_hash is None


def test_deleting_an_account_needs_the_password(member, login):
    answer = login(member("attendee")).delete("/api/v1/account", json={"password": "wrong password"})

    assert answer.status_code == 403


def test_a_deleted_account_appears_as_a_former_participant_in_the_published_report(published, login, app):
    from conftest import PASSWORD as password

    login(published.people["amina"]).delete("/api/v1/account", json={"password": password})

    report = json.loads(login(published.people["bruno"]).get(f"/s/{CODE}/report?format=json&lang=fr").data)

    names = {c["text"]: c["author"] for c in report["questions"][0]["most_agreed"]}
    assert names["Il faut des fonds de garantie publics pour les coopératives."] == "un ancien participant"


@pytest.fixture
def organiser(make_user):
    return make_user("Olga", organiser=True)


def archive(login, organiser, archived=True):
    answer = login(organiser).post(f"/api/v1/sessions/{CODE}/archive", json={"archived": archived})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_an_archived_session_refuses_posts_and_votes_with_the_archived_code(
    member, joined, login, organiser, question
):
    author = member("attendee")
    sock = joined(author)
    posted = post(sock, question, "Before the archive")["contribution"]

    archive(login, organiser)

    refused_post = post(sock, question, "After the archive")
    refused_vote = sock.emit("vote", {"contribution_id": posted["id"], "value": 1}, callback=True)
    assert refused_post["ok"] is False and refused_post["error"]["code"] == "archived"
    assert refused_vote["error"]["code"] == "archived"


def test_an_archived_session_refuses_api_writes_but_serves_reads(member, login, organiser, question):
    moderator = login(member("moderator"))
    archive(login, organiser)

    closing = moderator.patch(f"/api/v1/questions/{question.id}", json={"status": "closed"})
    state = moderator.get(f"/api/v1/questions/{question.id}/state")

    assert closing.status_code == 409 and closing.get_json()["error"]["code"] == "archived"
    assert state.status_code == 200


def test_an_archived_session_can_be_opened_again(member, joined, login, organiser, question):
    sock = joined(member("attendee"))
    archive(login, organiser)

    archive(login, organiser, archived=False)

    assert post(sock, question, "Open again")["ok"]


def test_only_organisers_archive(member, login):
    answer = login(member("moderator")).post(f"/api/v1/sessions/{CODE}/archive", json={"archived": True})

    assert answer.status_code == 403


def test_the_organiser_downloads_all_the_data_of_a_session(member, joined, login, organiser, question):
    author = member("attendee")
    post(joined(author), question, "In the full download")

    answer = login(organiser).get(f"/api/v1/sessions/{CODE}/data")

    data = json.loads(answer.data)
    assert answer.status_code == 200
    assert {
        "session",
        "questions",
        "participants",
        "contributions",
        "votes",
        "clusters",
        "versions",
        "audit",
    } <= set(data)
    assert "In the full download" in [c["text"] for c in data["contributions"]]
    assert author.email in [p["email"] for p in data["participants"]]


def test_a_moderator_may_not_download_all_the_data(member, login):
    assert login(member("moderator")).get(f"/api/v1/sessions/{CODE}/data").status_code == 403
