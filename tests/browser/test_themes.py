"""Suggested themes by meaning in a real browser: a moderator asks for suggestions on a mixed-language
question (following the job's progress bar), accepts two, accepts the live suggested cluster of a new
post with the keyboard, and drafts, edits and saves a synthesis whose #references become footnotes in
the report.

The question (the demo session's fifth) is shared with other browser tests: whatever they left there is
hidden (contributions) or deleted (clusters) first, so that the suggestions only concern this test's
contributions. The server runs with its default features (the sentence-embedding model in its
worker). Every wait is a Playwright expectation.
"""

import re
import uuid

from playwright.sync_api import Page, expect

POSITION = 5
SESSION = "uclg-1-3-2"
JOB = 90_000  # ms: embedding, suggestions and drafts are jobs in one worker, which loads the model first
LIVE = 10_000

# Three themes, each in French, Spanish and English (paraphrases), from tests/multilingual.py.
TEXTS = [
    "Les loyers ont tellement grimpé que les familles modestes quittent le centre-ville.",
    "Alquilar un piso se ha vuelto imposible para los jóvenes con sueldos normales.",
    "Rents are so high that ordinary families are being pushed out of the city.",
    "Les bus passent trop rarement le soir, impossible de rentrer sans voiture.",
    "Los autobuses casi no pasan por la noche y sin coche no se puede volver.",
    "Buses hardly run in the evening, so you cannot get home without a car.",
    "Les nappes phréatiques baissent chaque été, il faut limiter l'arrosage des golfs.",
    "Los acuíferos se secan cada verano; hay que restringir el riego de los campos de golf.",
    "Groundwater drops every summer, so golf courses should stop watering their lawns.",
    "Il faut construire davantage de logements sociaux près des quartiers où l'on travaille.",
    "Necesitamos más vivienda pública asequible cerca de los lugares de trabajo.",
    "Build more affordable homes close to where people actually have jobs.",
    "Le métro devrait être gratuit pour les étudiants et les retraités.",
    "El transporte público debería ser gratuito para estudiantes y jubilados.",
    "Public transit should be free for students and pensioners.",
    "Réparer les fuites des canalisations éviterait de perdre un tiers de l'eau potable.",
    "Arreglar las tuberías rotas evitaría que se pierda un tercio del agua.",
    "Fixing leaking pipes would save a third of the water we treat.",
]
LATE = "Cap rent increases so that a home does not eat half of a monthly wage."


def request(page: Page, event: str, payload: dict) -> dict:
    return page.evaluate("([e, p]) => window.deliberateRoom.live.request(e, p)", [event, payload])


def test_suggest_accept_live_suggestion_and_a_cited_draft(room, question_ids):
    question = question_ids[POSITION]
    mona = room("mona", position=POSITION)
    for cid in mona.evaluate("[...window.deliberateRoom.state.contributions.keys()]"):
        assert request(mona, "moderate", {"contribution_id": cid, "action": "hide"})["ok"]
    # Clusters other tests made here too (tests/browser/test_clusters.py writes to this question).
    for cluster_id in mona.evaluate("[...window.deliberateRoom.state.clusters.keys()]"):
        assert request(mona, "cluster_delete", {"cluster_id": cluster_id})["ok"]
    expect(mona.locator("#clusters li.cluster")).to_have_count(0, timeout=LIVE)
    ids = []
    for text in TEXTS:
        ack = request(
            mona,
            "post",
            {"question_id": question, "text": text, "client_id": uuid.uuid4().hex},
        )
        assert ack["ok"], ack
        ids.append(ack["contribution"]["id"])

    # The suggestions are a job: its progress bar shows while it runs, takes the job's figures from
    # the socket, and goes once the suggestions are there (every change of the bar is recorded).
    mona.evaluate(
        """() => {
          const bar = document.getElementById("suggestion-progress");
          window.barStates = [];
          new MutationObserver(() => window.barStates.push(
            { hidden: bar.hidden, max: bar.max, determinate: bar.hasAttribute("value") }
          )).observe(bar, { attributes: true });
        }"""
    )
    mona.click("#suggest")
    offered = mona.locator("#suggestion-list li.suggestion")
    expect(offered.first).to_be_visible(timeout=JOB)
    expect(mona.locator("#suggestion-progress")).to_be_hidden()
    states = mona.evaluate("window.barStates")
    assert any(not state["hidden"] for state in states), states
    assert any(state["determinate"] and state["max"] == 1 for state in states), states
    expect(mona.locator("#suggestion-features")).to_have_text(re.compile("meaning"))
    assert offered.count() >= 3
    for extra in range(2, offered.count()):
        offered.nth(extra).locator("input[type=checkbox]").uncheck()
    labels = [
        re.fullmatch(r"(.+) \((\d+)\)", t).group(1) for t in offered.locator("label").all_inner_texts()[:2]
    ]
    mona.click("#accept-suggestions")
    expect(mona.locator("#suggestions")).to_be_hidden(timeout=LIVE)
    expect(mona.locator("#clusters li.cluster")).to_have_count(2, timeout=LIVE)

    # A new post of an accepted theme: its row offers that cluster; the S key on the row accepts it.
    ack = request(mona, "post", {"question_id": question, "text": LATE, "client_id": uuid.uuid4().hex})
    assert ack["ok"], ack
    late = mona.locator(f"#c{ack['contribution']['id']}")
    offer = late.locator("button.live-suggestion")
    expect(offer).to_be_visible(timeout=JOB)
    late.locator("input.pick").focus()
    mona.keyboard.press("s")
    expect(late.locator(".badge-cluster")).to_have_count(1, timeout=LIVE)
    expect(offer).to_have_count(0)
    assert late.locator(".badge-cluster").inner_text() in labels

    # A draft of the first cluster: it cites, it is marked as a draft until saved.
    first = mona.locator("#clusters li.cluster").first
    area = first.locator("textarea")
    first.locator("[data-draft-for]").click()
    expect(area).to_have_value(re.compile(r"#\d+"), timeout=JOB)
    expect(first.locator(".draft-mark")).to_be_visible()
    cited = sorted({int(n) for n in re.findall(r"#(\d+)", area.input_value())})
    assert cited and set(cited) <= set(ids) | {ack["contribution"]["id"]}
    area.fill(area.input_value() + "\nEdited by the moderator.")
    first.locator("[data-cluster-action=synthesis]").click()
    expect(first.locator(".draft-mark")).to_have_count(0, timeout=LIVE)

    # Before posting, an author sees what the room already says like it, in any language.
    mona.fill("#post-text", "Los autobuses nocturnos son tan escasos que hace falta coche para volver.")
    expect(mona.locator("#similar li[data-similar-id]").first).to_be_visible(timeout=JOB)
    shown = [
        int(i)
        for i in mona.locator("#similar li[data-similar-id]").evaluate_all(
            "(items) => items.map((li) => li.dataset.similarId)"
        )
    ]
    assert 1 <= len(shown) <= 3 and set(shown) <= {ids[3], ids[4], ids[5], ids[12], ids[13], ids[14]}

    report = mona.request.get(f"/api/v1/sessions/{SESSION}/report?format=json&lang=en", timeout=JOB)
    assert report.ok, report.text()
    (entry,) = [q for q in report.json()["questions"] if q["id"] == question]
    assert set(cited) <= {f["contribution_id"] for f in entry["footnotes"]}
