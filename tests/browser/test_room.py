"""The room in real browsers against a live server: what one person does, the others see at once.

Every wait is one of Playwright's auto-waiting expectations, bounded by a timeout of a few seconds;
no test sleeps for a fixed time.
"""

import re
import uuid

from playwright.sync_api import Page, expect

LIVE = 5_000  # ms: a post, a hide or a (coalesced, ≤ 4/s) tally reaches the other pages well within this
RECONNECT = 20_000  # ms: Socket.IO's back-off is capped at 5 s, a restarted server needs a few seconds
PROJECTOR = "/s/uclg-1-3-2/q/1/projector"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>'


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def post(page: Page, text: str) -> None:
    page.fill("#post-text", text)
    page.click("#post-submit")


def item(page: Page, text: str):
    """The contribution(s) of the page's list whose text contains ``text``."""
    return page.locator("#contributions li[data-id]", has_text=text)


def connection(page: Page):
    return page.locator("#connection")


def stored(page: Page, question_id: int, text: str) -> list[dict]:
    """The contributions the server holds with exactly ``text`` (through the room state API)."""
    answer = page.request.get(f"/api/v1/questions/{question_id}/state")
    assert answer.ok, answer.text()
    return [c for c in answer.json()["contributions"] if c["text"] == text]


def test_two_people_see_each_others_posts_and_votes_without_reloading(room):
    alice, bruno = room("alice"), room("bruno")
    from_alice, from_bruno = unique("Des coopératives locales"), unique("Local procurement first")

    post(alice, from_alice)
    expect(item(bruno, from_alice)).to_have_count(1, timeout=LIVE)
    expect(item(alice, from_alice)).to_have_count(1)
    expect(alice.locator("#post-text")).to_have_value("")

    post(bruno, from_bruno)
    expect(item(alice, from_bruno)).to_have_count(1, timeout=LIVE)
    expect(item(bruno, from_bruno)).to_have_count(1)

    item(alice, from_bruno).locator(".vote-agree").click()
    expect(item(alice, from_bruno).locator(".vote-agree")).to_have_attribute("aria-pressed", "true")
    expect(item(alice, from_bruno).locator(".vote-agree .count")).to_have_text("1")
    expect(item(bruno, from_bruno).locator(".vote-agree .count")).to_have_text("1", timeout=LIVE)
    expect(item(bruno, from_bruno).locator(".vote-disagree .count")).to_have_text("0")

    item(bruno, from_alice).locator(".vote-disagree").click()
    expect(item(alice, from_alice).locator(".vote-disagree .count")).to_have_text("1", timeout=LIVE)
    expect(item(alice, from_alice).locator(".vote-agree .count")).to_have_text("0")


def test_a_moderators_hide_removes_the_post_from_both_attendees(room):
    alice, bruno, mona = room("alice"), room("bruno"), room("mona")
    text = unique("Un message à cacher")
    post(alice, text)
    for page in (alice, bruno, mona):
        expect(item(page, text)).to_have_count(1, timeout=LIVE)

    item(mona, text).locator("button.moderate").click()

    expect(item(alice, text)).to_have_count(0, timeout=LIVE)
    expect(item(bruno, text)).to_have_count(0, timeout=LIVE)
    # The moderator still sees it, marked hidden, and can restore it.
    expect(item(mona, text)).to_have_class(re.compile(r"\bis-hidden\b"), timeout=LIVE)
    expect(item(mona, text).locator("button.moderate")).to_have_attribute("data-action", "restore")
    # It stays hidden for a page loaded afterwards.
    bruno.reload()
    expect(connection(bruno)).to_have_attribute("data-state", "connected")
    expect(item(bruno, text)).to_have_count(0)


def test_closing_the_question_stops_posting_in_both_pages(room, log_in, question_id):
    alice, bruno, mona = room("alice"), room("bruno"), room("mona")
    projector = log_in("alice")
    projector.goto(PROJECTOR)
    for page in (alice, bruno):
        expect(page.locator("#post-text")).to_be_enabled()
        expect(page.locator("#question-status")).to_be_hidden()
    expect(projector.locator("#closed-banner")).to_be_hidden()

    mona.click("#toggle-status")

    for page in (alice, bruno, mona):
        expect(page.locator("#question-status")).to_be_visible(timeout=LIVE)
        expect(page.locator("#post-text")).to_be_disabled()
        expect(page.locator("#post-submit")).to_be_disabled()
    expect(mona.locator("#toggle-status")).to_have_text("Open the question")
    expect(projector.locator("#closed-banner")).to_be_visible(timeout=LIVE)
    # The server refuses too, whatever a page would try.
    ack = alice.evaluate(
        """([questionId]) => window.deliberateRoom.live.request(
               "post", {question_id: questionId, text: "too late", client_id: "closed-probe"})""",
        [question_id],
    )
    assert ack["ok"] is False and ack["error"]["code"] == "closed", ack

    mona.click("#toggle-status")
    for page in (alice, bruno):
        expect(page.locator("#post-text")).to_be_enabled(timeout=LIVE)
        expect(page.locator("#question-status")).to_be_hidden()
    expect(projector.locator("#closed-banner")).to_be_hidden(timeout=LIVE)


def test_html_and_script_in_a_contribution_are_shown_as_text_everywhere(room, log_in, question_id):
    alice, bruno = room("alice"), room("bruno")
    token = uuid.uuid4().hex[:8]
    text = f"{XSS} {token}"

    post(alice, text)
    for page in (alice, bruno):
        expect(item(page, token)).to_have_count(1, timeout=LIVE)
    # Two agree votes put it at the top of the projector, whatever the earlier tests posted.
    item(alice, token).locator(".vote-agree").click()
    item(bruno, token).locator(".vote-agree").click()
    expect(item(alice, token).locator(".vote-agree .count")).to_have_text("2", timeout=LIVE)

    projector = log_in("bruno")
    projector.goto(PROJECTOR)
    shown = projector.locator("#top li", has_text=token)
    expect(shown).to_have_count(1, timeout=LIVE)
    expect(shown.locator("span").first).to_have_text(text)
    expect(projector.locator("#top b, #top img, #top script")).to_have_count(0)

    for page in (alice, bruno):
        expect(item(page, token).locator(".contribution-text")).to_have_text(text)
        expect(page.locator("#contributions b, #contributions img, #contributions script")).to_have_count(0)
    for page in (alice, bruno, projector):
        assert page.evaluate("typeof window.__xss") == "undefined"
    assert [c["text"] for c in stored(alice, question_id, text)] == [text]


def test_keyboard_only_posting_and_voting(room):
    alice, bruno = room("alice"), room("bruno")
    text = unique("Typed with the keyboard only")
    theirs = unique("Something to agree with")
    post(bruno, theirs)
    expect(item(alice, theirs)).to_have_count(1, timeout=LIVE)

    # Tab from the top of the page to the text box.
    alice.locator("body").focus()
    for _ in range(40):
        alice.keyboard.press("Tab")
        if alice.evaluate("document.activeElement.id") == "post-text":
            break
    expect(alice.locator("#post-text")).to_be_focused()
    alice.keyboard.type(text)
    for _ in range(5):  # past the language menu to the button
        alice.keyboard.press("Tab")
        if alice.evaluate("document.activeElement.id") == "post-submit":
            break
    expect(alice.locator("#post-submit")).to_be_focused()
    alice.keyboard.press("Enter")
    expect(item(alice, text)).to_have_count(1, timeout=LIVE)
    expect(item(bruno, text)).to_have_count(1, timeout=LIVE)

    agree = item(alice, theirs).locator(".vote-agree")
    agree.focus()
    expect(agree).to_be_focused()
    alice.keyboard.press("Space")
    expect(agree).to_have_attribute("aria-pressed", "true")
    expect(item(bruno, theirs).locator(".vote-agree .count")).to_have_text("1", timeout=LIVE)


def test_a_dropped_connection_reconnects_rejoins_replaces_state_and_sends_what_was_typed(room, question_id):
    alice, bruno, mona = room("alice"), room("bruno"), room("mona")
    to_hide, hers = unique("Bientôt caché"), unique("Alice avant la coupure")
    post(bruno, to_hide)
    post(alice, hers)
    for text in (to_hide, hers):
        expect(item(alice, text)).to_have_count(1, timeout=LIVE)
        expect(item(mona, text)).to_have_count(1, timeout=LIVE)
    # The room's broadcast can arrive before the post's own ack: wait until Alice's page has the ack
    # (nothing pending), so that only what she types offline is pending below.
    expect(alice.locator("#contributions li.is-pending")).to_have_count(0, timeout=LIVE)

    alice.context.set_offline(True)  # Chromium closes the page's WebSocket too
    expect(connection(alice)).to_have_attribute("data-state", "offline", timeout=LIVE)

    typed = unique("Écrit hors ligne")
    post(alice, typed)
    expect(alice.locator("#contributions li.is-pending", has_text=typed)).to_have_count(1)
    # Kept under the person's own key (deliberate:pending:PERSON:QUESTION), never a shared one.
    key = alice.evaluate(f"`deliberate:pending:${{document.body.dataset.person}}:{question_id}`")
    assert alice.evaluate("document.body.dataset.person") not in ("", None)
    pending = alice.evaluate(f"JSON.parse(localStorage.getItem('{key}'))")
    assert [p["text"] for p in pending] == [typed]

    # Meanwhile the room moves on without her.
    missed = unique("Posté pendant son absence")
    post(bruno, missed)
    item(bruno, hers).locator(".vote-agree").click()
    expect(item(bruno, hers).locator(".vote-agree .count")).to_have_text("1")
    item(mona, to_hide).locator("button.moderate").click()
    expect(item(bruno, to_hide)).to_have_count(0, timeout=LIVE)
    expect(item(alice, missed)).to_have_count(0)  # she heard nothing of it

    alice.context.set_offline(False)
    expect(connection(alice)).to_have_attribute("data-state", "connected", timeout=RECONNECT)
    # Re-joined with a fresh state: what was missed is there, what was hidden is gone.
    expect(item(alice, missed)).to_have_count(1, timeout=LIVE)
    expect(item(alice, to_hide)).to_have_count(0)
    expect(item(alice, hers).locator(".vote-agree .count")).to_have_text("1")
    # What she typed offline was sent, once.
    for page in (alice, bruno, mona):
        expect(item(page, typed)).to_have_count(1, timeout=LIVE)
    expect(alice.locator("#contributions li.is-pending")).to_have_count(0)
    assert alice.evaluate(f"localStorage.getItem('{key}')") == "[]"

    # It was sent with its original client_id: sending that again gives back the same contribution.
    shown_id = int(item(alice, typed).get_attribute("data-id"))
    ack = alice.evaluate("post => window.deliberateRoom.live.request('post', post)", pending[0])
    assert ack["ok"] and ack["contribution"]["id"] == shown_id, ack
    assert len(stored(bruno, question_id, typed)) == 1
    for page in (alice, bruno):
        expect(item(page, typed)).to_have_count(1)


# Every text the page's live announcer says from now on, in window.__said.
RECORD_ANNOUNCEMENTS = """() => { window.__said = [];
    new MutationObserver(() => { const t = document.getElementById("announcer").textContent;
      if (t) window.__said.push(t); })
    .observe(document.getElementById("announcer"),
             { childList: true, characterData: true, subtree: true }); }"""


def test_posts_typed_while_the_server_is_down_arrive_once_it_is_back(room, server, question_id):
    """The server process itself stops and starts again (same port, same database)."""
    alice, bruno = room("alice"), room("bruno")
    server.stop()
    for page in (alice, bruno):
        expect(connection(page)).to_have_attribute("data-state", "offline", timeout=LIVE)

    from_alice, from_bruno = unique("Pendant la panne, Alice"), unique("During the outage, Bruno")
    post(alice, from_alice)
    post(bruno, from_bruno)
    expect(alice.locator("#contributions li.is-pending", has_text=from_alice)).to_have_count(1)
    expect(bruno.locator("#contributions li.is-pending", has_text=from_bruno)).to_have_count(1)

    for page in (alice, bruno):  # what each page's live announcer says from now on
        page.evaluate(RECORD_ANNOUNCEMENTS)
    server.start()
    for page in (alice, bruno):
        expect(connection(page)).to_have_attribute("data-state", "connected", timeout=RECONNECT)
    for page in (alice, bruno):
        for text in (from_alice, from_bruno):
            expect(item(page, text)).to_have_count(1, timeout=LIVE)
        expect(page.locator("#contributions li.is-pending")).to_have_count(0)
    for text in (from_alice, from_bruno):
        assert len(stored(alice, question_id, text)) == 1
    # Each author hears once that their post is in, never of it as "new contribution from" themselves.
    for page, me in ((alice, "Alice"), (bruno, "Bruno")):
        said = page.evaluate("window.__said")
        assert said.count("Your contribution is posted.") == 1, said
        assert f"New contribution from {me}" not in said, said


def test_a_post_is_not_news_to_its_author_s_other_page(room):
    laptop, phone, bruno = room("alice"), room("alice"), room("bruno")
    for page in (laptop, phone, bruno):
        page.evaluate(RECORD_ANNOUNCEMENTS)
    text = unique("Deux appareils, une personne")

    post(laptop, text)

    for page in (laptop, phone, bruno):
        expect(item(page, text)).to_have_count(1, timeout=LIVE)
    expect(laptop.locator("#announcer")).to_have_text("Your contribution is posted.", timeout=LIVE)
    expect(bruno.locator("#announcer")).to_have_text("New contribution from Alice", timeout=LIVE)
    assert "New contribution from Alice" not in phone.evaluate("window.__said")
    assert "New contribution from Alice" not in laptop.evaluate("window.__said")


def test_a_burst_of_posts_arrives_in_batches_each_shown_once_and_the_authors_pending_posts_matched_once(room):
    alice, bruno = room("alice"), room("bruno")
    # Count the batch frames Bruno's page receives (a busy room: more than 5 posts a second).
    bruno.evaluate(
        """() => { window.__batches = 0;
                   window.deliberateRoom.live.socket.onAny((name) => {
                     if (name === "contributions") window.__batches += 1; }); }"""
    )
    texts = [unique(f"Rafale {n}") for n in range(12)]
    # Alice's page posts them as the form does (each kept pending until its ack), all at once.
    alice.evaluate("(texts) => { for (const t of texts) window.deliberateRoom.live.post(t); }", texts)
    for text in texts:
        expect(item(bruno, text)).to_have_count(1, timeout=LIVE)
        expect(item(alice, text)).to_have_count(1, timeout=LIVE)
    expect(alice.locator("#contributions li.is-pending")).to_have_count(0)
    assert bruno.evaluate("window.__batches") >= 1
