"""Opinion groups live in the browser: votes of several people make groups appear on the moderator's
map, and an attendee of a session that shows groups sees "your group" and the common ground."""

import re
import uuid

import pytest
import requests
import socketio
from browser.conftest import PASSWORD, SESSION
from playwright.sync_api import expect

# ms: the first recomputation runs in a freshly started worker process (numpy, scikit-learn to load).
WORKER = 30_000

POSITION = 5  # a question no other browser test writes to
TEXTS = ["Everyone agrees here", "Camp A says yes", "Camp B says yes", "Nobody wants this", "A2", "A3", "A4"]


def vote_values(camp: str) -> list[int]:
    a = camp == "a"
    return [1, 1 if a else -1, -1 if a else 1, -1, 1 if a else -1, 1 if a else -1, 1 if a else -1]


@pytest.fixture
def voters(server):
    """Eight people (two camps of four), signed up through the API, each with a live socket."""
    suffix = uuid.uuid4().hex[:6]
    people = []
    for n in range(8):
        email = f"voter{n}-{suffix}@example.org"
        http = requests.Session()
        answer = http.post(
            f"{server.url}/api/v1/auth/signup",
            json={"email": email, "name": f"Voter {n}", "password": PASSWORD, "language": "en"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        assert http.post(f"{server.url}/api/v1/sessions/{SESSION}/register", json={}, timeout=10).ok
        sock = socketio.Client(reconnection=False)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        sock.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
        people.append({"email": email, "sock": sock, "camp": "a" if n < 4 else "b"})
    yield people
    for person in people:
        person["sock"].disconnect()


def test_votes_make_groups_appear_live_and_attendees_see_their_group(
    server, voters, room, log_in, question_ids, people
):
    question = question_ids[POSITION]
    moderator = room("mona", position=POSITION)
    expect(moderator.locator("#opinions-status")).to_be_visible(timeout=WORKER)

    author = voters[0]["sock"]
    ids = []
    for n, text in enumerate(TEXTS):
        ack = author.call("post", {"question_id": question, "text": text, "client_id": f"og-{n}"}, timeout=10)
        assert ack["ok"], ack
        ids.append(ack["contribution"]["id"])
    for person in voters:
        for cid, value in zip(ids, vote_values(person["camp"]), strict=True):
            ack = person["sock"].call("vote", {"contribution_id": cid, "value": value}, timeout=10)
            assert ack["ok"], ack

    # Pushed to the room by the recomputation job; the page draws it without a reload.
    expect(moderator.locator("#opinion-map circle.opinion-point")).to_have_count(8, timeout=WORKER)
    expect(moderator.locator("#opinion-table tbody tr")).to_have_count(2, timeout=WORKER)
    expect(moderator.locator("#opinion-consensus li").first).to_have_text(
        re.compile("Everyone agrees here"), timeout=WORKER
    )

    # An organiser lets attendees see the groups, on the organiser page.
    organiser_email = f"org-{uuid.uuid4().hex[:6]}@example.org"
    server.cli("user", "add", organiser_email, "--name", "Olga", "--password", PASSWORD, "--organiser")
    organiser = log_in_as(log_in, people, organiser_email)
    organiser.goto(f"/organiser/sessions/{SESSION}/edit")
    organiser.check("input[name=attendees_see_opinion_groups]")
    with organiser.expect_navigation():
        organiser.click("button[value=save]")

    attendee = log_in_as(log_in, people, voters[1]["email"])
    attendee.goto(f"/s/{SESSION}/q/{POSITION}")
    expect(attendee.locator("#opinions-you")).to_have_text(re.compile("Your group: [AB]"), timeout=WORKER)
    expect(attendee.locator("#opinion-map .opinion-you")).to_have_count(1, timeout=WORKER)
    expect(attendee.locator("#opinion-consensus li").first).to_have_text(
        re.compile("Everyone agrees here"), timeout=WORKER
    )
    # Points carry no identity: no voter's name or address reaches the attendee's map.
    assert "Voter 0" not in attendee.locator("#opinion-map").inner_html()


def log_in_as(log_in, people, email):
    """log_in works by short name; register this address under a throwaway one."""
    from browser.conftest import Person

    key = f"tmp-{uuid.uuid4().hex[:6]}"
    people[key] = Person(key, email, "attendee")
    return log_in(key)
