"""The hall in real browsers: from the QR code to a post on a phone in two screens; the moderator
makes question 3 live and starts a countdown, which an attendee's page follows and keeps (±1 s)
across a reconnection; the projector fits the hall's screens without scrolling."""

import math
import re
import uuid

import pytest
from browser.conftest import SESSION
from playwright.sync_api import expect

LIVE = 5_000
RECONNECT = 20_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live(server, moderator_api, question_ids):
    """``live(position)`` makes that question live (and open); no question is live after the test,
    so the other browser tests' pages are never moved away."""

    def make_live(position: int) -> int:
        question_id = question_ids[position]
        answer = moderator_api.patch(f"{server.url}/api/v1/questions/{question_id}", json={"status": "open"})
        assert answer.status_code == 200, answer.text
        answer = moderator_api.put(
            f"{server.url}/api/v1/sessions/{SESSION}/live", json={"question_id": question_id}
        )
        assert answer.status_code == 200, answer.text
        return question_id

    yield make_live
    moderator_api.put(f"{server.url}/api/v1/sessions/{SESSION}/live", json={"question_id": None})
    for question_id in question_ids.values():
        moderator_api.post(f"{server.url}/api/v1/questions/{question_id}/countdown", json={"action": "stop"})


def test_from_the_qr_code_to_a_post_on_a_phone_in_two_screens(browser, server, live):
    live(2)
    context = browser.new_context(base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        screens = []
        page.on("load", lambda: screens.append(page.url))

        page.goto(f"/j/{SESSION}")  # what the QR code holds
        expect(page.locator("#join-title")).to_be_visible()
        expect(page.locator("#names-notice")).to_be_visible()
        page.fill("#join-name", "Phone person")
        page.fill("#join-email", f"phone-{uuid.uuid4().hex[:8]}@example.org")
        page.fill("#join-password", "a phone password")
        with page.expect_navigation():
            page.click("#join-submit")

        assert re.search(rf"/s/{SESSION}/q/2$", page.url), page.url
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        text = f"Posted from a phone {uuid.uuid4().hex[:8]}"
        page.fill("#post-text", text)
        page.click("#post-submit")
        expect(page.locator("#contributions li[data-id]", has_text=text)).to_have_count(1, timeout=LIVE)
        assert len(screens) == 2, screens
    finally:
        context.close()


def remaining(page) -> int:
    return int(page.locator("#countdown").get_attribute("data-remaining"))


def server_remaining(server, moderator_api, question_id) -> float:
    agenda = moderator_api.get(f"{server.url}/api/v1/sessions/{SESSION}/agenda", timeout=10).json()
    return next(c["remaining"] for c in agenda["countdowns"] if c["question_id"] == question_id)


def test_an_attendee_follows_question_3_and_its_countdown_across_a_reconnection(
    room, server, moderator_api, question_ids, live
):
    live(1)
    attendee = room("alice")  # on question 1, not typing
    moderator = room("mona", position=3)

    moderator.click("#make-live")
    expect(attendee).to_have_url(re.compile(rf"/s/{SESSION}/q/3$"), timeout=LIVE)
    expect(attendee.locator("#connection")).to_have_attribute("data-state", "connected")
    moderator.fill("#countdown-minutes", "2")
    moderator.click("[data-countdown=start]")

    countdown = attendee.locator("#countdown")
    expect(countdown).to_be_visible(timeout=LIVE)
    expect(countdown).to_have_attribute("data-state", "running")
    assert 115 <= remaining(attendee) <= 120

    attendee.context.set_offline(True)
    expect(attendee.locator("#connection")).to_have_attribute("data-state", "offline", timeout=LIVE)
    attendee.context.set_offline(False)
    expect(attendee.locator("#connection")).to_have_attribute("data-state", "connected", timeout=RECONNECT)

    def shown_within_a_second_of_the_server() -> None:
        # The server's figure just before and just after the page's (on a busy machine a request takes
        # a while); the page shows whole seconds and ticks once a second, so it may be one tick behind.
        before = server_remaining(server, moderator_api, question_ids[3])
        shown = remaining(attendee)
        after = server_remaining(server, moderator_api, question_ids[3])
        assert math.floor(after) <= shown <= math.ceil(before) + 1, (before, shown, after)

    shown_within_a_second_of_the_server()
    attendee.reload()
    expect(countdown).to_have_attribute("data-state", "running", timeout=LIVE)
    shown_within_a_second_of_the_server()


def test_someone_typing_gets_a_banner_instead_of_being_moved(room, live):
    live(1)
    attendee = room("bruno")
    attendee.fill("#post-text", "Half a thought")

    live(4)

    banner = attendee.locator("#agenda-banner")
    expect(banner).to_be_visible(timeout=LIVE)
    expect(attendee.locator("#agenda-go")).to_have_attribute("href", f"/s/{SESSION}/q/4")
    assert attendee.url.endswith(f"/s/{SESSION}/q/1")


@pytest.mark.parametrize("size", [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}])
def test_the_projector_fits_the_hall_screen_without_scrolling(
    browser, server, room, moderator_api, question_ids, size
):
    author = room("alice")
    for _ in range(8):  # a full screen of long contributions
        token = uuid.uuid4().hex[:8]
        author.fill("#post-text", f"A long contribution for the hall {token}, " + "with many words " * 30)
        author.click("#post-submit")
        expect(author.locator("#contributions li[data-id]", has_text=token)).to_have_count(1, timeout=LIVE)
    answer = moderator_api.post(
        f"{server.url}/api/v1/questions/{question_ids[1]}/projector-link", json={}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    context = browser.new_context(viewport=size)  # no login on the projector computer
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(answer.json()["url"])
        expect(page.locator("#question-number")).to_have_text("Question 1")
        expect(page.locator("#question-texts p")).to_have_count(3)
        expect(page.locator("#top li").first).to_be_visible(timeout=LIVE)
        assert errors == []
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth - innerWidth,"
            " document.documentElement.scrollHeight - innerHeight]"
        )
        assert overflow == [0, 0], overflow
        for selector in ("#question-number", "#top li", ".hall-join .qr svg", "#themes-h"):
            box = page.locator(selector).first.bounding_box()
            assert (
                box
                and box["x"] + box["width"] <= size["width"]
                and box["y"] + box["height"] <= size["height"]
            ), selector
    finally:
        context.close()


def test_a_hidden_contributions_author_is_told_in_the_header_with_the_reason(room):
    alice, mona = room("alice"), room("mona")
    text, reason = f"To be hidden {uuid.uuid4().hex[:8]}", f"Off topic {uuid.uuid4().hex[:6]}"
    alice.fill("#post-text", text)
    alice.click("#post-submit")
    row = mona.locator("#contributions li[data-id]", has_text=text)
    expect(row).to_have_count(1, timeout=LIVE)

    mona.fill("#moderation-reason", reason)
    row.locator("button.moderate").click()

    told = alice.locator("#notifications-list li", has_text=reason)
    expect(told).to_have_count(1, timeout=LIVE)
    expect(alice.locator("#notifications-unread")).to_be_visible()
    assert "A moderator hid your contribution" in told.text_content()
