"""The whole loop with the keyboard alone, as someone who uses no pointer: sign up, register, post,
vote, cluster, synthesise, export, submit, approve. Each control is reached with Tab from where the
page puts the focus (the test fails if a step cannot be reached in a bounded number of presses, or
lands on a control that is not visible), and what each step says to a screen reader is checked: the
room's live announcer, the job's status, the flash a reloaded page reads out.

The session is this test's own (made by an organiser beforehand, not part of the walk), so the pages
hold only what the walk puts there.
"""

import re
import uuid

import pytest
from browser.conftest import PASSWORD, Person
from playwright.sync_api import expect

LIVE = 30_000  # ms: a shared, busy machine
JOB = 120_000  # ms: an export on a shared, busy machine
MOST_TABS = 120


def tab_to(page, selector: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has the focus; the focused control must be visible."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        if page.evaluate(
            "(s) => Boolean(document.activeElement && document.activeElement.matches(s))", selector
        ):
            expect(page.locator(":focus")).to_be_visible(timeout=LIVE)
            return
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(
        f"{selector} not reached in {MOST_TABS} presses of {key} on {page.url} (at {focused})"
    )


def follow(page, selector: str | None = None, backwards: bool = False) -> None:
    """Enter on ``selector`` (reached with Tab), or on what has the focus; a page loads."""
    if selector is not None:
        tab_to(page, selector, backwards)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def enter(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def announcer(page):
    return page.locator("#announcer")


def flash(page):
    return page.locator(".flashes[role=status]")


def log_in_by_keyboard(page, person: Person) -> None:
    page.goto("/login")
    enter(page, "#email", person.email)
    enter(page, "#password", PASSWORD)
    follow(page)
    assert "/login" not in page.url


@pytest.fixture
def walk_session(server, browser, people):
    """A session of its own with one question in English, an organiser who made it, and a rapporteur."""
    suffix = uuid.uuid4().hex[:6]
    organiser = Person("Olga", f"olga-{suffix}@example.org", "organiser")
    server.cli("user", "add", organiser.email, "--name", "Olga", "--password", PASSWORD, "--organiser")
    rapporteur = Person("Rita", f"rita-{suffix}@example.org", "rapporteur")
    server.cli("user", "add", rapporteur.email, "--name", "Rita", "--password", PASSWORD)
    code = f"kb-{suffix}"
    page = browser.new_page(base_url=server.url)
    page.goto("/login")
    page.fill("#email", organiser.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto("/organiser/sessions/new")
    page.fill("#code", code)
    for other in ("fr", "es"):
        page.uncheck(f"input[name=languages][value={other}]")
    page.fill("#title_en", "Keyboard walk")
    page.fill("#question1_en", "How should the city spend its transport budget?")
    for position in range(2, 6):  # a new session's form holds five questions
        page.fill(f"#question{position}_en", f"Question {position} of the walk")
    with page.expect_navigation():
        page.click("button[value=save]")
    expect(flash(page)).to_contain_text("saved", timeout=LIVE)
    page.close()
    server.cli("grant", code, people["mona"].email, "moderator")
    server.cli("grant", code, rapporteur.email, "rapporteur")
    return code, rapporteur


@pytest.fixture
def new_page(browser, server):
    """``new_page()`` → a page of a browser context of its own (one person), closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(LIVE)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_the_whole_loop_by_keyboard_with_its_announcements(new_page, people, walk_session):
    code, rapporteur = walk_session
    kira = new_page()
    email = f"kira-{uuid.uuid4().hex[:6]}@example.org"
    text = "Run night buses every half hour on the main lines."

    # Sign up: the form is filled and sent from the keyboard; the home page then greets the account.
    kira.goto("/signup")
    enter(kira, "#email", email)
    enter(kira, "#name", "Kira")
    enter(kira, "#password", PASSWORD)
    follow(kira)
    expect(kira.locator("header")).to_contain_text("Kira", timeout=LIVE)

    # Register: the code typed into the join form, then the register button; the flash says it.
    enter(kira, "#code", code)
    follow(kira)
    follow(kira, "main form button[type=submit]")
    expect(flash(kira)).to_have_text("You are registered for this session.", timeout=LIVE)

    # Post: from the session page's question link to the room, then the form.
    follow(kira, "ol.questions a")
    expect(kira.locator("#connection")).to_have_attribute("data-state", "connected", timeout=LIVE)
    enter(kira, "#post-text", text)
    tab_to(kira, "#post-submit")
    kira.keyboard.press("Enter")
    row = kira.locator("#contributions li[data-id]", has_text=text)
    expect(row).to_have_count(1, timeout=LIVE)
    expect(announcer(kira)).to_have_text("Your contribution is posted.", timeout=LIVE)
    contribution_id = int(row.get_attribute("data-id"))

    # Vote: Tab reaches the row's Agree button, Space presses it; the new counts are said.
    tab_to(kira, f"#contributions li[data-id='{contribution_id}'] button[data-vote='1']")
    kira.keyboard.press("Space")
    expect(kira.locator(":focus")).to_have_attribute("aria-pressed", "true", timeout=LIVE)
    expect(announcer(kira)).to_have_text(f"#{contribution_id}: 1 agree, 0 disagree", timeout=LIVE)

    # Cluster (the moderator): the row's checkbox picks it, Enter goes to the move, Enter to the new
    # cluster's name, Enter moves it; the announcer says where it went.
    moderator = new_page()
    log_in_by_keyboard(moderator, people["mona"])
    moderator.goto(f"/s/{code}/q/1")
    expect(moderator.locator("#connection")).to_have_attribute("data-state", "connected", timeout=LIVE)
    tab_to(moderator, f"#contributions li[data-id='{contribution_id}'] input.pick")
    moderator.keyboard.press("Space")
    expect(moderator.locator("#bulk-count")).to_have_text("1 selected", timeout=LIVE)
    moderator.keyboard.press("Enter")
    expect(moderator.locator(":focus")).to_have_id("bulk-target", timeout=LIVE)
    moderator.keyboard.press("Enter")
    expect(moderator.locator(":focus")).to_have_id("bulk-label", timeout=LIVE)
    moderator.keyboard.type("Night buses")
    moderator.keyboard.press("Enter")
    expect(moderator.locator("#clusters li.cluster")).to_have_count(1, timeout=LIVE)
    expect(announcer(moderator)).to_have_text("1 moved to Night buses", timeout=LIVE)
    expect(kira.locator(f"#contributions li[data-id='{contribution_id}']")).to_contain_text(
        "Night buses", timeout=LIVE
    )

    # Synthesise: the cluster's synthesis, written and saved from the keyboard; "Saved." is said.
    cluster = moderator.locator("#clusters li.cluster")
    enter(moderator, "#clusters li.cluster textarea", f"Night buses every half hour (#{contribution_id}).")
    tab_to(moderator, "#clusters li.cluster [data-cluster-action=synthesis]")
    moderator.keyboard.press("Enter")
    expect(announcer(moderator)).to_have_text("Saved.", timeout=LIVE)
    expect(cluster.locator("textarea")).to_have_value(re.compile("half hour"), timeout=LIVE)

    # Export: the review page's Markdown link, followed with Enter; the job's status says it is done.
    moderator.goto(f"/s/{code}")
    follow(moderator, "#review-link")
    tab_to(moderator, "a[data-export-format=md]")
    with moderator.expect_download(timeout=JOB) as download:
        moderator.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".md")
    expect(moderator.locator("[data-job-progress]")).to_contain_text("The report is ready", timeout=LIVE)

    # Submit: the submit button of the review page; the reloaded page says which version it made.
    follow(moderator, "main form button[type=submit]", backwards=True)
    expect(flash(moderator)).to_have_text("Version 1 submitted for review.", timeout=LIVE)

    # Approve (the rapporteur): the version's link, then its approve button; the flash says it.
    rita = new_page()
    log_in_by_keyboard(rita, rapporteur)
    rita.goto(f"/s/{code}/review")
    follow(rita, "ol.versions a")
    # The version page previews the report in a frame of this site (refused once by frame-ancestors).
    expect(rita.frame_locator("iframe.report-frame").locator("h1")).to_be_visible(timeout=LIVE)
    follow(rita, "button[value=approve]")
    expect(flash(rita)).to_have_text("Version 1 is approved and published.", timeout=LIVE)

    # The attendee finds the published report from the session page.
    kira.goto(f"/s/{code}")
    follow(kira, "#report-link")
    expect(kira.locator("main")).to_contain_text("Version 1, approved on", timeout=LIVE)
