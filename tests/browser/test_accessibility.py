"""Accessibility as a test: axe-core on every page, for every role that sees it, in en, fr and es, at
1280 and 375 px, on a session with content (contributions in three languages, votes, a cluster with a
synthesis, a question synthesis, a submitted version with a comment); zero violations of the WCAG 2.0,
2.1 and 2.2 A and AA rules. A second check, axe cannot make, measures on every page the focus ring's
contrast against what is around it (≥ 3:1, WCAG 1.4.11) and horizontal overflow at 320 px (1.4.10).

axe-core is vendored for the tests only (tests/browser/vendor/, MPL-2.0) and injected once per page load.
One browser and one server serve the whole module (the browser suite's session fixtures).
"""

import json
import uuid
from pathlib import Path

import pytest
import requests
from browser.conftest import PASSWORD, SESSION, Person
from reader_language import english_in, iso_dates

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("en", "fr", "es")
WIDTHS = (1280, 375)
ROOM = f"/s/{SESSION}/q/1"

# Pages by who sees them: None is someone not logged in. {projector}, {approved} and {submitted} are
# filled in from the content fixture (a projector link's token, an approved and a submitted version).
PAGES = {
    None: ["/", "/login", "/signup", f"/s/{SESSION}", f"/j/{SESSION}", "/p/{projector}", "/no-such-page"],
    "attendee": [
        "/",
        f"/s/{SESSION}",
        ROOM,
        f"{ROOM}/projector",
        "/account",
        f"/s/{SESSION}/report",
        f"/s/{SESSION}/report?format=html",
    ],
    "moderator": [ROOM, f"/s/{SESSION}/review", f"/s/{SESSION}/translations"],
    "rapporteur": [
        f"/s/{SESSION}/review",
        f"/s/{SESSION}/review/{{approved}}",
        f"/s/{SESSION}/review/{{submitted}}",
    ],
    "organiser": [
        "/organiser/",
        "/organiser/sessions/new",
        f"/organiser/sessions/{SESSION}/edit",
        f"/organiser/sessions/{SESSION}/roles",
        f"/organiser/sessions/{SESSION}/audit",
    ],
}
CASES = [(role, path) for role, paths in PAGES.items() for path in paths]


def _api(server, email: str) -> requests.Session:
    http = requests.Session()
    answer = http.post(
        f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return http


def _signed_up(server, name: str, role: str) -> Person:
    person = Person(name, f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.org", role)
    answer = requests.post(
        f"{server.url}/api/v1/auth/signup",
        json={"email": person.email, "name": name, "password": PASSWORD, "language": "en"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return person


@pytest.fixture(scope="module")
def everyone(server, people) -> dict[str, Person]:
    """The people of the browser suite, and a rapporteur and a site organiser of this module's."""
    rapporteur = _signed_up(server, "Rita", "rapporteur")
    _api(server, rapporteur.email).post(
        f"{server.url}/api/v1/sessions/{SESSION}/register", json={}, timeout=10
    )
    server.cli("grant", SESSION, rapporteur.email, "rapporteur")
    organiser = Person("Olga", f"olga-{uuid.uuid4().hex[:6]}@example.org", "organiser")
    server.cli("user", "add", organiser.email, "--name", "Olga", "--password", PASSWORD, "--organiser")
    return {
        "attendee": people["alice"],
        "moderator": people["mona"],
        "rapporteur": rapporteur,
        "organiser": organiser,
    }


@pytest.fixture(scope="module")
def contexts(browser, server, everyone):
    """One logged-in browser context per role (and one for nobody), for the whole module."""
    made = {}
    for role in PAGES:
        # bypass_csp: axe is injected as an inline script, which the app's CSP rightly refuses.
        context = browser.new_context(
            base_url=server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(10_000)
        if role is not None:
            page = context.new_page()
            page.goto("/login")
            page.fill("#email", everyone[role].email)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            assert "/login" not in page.url
            page.close()
        made[role] = context
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def content(contexts, server, everyone, question_id):
    """Contributions in fr, en and es, votes, a cluster with a synthesis citing one, a question
    synthesis and a submitted version with a comment: every page has something to show."""
    page = contexts["moderator"].new_page()
    page.goto(ROOM)
    page.wait_for_selector("#connection[data-state=connected]")
    request = "([e, p]) => window.deliberateRoom.live.request(e, p)"
    ids = []
    texts = [
        ("Des coopératives locales pour financer la transition.", "fr"),
        ("Train young workers in digital skills first.", "en"),
        ("La banca ética puede financiar cooperativas locales.", "es"),
        # Enough for the suggested themes to offer some.
        ("Les jeunes ont besoin de formations au numérique.", "fr"),
        ("Local cooperatives can fund the energy transition.", "en"),
        ("Formar a los jóvenes en competencias digitales.", "es"),
    ]
    for text, language in texts:
        ack = page.evaluate(
            request,
            [
                "post",
                {
                    "question_id": question_id,
                    "text": text,
                    "language": language,
                    "client_id": uuid.uuid4().hex,
                },
            ],
        )
        assert ack["ok"], ack
        ids.append(ack["contribution"]["id"])
    for cid in ids[:2]:
        assert page.evaluate(request, ["vote", {"contribution_id": cid, "value": 1}])["ok"]
    ack = page.evaluate(request, ["cluster_create", {"question_id": question_id, "label": "Financement"}])
    assert ack["ok"], ack
    cluster_id = ack["cluster"]["id"]
    for cid in ids[:2]:
        assert page.evaluate(request, ["cluster_assign", {"contribution_id": cid, "cluster_id": cluster_id}])[
            "ok"
        ]
    page.close()
    moderator = _api(server, everyone["moderator"].email)
    answer = moderator.patch(
        f"{server.url}/api/v1/clusters/{cluster_id}",
        json={"synthesis": f"Comme le dit #{ids[0]}, il faut **financer**."},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    answer = moderator.patch(
        f"{server.url}/api/v1/questions/{question_id}",
        json={"synthesis": f"Financing first (#{ids[1]})."},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    rapporteur = _api(server, everyone["rapporteur"].email)
    approved = _submitted(server, moderator)
    answer = rapporteur.post(
        f"{server.url}/api/v1/sessions/{SESSION}/versions/{approved}/decision",
        json={"decision": "approve"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    number = _submitted(server, moderator)
    answer = rapporteur.post(
        f"{server.url}/api/v1/sessions/{SESSION}/versions/{number}/comments",
        json={"section": "question-1", "text": "Ajouter les chiffres."},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    answer = moderator.post(
        f"{server.url}/api/v1/questions/{question_id}/projector-link", json={}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return {
        "contributions": ids,
        "texts": texts,
        "cluster": cluster_id,
        "approved": approved,
        "submitted": number,
        "projector": answer.json()["url"].rsplit("/", 1)[1],
    }


def _submitted(server, moderator: requests.Session) -> int:
    """A new version of the report, submitted by the moderator: its number."""
    # The submit job can meet "database is locked" when the server's embedding jobs write to the same
    # SQLite file at that moment (it then says so and stores nothing): ask again, a bounded number of times.
    for _attempt in range(3):
        answer = moderator.post(
            f"{server.url}/api/v1/sessions/{SESSION}/versions", json={"lang": "en"}, timeout=120
        )
        if answer.status_code == 201:
            break
    assert answer.status_code == 201, answer.text
    return answer.json()["version"]["number"]


def _open(context, path: str, language: str):
    page = context.new_page()
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    separator = "&" if "?" in path else "?"
    page.goto(f"{path}{separator}lang={language}")
    if page.locator("#connection").count():
        page.wait_for_selector("#connection[data-state=connected]")
    if page.locator("#contributions").count():
        page.wait_for_selector("#contributions li[data-id]")
    return page


def _axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [
        {"rule": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


# Every visible focusable element, focused in turn once a Tab has put the page in keyboard mode (so that
# :focus-visible applies to script focus too): its outline against the background behind it.
FOCUS_RING = """
() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = (node) => {
    for (let n = node.parentElement; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const focusable = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")]
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({ visibilityProperty: true }));
  const poor = [];
  for (const el of focusable) {
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    if (!el.matches(":focus-visible") || !ring) {
      poor.push({ element: el.outerHTML.slice(0, 80), problem: "no outline" });
      continue;
    }
    const r = ratio(rgb(style.outlineColor), behind(el));
    if (r < 3) poor.push({ element: el.outerHTML.slice(0, 80), ratio: Math.round(r * 100) / 100 });
  }
  return { checked: focusable.length, poor };
}
"""

# What sticks out at 320 px: elements, and text running out of its box (a long word in a narrow column).
WIDE = """
() => {
  const out = [];
  const limit = document.documentElement.clientWidth + 1;
  const seen = (e) => getComputedStyle(e).position !== "fixed" && !e.closest(".visually-hidden, .skip-link");
  for (const e of document.querySelectorAll("body *"))
    if (e.getBoundingClientRect().right > limit && seen(e)) out.push(e.outerHTML.slice(0, 80));
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    range.selectNodeContents(n);
    if (range.getBoundingClientRect().right > limit && seen(n.parentElement))
      out.push(`text in ${n.parentElement.outerHTML.slice(0, 60)}`);
  }
  return out.slice(0, 5);
}
"""


# The text a reader of the page's language sees or hears (text and shown attributes of visible elements),
# without what is marked as another language; and the known contributions shown without their lang.
READER_TEXT = """
(texts) => {
  const language = document.documentElement.lang;
  const other = (node) => {
    const marked = node.closest("[lang]");
    return marked && marked !== document.documentElement && marked.lang.split("-")[0] !== language;
  };
  const parts = [];
  const unmarked = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const holder = n.parentElement;
    if (!holder || holder.closest("script, style, template") || !holder.checkVisibility()) continue;
    for (const [text, lang] of texts) {
      const marked = holder.closest("[lang]");
      if (lang !== language && n.textContent.includes(text.slice(0, 30))
          && (!marked || marked.lang.split("-")[0] !== lang))
        unmarked.push(`${text.slice(0, 30)} in ${holder.outerHTML.slice(0, 80)}`);
    }
    if (!other(holder)) parts.push(n.textContent);
  }
  for (const e of document.body.querySelectorAll("[placeholder], [title], [aria-label], [alt]"))
    if (!other(e) && e.checkVisibility())
      for (const name of ["placeholder", "title", "aria-label", "alt"])
        if (e.getAttribute(name)) parts.push(e.getAttribute(name));
  return { text: parts.join("\\n"), unmarked, language };
}
"""


def _in_readers_language(page, language: str, texts: list) -> dict:
    """English UI strings, ISO dates and contributions without their lang, as the browser shows the
    page (the JavaScript-rendered parts included)."""
    shown = page.evaluate(READER_TEXT, texts)
    found = {
        "html lang": [shown["language"]] if shown["language"] != language else [],
        "english": english_in(shown["text"], language),
        "iso dates": iso_dates(shown["text"]),
        "no lang": shown["unmarked"][:5],
    }
    return {k: v for k, v in found.items() if v}


def _reflow_and_focus(page) -> dict:
    """At 320 px: how much wider than the screen the page is (and what sticks out), and every
    focusable element whose focus ring does not stand out (or is missing)."""
    page.set_viewport_size({"width": 320, "height": 900})
    found = {}
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        found["overflow"] = {"px": overflow, "wide": page.evaluate(WIDE)}
    page.locator("body").focus()
    page.keyboard.press("Tab")
    ring = page.evaluate(FOCUS_RING)  # (the hall of /p/<token> has nothing to focus: it is watched)
    if ring["poor"]:
        found["focus ring"] = ring["poor"]
    return found


def _room_open(page) -> None:
    """The moderator's room with what opens in it: the notifications menu, a synthesis preview, the
    suggested themes and the similar contributions of a text being written."""
    page.click("#notifications-toggle")
    page.wait_for_selector("#notifications-panel:not([hidden])")
    page.click('[data-preview="question-synthesis"]')
    page.wait_for_selector("#question-synthesis-preview:not([hidden])")
    page.click("#suggest")
    page.wait_for_selector("#suggestion-list li.suggestion", timeout=SUGGEST)
    page.fill("#post-text", "Des coopératives locales pour financer la transition énergétique.")
    page.wait_for_selector("#similar li[data-similar-id]", timeout=SUGGEST)


def _narrow_open(page) -> None:
    """At 375 px the clusters panel is a drawer: open it."""
    page.click("#clusters-toggle")
    page.wait_for_selector("#clusters-panel:visible")


def _signup_refused(page) -> None:
    """The sign-up page after an empty form was sent: every field says what is wrong."""
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector(".field-error")


# Per case, what to open once the page as loaded has been checked: (at 1280 px, then at 375 px).
STATES = {
    ("moderator", ROOM): (_room_open, _narrow_open),
    ("attendee", ROOM): (None, _narrow_open),
    (None, "/signup"): (_signup_refused, None),
}
SUGGEST = 90_000  # ms: suggestions and similar contributions are jobs; the first one loads the model


@pytest.mark.parametrize(("role", "path"), CASES, ids=[f"{role or 'nobody'}:{path}" for role, path in CASES])
def test_no_wcag_violation_overflow_or_faint_focus_ring(contexts, content, role, path):
    """axe at 1280 and 375 px, then reflow and focus rings at 320 px, in every language, on one load
    of the page per language (resized between widths); then the same with its menus, previews and
    suggestions open."""
    wide_open, narrow_open = STATES.get((role, path), (None, None))
    found = {}

    def check(label: str, width: int | None, opener=None) -> None:
        if width is None:
            problems = _reflow_and_focus(page)
        else:
            page.set_viewport_size({"width": width, "height": 900})
            if opener:
                opener(page)
            problems = _axe(page)
        if problems:
            found[f"{label}@{width or 320}"] = problems

    for language in LANGUAGES:
        page = _open(contexts[role], path.format(**content), language)
        if language != "en":
            problems = _in_readers_language(page, language, content["texts"])
            if problems:
                found[f"words {language}"] = problems
        for width in WIDTHS:
            check(language, width)
        check(language, None)
        if wide_open or narrow_open:
            for width, opener in zip(WIDTHS, (wide_open, narrow_open), strict=True):
                if opener:
                    check(f"open {language}", width, opener)
            check(f"open {language}", None)
        page.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
