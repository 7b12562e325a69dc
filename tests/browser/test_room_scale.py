"""The moderator's room with 2,000 contributions in one question, in a real browser: one page of rows,
a search that narrows it (accents ignored), fifty contributions picked with the keyboard going into a
new cluster in one action, and a drag from the very bottom of the list onto a cluster.

How fast the page becomes interactive is measured in bench/room_page.py, not asserted here.
"""

import re
import unicodedata
import uuid

import pytest
from crowd import seed, text_of
from playwright.sync_api import Page, expect

SIZE = 2000
LOAD = 30_000  # ms: generous bound for loading 2,000 contributions on a busy machine
LIVE = 5_000


def fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).lower()


@pytest.fixture(scope="module")
def crowd(server, people):
    members = {people["mona"].email: "moderator", people["alice"].email: "attendee"}
    folder = server.folder
    return seed(f"sqlite:///{folder / 'db.sqlite3'}", str(folder), "test", members, SIZE)


@pytest.fixture
def moderator_page(log_in, crowd):
    page = log_in("mona")
    page.goto(f"/s/{crowd['code']}/q/1")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected", timeout=LOAD)
    return page


def state(page: Page, question_id: int) -> dict:
    answer = page.request.get(f"/api/v1/questions/{question_id}/state")
    assert answer.ok, answer.text()
    return answer.json()


def rows(page: Page):
    return page.locator("#contributions li[data-id]")


def focused(page: Page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def test_the_page_draws_one_page_of_rows_and_says_how_many_there_are(moderator_page):
    expect(moderator_page.locator("#contribution-count")).to_have_text(f"{SIZE:,}")  # English digits grouping
    expect(rows(moderator_page)).to_have_count(100)
    expect(moderator_page.locator("#shown-count")).to_have_text(f"Showing 1–100 of {SIZE:,}")
    expect(moderator_page.locator("#page-of")).to_have_text(f"Page 1 of {SIZE // 100}")


def test_a_search_narrows_the_list_whatever_the_accents(moderator_page):
    wanted = [i for i in range(SIZE) if "economia" in fold(text_of(i)[0])]
    assert 0 < len(wanted) < SIZE
    moderator_page.fill("#search", "ECONOMIA")
    expect(moderator_page.locator("#shown-count")).to_have_text(
        f"Showing 1–{min(100, len(wanted))} of {len(wanted):,}", timeout=LIVE
    )
    for text in rows(moderator_page).locator(".contribution-text").all_inner_texts():
        assert "economía" in text.lower(), text
    moderator_page.fill("#search", "")
    expect(moderator_page.locator("#shown-count")).to_have_text(f"Showing 1–100 of {SIZE:,}", timeout=LIVE)


def test_fifty_contributions_picked_with_the_keyboard_go_into_a_new_cluster_in_one_action(
    moderator_page, crowd
):
    page = moderator_page
    # Tab from the search box to the first row's checkbox.
    page.focus("#search")
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page, "el.matches('#contributions input.pick')"):
            break
    first = int(focused(page, "el.closest('li').dataset.id"))
    page.keyboard.press("Space")
    for _ in range(49):
        page.keyboard.press("Shift+ArrowDown")
    expect(page.locator("#bulk-count")).to_have_text("50 selected")
    picked = [
        int(i)
        for i in rows(page).evaluate_all(
            "items => items.filter((li) => li.querySelector('input.pick').checked).map((li) => li.dataset.id)"
        )
    ]
    assert len(picked) == 50 and picked[0] == first
    assert picked == sorted(picked, reverse=True)  # the first fifty rows of the newest-first list

    page.keyboard.press("Enter")  # from the list to the bulk move
    assert focused(page, "el.id") == "bulk-target"
    page.keyboard.press("Enter")  # "a new cluster…" is chosen: its label
    assert focused(page, "el.id") == "bulk-label"
    label = f"Cinquante {uuid.uuid4().hex[:6]}"
    page.keyboard.type(label)
    page.keyboard.press("Enter")

    heading = page.locator("h3.cluster-label", has_text=re.compile(f"^{label}$"))
    cluster = page.locator("#clusters li.cluster").filter(has=heading)
    expect(cluster.locator(".cluster-head .meta")).to_have_text(
        re.compile(r"^50 contributions\b"), timeout=LIVE
    )
    expect(page.locator("#bulk-count")).to_have_text("0 selected")
    room = state(page, crowd["question_id"])
    (made,) = [c for c in room["clusters"] if c["label"] == label]
    assert sorted(c["id"] for c in room["contributions"] if c["cluster_id"] == made["id"]) == sorted(picked)


def test_a_drag_from_the_bottom_of_the_list_lands_in_a_cluster(moderator_page, crowd):
    page = moderator_page
    label = f"Tout en bas {uuid.uuid4().hex[:6]}"
    page.fill("#new-cluster-label", label)
    page.click("#new-cluster button[type=submit]")
    heading = page.locator("h3.cluster-label", has_text=re.compile(f"^{label}$"))
    cluster = page.locator("#clusters li.cluster").filter(has=heading)
    expect(cluster).to_have_count(1, timeout=LIVE)
    while page.locator("#page-next").is_enabled():
        page.click("#page-next")
    expect(page.locator("#page-of")).to_have_text(f"Page {SIZE // 100} of {SIZE // 100}")
    last = rows(page).last
    oldest = int(last.get_attribute("data-id"))
    assert oldest == min(c["id"] for c in state(page, crowd["question_id"])["contributions"])
    cluster.scroll_into_view_if_needed()  # within the panel, which scrolls on its own
    last.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 2000  # far down the page: the panel stayed in view
    expect(cluster).to_be_in_viewport()
    expect(last).to_be_in_viewport()
    last.drag_to(cluster)
    expect(last.locator(".badge-cluster")).to_have_text(label, timeout=LIVE)
    (made,) = [c for c in state(page, crowd["question_id"])["clusters"] if c["label"] == label]
    (moved,) = [c for c in state(page, crowd["question_id"])["contributions"] if c["id"] == oldest]
    assert moved["cluster_id"] == made["id"]


def test_an_attendee_of_the_crowded_room_sees_no_selection_tools(log_in, crowd):
    page = log_in("alice")
    page.goto(f"/s/{crowd['code']}/q/1")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected", timeout=LOAD)
    expect(rows(page)).to_have_count(100)
    for tool in ("#bulk", "#contributions input.pick", "#contributions select.cluster-select"):
        expect(page.locator(tool)).to_have_count(0)


def test_filters_by_language_and_role_combine_and_new_since_i_looked_shows_only_what_came_after(
    moderator_page, crowd
):
    page = moderator_page
    wanted = sum(1 for i in range(SIZE) if text_of(i)[1] == "es" and i % 10 == 0)  # Spanish panelists
    page.select_option("#language-filter", "es")
    page.select_option("#role-filter", "panelist")
    expect(page.locator("#shown-count")).to_have_text(f"Showing 1–{min(100, wanted)} of {wanted:,}")
    for row in rows(page).all()[:10]:
        expect(row).to_have_attribute("lang", "es")
        expect(row.locator(".badge-panelist")).to_have_count(1)
    page.select_option("#language-filter", "")
    page.select_option("#role-filter", "")

    page.check("#new-filter")  # a first visit: nothing is new yet
    expect(page.locator("#shown-count")).to_have_text("Showing 0–0 of 0")
    text = f"Arrivée après coup {uuid.uuid4().hex[:6]}"
    ack = page.evaluate(
        "([q, text]) => window.deliberateRoom.live.request('post', {question_id: q, text, client_id: text})",
        [crowd["question_id"], text],
    )
    assert ack["ok"], ack
    page.uncheck("#new-filter")
    page.check("#new-filter")
    expect(page.locator("#shown-count")).to_have_text("Showing 1–1 of 1")
    expect(rows(page)).to_have_text([re.compile(re.escape(text))])
