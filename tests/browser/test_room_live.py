"""Live updates never take the person's place: while another person posts and votes without pause, a
keyboard-only moderator moves five contributions into clusters and writes a cluster's synthesis, and
an attendee votes on ten contributions in a row, each with focus asserted after every step.

Each test has a room of its own (a crowded session with 300 contributions); every wait is one of
Playwright's auto-waiting expectations.
"""

import re
import uuid

import pytest
from crowd import seed
from playwright.sync_api import Page, expect

SIZE = 300
LOAD = 30_000
LIVE = 5_000

# Bruno's page posts and votes (on random contributions) until the test ends.
NOISE = """() => {
  const room = window.deliberateRoom;
  let n = 0;
  window.__noise = window.setInterval(() => {
    n += 1;
    room.live.request("post", {question_id: room.config.questionId, text: `Bruit de fond ${n} économie`,
                               client_id: `noise-${Date.now()}-${n}`});
    const ids = [...room.state.contributions.keys()];
    const id = ids[Math.floor(Math.random() * ids.length)];
    room.live.request("vote", {contribution_id: id, value: n % 2 ? 1 : -1});
  }, 500);
}"""


@pytest.fixture
def crowded(server, people):
    members = {
        people[who].email: role
        for who, role in (("mona", "moderator"), ("alice", "attendee"), ("bruno", "attendee"))
    }
    folder = server.folder
    return seed(f"sqlite:///{folder / 'db.sqlite3'}", str(folder), "test", members, SIZE)


@pytest.fixture
def open_crowded(log_in, crowded):
    def open_page(who: str) -> Page:
        page = log_in(who)
        page.goto(f"/s/{crowded['code']}/q/1")
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected", timeout=LOAD)
        return page

    return open_page


@pytest.fixture
def noise(open_crowded):
    """Bruno, posting and voting twice a second while the test runs."""
    bruno = open_crowded("bruno")
    bruno.evaluate(NOISE)
    yield bruno
    bruno.evaluate("window.clearInterval(window.__noise)")


def active(page: Page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const row = el.closest("li[data-id]");
                   const cluster = el.closest("li.cluster");
                   return {tag: el.tagName, id: el.id, cls: el.className, value: el.value ?? null,
                           row: row ? Number(row.dataset.id) : null,
                           cluster: cluster ? Number(cluster.dataset.clusterId) : null}; }"""
    )


def tab_until(page: Page, script: str, limit: int = 80, key: str = "Tab") -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({script}); }})()"):
            return active(page)
    raise AssertionError(f"Tab never reached {script}; focus is on {active(page)}")


def state(page: Page, question_id: int) -> dict:
    answer = page.request.get(f"/api/v1/questions/{question_id}/state")
    assert answer.ok, answer.text()
    return answer.json()


def test_a_keyboard_moderator_clusters_and_writes_while_the_room_moves(open_crowded, noise, crowded):
    mona = open_crowded("mona")
    labels = [f"Thème {k} {uuid.uuid4().hex[:4]}" for k in (1, 2)]
    clusters = []
    for label in labels:
        ack = mona.evaluate(
            "([q, label]) => window.deliberateRoom.live.request('cluster_create', {question_id: q, label})",
            [crowded["question_id"], label],
        )
        clusters.append(ack["cluster"]["id"])
    expect(mona.locator("#clusters li.cluster")).to_have_count(2, timeout=LIVE)

    mona.locator("body").focus()  # from the top of the page, with the keyboard only
    moved = []
    for step in range(5):
        here = tab_until(mona, "el.matches('#contributions select.cluster-select')")
        row = here["row"]
        assert row not in moved
        # Arrow keys only browse the menu: nothing is committed and focus stays.
        mona.keyboard.press("ArrowDown")
        if step % 2:
            mona.keyboard.press("ArrowDown")
        assert active(mona)["row"] == row and active(mona)["tag"] == "SELECT"
        assert (
            next(c for c in state(mona, crowded["question_id"])["contributions"] if c["id"] == row)[
                "cluster_id"
            ]
            is None
        )
        mona.keyboard.press("Enter")
        label = labels[step % 2]
        expect(mona.locator(f"#c{row} .badge-cluster")).to_have_text(label, timeout=LIVE)
        now = active(mona)
        assert (now["row"], now["tag"], now["value"]) == (row, "SELECT", str(clusters[step % 2])), now
        moved.append(row)
    stored = {c["id"]: c["cluster_id"] for c in state(mona, crowded["question_id"])["contributions"]}
    assert [stored[row] for row in moved] == [clusters[k % 2] for k in range(5)]

    # To the clusters panel in one action, then to the first cluster's synthesis.
    # Back over the rows just used (each may also offer its live suggested cluster by now).
    tab_until(mona, "el.id === 'to-clusters'", limit=200, key="Shift+Tab")
    mona.keyboard.press("Enter")
    assert active(mona)["id"] == "clusters-h"
    area = tab_until(mona, f"el.id === 'cluster-synthesis-{clusters[0]}'")
    typed = ""
    for chunk in ("Les participants ", "demandent **des fonds** ", f"locaux, comme #{moved[0]}."):
        mona.keyboard.type(chunk)
        typed += chunk
        # Tallies and posts keep arriving (the panel follows them); the text and the focus stay.
        expect(mona.locator("#clusters li.cluster").first.locator(".cluster-head .meta")).to_be_visible()
        now = active(mona)
        assert (now["id"], now["value"]) == (area["id"], typed), now
    tab_until(mona, "el.dataset.clusterAction === 'synthesis'")
    save = active(mona)
    mona.keyboard.press("Enter")
    expect(mona.locator(f"#cluster-{clusters[0]} textarea")).to_have_attribute(
        "data-saved", typed, timeout=LIVE
    )
    assert (
        next(c for c in state(mona, crowded["question_id"])["clusters"] if c["id"] == clusters[0])[
            "synthesis"
        ]
        == typed
    )
    now = active(mona)
    assert (now["cluster"], now["cls"]) == (clusters[0], save["cls"]), now
    assert mona.locator(f"#cluster-synthesis-{clusters[0]}").input_value() == typed
    # The room did move meanwhile: posts arrived (counted, or drawn at the top).
    assert len(mona.evaluate("[...window.deliberateRoom.state.contributions.keys()]")) > SIZE


def test_an_attendee_votes_on_ten_contributions_in_a_row_with_the_keyboard(open_crowded, noise, crowded):
    alice = open_crowded("alice")
    alice.locator("body").focus()
    voted = []
    for _ in range(10):
        here = tab_until(alice, "el.matches('#contributions .vote-agree')")
        assert here["row"] not in voted
        alice.keyboard.press("Space")
        button = alice.locator(f"#c{here['row']} .vote-agree")
        expect(button).to_have_attribute("aria-pressed", "true", timeout=LIVE)
        now = active(alice)
        assert (now["row"], "vote-agree" in now["cls"]) == (here["row"], True), now
        voted.append(here["row"])
    mine = {c["id"]: c["my_vote"] for c in state(alice, crowded["question_id"])["contributions"]}
    assert [mine[row] for row in voted] == [1] * 10
    assert re.fullmatch(r"\d+", alice.locator("#contribution-count").inner_text())
