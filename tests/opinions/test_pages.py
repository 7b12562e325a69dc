"""The room and the projector carry the opinion groups only for those who may see them."""

import pytest
from opinions.conftest import allow_attendees


def room_page(login, person):
    return login(person).get("/s/uclg-1-3-2/q/1").get_data(as_text=True)


@pytest.mark.parametrize("role", ["panelist", "moderator", "rapporteur", "organiser"])
def test_the_room_shows_opinion_groups_to_staff_and_panelists(make_member, login, role):
    assert 'id="opinion-map"' in room_page(login, make_member(role))


def test_attendees_see_the_opinion_groups_only_when_the_session_allows(app, make_member, login, demo_session):
    attendee = make_member("attendee")
    assert 'id="opinions"' not in room_page(login, attendee)

    allow_attendees(app, demo_session.id)
    assert 'id="opinion-map"' in room_page(login, attendee)


def test_the_projector_can_show_the_common_ground(make_member, login):
    page = login(make_member("moderator")).get("/s/uclg-1-3-2/q/1/projector").get_data(as_text=True)
    assert 'id="opinion-consensus"' in page
