"""The projector link: works without a login, shows the question in every language and pseudonyms,
is refused once revoked, and is never counted in presence."""

import re

import pytest
from helpers import events, post
from reports.report_session import question_text

from deliberate.extensions import socketio


@pytest.fixture
def link(filled, login):
    answer = login(filled.people["mona"]).post(
        f"/api/v1/questions/{filled.question_id}/projector-link", json={}
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["url"].rsplit("/", 1)[1]


def test_the_projector_page_needs_no_login_and_shows_the_question_in_every_language(app, link):
    page = app.test_client().get(f"/p/{link}")

    assert page.status_code == 200
    html = page.data.decode()
    assert "Question 1" in html
    for lang in ("fr", "en", "es"):
        assert question_text(1, lang) in html
    assert "<svg" in html  # the join QR code


def test_the_projector_state_names_attendees_by_pseudonym(app, link):
    state = app.test_client().get(f"/api/v1/projector/{link}").get_json()

    authors = {c["text"]: c["author"] for c in state["contributions"]}
    assert re.fullmatch(
        r"Participant [A-Z2-7]{6}", authors["Il faut des fonds de garantie publics pour les coopératives."]
    )
    assert authors["Train young workers in digital skills first."] == "Pilar"
    assert state["themes"][0] == {
        "id": state["themes"][0]["id"],
        "label": "Financement solidaire",
        "supporters": 5,
        "agree": 6,
    }
    assert state["countdown"]["state"] == "stopped"


def test_the_projector_shows_names_when_the_organiser_publishes_them(app, link, publish_names):
    state = app.test_client().get(f"/api/v1/projector/{link}").get_json()

    assert "Amina" in [c["author"] for c in state["contributions"]]


def test_a_revoked_link_is_refused(app, filled, login, link):
    answer = login(filled.people["mona"]).delete(
        f"/api/v1/questions/{filled.question_id}/projector-link", json={}
    )

    assert answer.status_code == 204
    anonymous = app.test_client()
    assert anonymous.get(f"/p/{link}").status_code == 404
    assert anonymous.get(f"/api/v1/projector/{link}").status_code == 404
    sock = socketio.test_client(app, auth={"projector": link})
    assert not sock.is_connected()


def test_an_open_projector_is_told_when_its_link_is_revoked(app, filled, login, link):
    sock = socketio.test_client(app, auth={"projector": link})

    login(filled.people["mona"]).delete(f"/api/v1/questions/{filled.question_id}/projector-link", json={})

    assert events(sock, "projector_revoked") == [{"question_id": filled.question_id}]


def test_an_anonymous_socket_without_a_link_is_refused(app):
    assert not socketio.test_client(app).is_connected()


def test_the_projector_hears_the_room_but_is_not_counted_in_presence(app, filled, joined, link, question):
    projector = socketio.test_client(app, auth={"projector": link})
    assert projector.is_connected()

    attendee = joined(filled.people["amina"])
    state = attendee.emit("join", {"question_id": question.id}, callback=True)["state"]
    posted = post(attendee, question, "Seen in the hall")["contribution"]

    assert state["presence"] == 1
    assert app.test_client().get(f"/api/v1/projector/{link}").get_json()["presence"] == 1
    assert posted["id"] in [c["id"] for c in events(projector, "contribution")]


def test_attendees_may_not_make_projector_links(filled, login):
    answer = login(filled.people["amina"]).post(
        f"/api/v1/questions/{filled.question_id}/projector-link", json={}
    )

    assert answer.status_code == 403


def test_the_link_stays_the_same_until_revoked(filled, login, link):
    again = login(filled.people["mona"]).post(
        f"/api/v1/questions/{filled.question_id}/projector-link", json={}
    )

    assert again.get_json()["url"].endswith(link)
