"""Clusters in real browsers: a moderator clusters, merges and writes syntheses; an attendee watches live.

Each test uses its own question of the demo session (2 to 5), so that neither the room tests' posts (on
question 1) nor the other tests' clusters change what it sees. Every wait is one of Playwright's
auto-waiting expectations; no test sleeps for a fixed time.
"""

import os
import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

LIVE = 5_000  # ms: a cluster event or an assignment reaches the other pages well within this
SUGGEST = 30_000  # ms: the first suggestion request imports and runs scikit-learn in the server
# Set DELIBERATE_SCREENSHOTS to a folder to keep pictures of the panels (never inside the repository).
SHOTS = os.environ.get("DELIBERATE_SCREENSHOTS")

THEMES = {
    "financing": [
        "Les coopératives n'ont pas accès au crédit bancaire, il faut des fonds de garantie.",
        "El financiamiento de las cooperativas depende demasiado de créditos bancarios caros.",
        "Financing for cooperatives should include zero-interest loans and guarantee funds.",
        "Créer un fonds d'investissement solidaire pour financer les coopératives naissantes.",
    ],
    "training": [
        "La formation des jeunes aux métiers de l'économie sociale doit commencer au lycée.",
        "Necesitamos programas de formación y capacitación en gestión para los trabajadores.",
        "Vocational training programmes and apprenticeships build management skills.",
        "Des programmes de formation continue et d'apprentissage pour les travailleurs.",
    ],
    "recycling": [
        "Le recyclage des déchets électroniques crée des emplois dans l'économie circulaire.",
        "La economía circular debe priorizar el reciclaje y la reducción de residuos.",
        "Recycling electronic waste and plastic waste creates local green jobs.",
        "Réduire les déchets : réparation, réemploi et recyclage doivent devenir la norme.",
    ],
}


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def item(page: Page, text: str):
    """The contribution(s) of the page's list whose text contains ``text``."""
    return page.locator("#contributions li[data-id]", has_text=text)


def cluster(page: Page, label: str):
    """The cluster of the page's panel labelled exactly ``label``."""
    heading = page.locator("h3.cluster-label", has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator("#clusters li.cluster").filter(has=heading)


def members(page: Page, label: str):
    return cluster(page, label).locator(".cluster-members li")


def count_line(n: int) -> re.Pattern:
    """The cluster's figures line, which starts with its number of contributions."""
    return re.compile(rf"^{n} contributions?\b")


def seed(page: Page, question_id: int, texts: list[str]) -> list[int]:
    """Posts ``texts`` through the page's own live connection; returns their ids, in order."""
    ids = []
    for text in texts:
        ack = page.evaluate(
            """([questionId, text, clientId]) => window.deliberateRoom.live.request(
                   "post", {question_id: questionId, text, client_id: clientId})""",
            [question_id, text, uuid.uuid4().hex],
        )
        assert ack["ok"], ack
        ids.append(ack["contribution"]["id"])
    return ids


def move(page: Page, text: str, label: str) -> None:
    """The keyboard path's menu on a contribution: choosing a cluster, then committing with its button."""
    row = item(page, text)
    row.locator("select.cluster-select").select_option(label=label)
    row.locator("button.cluster-move").click()


def create_cluster(page: Page, label: str) -> None:
    page.fill("#new-cluster-label", label)
    page.click("#new-cluster button[type=submit]")
    expect(cluster(page, label)).to_have_count(1, timeout=LIVE)
    expect(page.locator("#new-cluster-label")).to_have_value("")


def test_a_moderator_clusters_merges_and_deletes_while_an_attendee_watches(room, question_ids):
    mona, alice = room("mona", position=2), room("alice", position=2)
    token = uuid.uuid4().hex[:6]
    texts = [unique(t) for t in ("Fonds de garantie", "Banca ética", "Training first", "Formation continue")]
    seed(mona, question_ids[2], texts)
    for page in (mona, alice):
        for text in texts:
            expect(item(page, text)).to_have_count(1, timeout=LIVE)
    money, skills = f"Money {token}", f"Skills {token}"

    create_cluster(mona, money)
    create_cluster(mona, skills)
    for label in (money, skills):
        expect(cluster(alice, label)).to_have_count(1, timeout=LIVE)
        expect(cluster(alice, label).locator(".cluster-head .meta")).to_have_text(count_line(0))
    expect(alice.locator("#no-clusters")).to_be_hidden()

    # The keyboard path: each contribution's cluster menu and its button.
    move(mona, texts[0], money)
    move(mona, texts[2], skills)
    # Drag and drop: a contribution onto a cluster. Playwright cannot scroll in the middle of a drag (the
    # drag never starts), so the moderator gets a screen tall enough to show both ends of it.
    mona.set_viewport_size({"width": 1280, "height": 2000})
    item(mona, texts[1]).drag_to(cluster(mona, money))
    item(mona, texts[3]).drag_to(cluster(mona, skills))

    for page in (alice, mona):
        for label, inside in ((money, texts[:2]), (skills, texts[2:])):
            expect(members(page, label)).to_have_count(2, timeout=LIVE)
            for text in inside:
                expect(members(page, label).filter(has_text=text)).to_have_count(1)
            expect(cluster(page, label).locator(".cluster-head .meta")).to_have_text(count_line(2))
    for text, label in zip(texts, (money, money, skills, skills), strict=True):
        expect(item(alice, text).locator(".badge-cluster")).to_have_text(label)
        expect(item(mona, text).locator("select.cluster-select option:checked")).to_have_text(label)

    # Merge "Money" into "Skills": Money disappears, Skills holds all four.
    cluster(mona, money).locator("select[data-merge-target]").select_option(label=skills)
    cluster(mona, money).locator("[data-cluster-action=merge]").click()
    for page in (alice, mona):
        expect(cluster(page, money)).to_have_count(0, timeout=LIVE)
        expect(members(page, skills)).to_have_count(4, timeout=LIVE)
        for text in texts:
            expect(members(page, skills).filter(has_text=text)).to_have_count(1)
        expect(cluster(page, skills).locator(".cluster-head .meta")).to_have_text(count_line(4))
    for text in texts:
        expect(item(alice, text).locator(".badge-cluster")).to_have_text(skills)

    # Delete "Skills" (after the confirmation dialog): no clusters, everything unclustered.
    dialogs = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    mona.once("dialog", accept)
    cluster(mona, skills).locator("[data-cluster-action=delete]").click()
    for page in (alice, mona):
        expect(page.locator("#clusters li.cluster")).to_have_count(0, timeout=LIVE)
        expect(page.locator("#no-clusters")).to_be_visible()
    assert dialogs and "Delete" in dialogs[0], dialogs
    for text in texts:
        expect(item(alice, text).locator(".badge-cluster")).to_have_count(0)
        expect(item(mona, text).locator("select.cluster-select")).to_have_value("")


def test_a_cluster_synthesis_is_previewed_sanitised_and_seen_live(room, question_ids):
    mona, alice = room("mona", position=3), room("alice", position=3)
    second = room("mona", position=3)  # the same moderator on a second device
    text = unique("Les monnaies locales soutiennent les circuits courts")
    (cid,) = seed(mona, question_ids[3], [text])
    expect(item(alice, text)).to_have_count(1, timeout=LIVE)
    label = unique("Monnaies locales")
    create_cluster(mona, label)
    move(mona, text, label)
    expect(item(alice, text).locator(".badge-cluster")).to_have_text(label, timeout=LIVE)
    expect(cluster(second, label).locator("textarea")).to_have_value("", timeout=LIVE)
    # The coverage panel lists the new cluster: no synthesis mentions it yet.
    expect(mona.locator("#coverage")).to_contain_text(label, timeout=LIVE)

    synthesis = f"Comme le dit #{cid}, c'est **essentiel**. <img src=x onerror=window.__xss=1>"
    box = cluster(mona, label).locator("textarea")
    box.fill(synthesis)
    cluster(mona, label).locator("[data-preview]").click()
    preview = cluster(mona, label).locator(".preview")
    expect(preview).to_be_visible(timeout=LIVE)
    expect(preview.locator("strong")).to_have_text("essentiel")
    expect(preview.locator(f'a[href="#c{cid}"]')).to_have_text(f"#{cid}")
    expect(preview.locator("img")).to_have_count(0)

    cluster(mona, label).locator("[data-cluster-action=synthesis]").click()
    shown = cluster(alice, label).locator(".cluster-synthesis")
    expect(shown.locator("strong")).to_have_text("essentiel", timeout=LIVE)
    expect(shown.locator(f'a[href="#c{cid}"]')).to_have_text(f"#{cid}")
    expect(shown).to_contain_text("Comme le dit")
    expect(alice.locator("#clusters img, #clusters script")).to_have_count(0)
    expect(mona.locator("#coverage")).not_to_contain_text(label, timeout=LIVE)
    expect(box).to_have_value(synthesis)
    # Another moderator's page, open all along, shows the saved synthesis in its editor.
    expect(cluster(second, label).locator("textarea")).to_have_value(synthesis, timeout=LIVE)
    for page in (alice, mona, second):
        assert page.evaluate("typeof window.__xss") == "undefined"


def test_suggested_themes_are_accepted_except_the_unticked_one(room, question_ids):
    mona, alice = room("mona", position=4), room("alice", position=4)
    # Interleaved, so that posting order gives the suggestions no hint.
    texts = [text for group in zip(*THEMES.values(), strict=True) for text in group]
    seed(mona, question_ids[4], texts)
    for page in (mona, alice):
        expect(page.locator("#contributions li[data-id]")).to_have_count(len(texts), timeout=LIVE)

    mona.click("#suggest")
    offered = mona.locator("#suggestion-list li.suggestion")
    expect(offered).to_have_count(3, timeout=SUGGEST)
    found = []
    for label in offered.locator("label").all_inner_texts():
        name, size = re.fullmatch(r"(.+) \((\d+)\)", label).groups()
        found.append((name, int(size)))
    assert sum(size for _, size in found) == len(texts), found
    assert all(size == 4 for _, size in found), found  # one suggestion per theme
    shot(mona, "moderator-suggestions")

    dropped, *kept = found
    offered.nth(0).locator("input[type=checkbox]").uncheck()
    mona.click("#accept-suggestions")
    expect(mona.locator("#suggestions")).to_be_hidden(timeout=LIVE)

    for page in (alice, mona):
        expect(page.locator("#clusters li.cluster")).to_have_count(len(kept), timeout=LIVE)
        for name, size in kept:
            expect(members(page, name)).to_have_count(size, timeout=LIVE)
        expect(cluster(page, dropped[0])).to_have_count(0)
    expect(alice.locator("#contributions li[data-id] .badge-cluster")).to_have_count(
        sum(size for _, size in kept)
    )
    shot(mona, "moderator-clusters")
    shot(alice, "attendee-clusters")


def test_an_attendee_sees_cluster_badges_but_no_clustering_tools(room, question_ids):
    mona, alice = room("mona", position=5), room("alice", position=5)
    inside, outside = unique("Des tiers-lieux partout"), unique("Más espacios compartidos")
    seed(mona, question_ids[5], [inside, outside])
    expect(item(alice, outside)).to_have_count(1, timeout=LIVE)
    label = unique("Tiers-lieux")
    create_cluster(mona, label)
    move(mona, inside, label)

    expect(cluster(alice, label)).to_have_count(1, timeout=LIVE)
    expect(item(alice, inside).locator(".badge-cluster")).to_have_text(label, timeout=LIVE)
    expect(item(alice, outside).locator(".badge-cluster")).to_have_count(0)
    expect(members(alice, label)).to_have_count(1)
    for hidden in (
        "#new-cluster",
        "#suggest",
        "#coverage",
        "select.cluster-select",
        "[data-cluster-action]",
        "select[data-merge-target]",
        ".synthesis-editor",
        "#contributions li[draggable=true]",
    ):
        expect(alice.locator(hidden)).to_have_count(0)
    # A page loaded afterwards shows the same badges, once each.
    alice.reload()
    expect(alice.locator("#connection")).to_have_attribute("data-state", "connected")
    expect(item(alice, inside).locator(".badge-cluster")).to_have_text(label)
    expect(item(alice, outside).locator(".badge-cluster")).to_have_count(0)
