"""A Spanish-speaking attendee reads a French contribution in Spanish, marked as a machine translation.

Its own live server runs with Apertium (DELIBERATE_TRANSLATION=apertium; .ci/run installs it), so
the rest of the browser suite keeps its translation-free server.
"""

import os
import shutil
import time
import uuid

import pytest
import requests
from browser.conftest import PASSWORD, SESSION
from playwright.sync_api import expect
from servers import Server, operator_env

TRANSLATED = 30_000  # ms: the post, then Apertium's pipeline on a shared machine


@pytest.fixture(scope="module")
def translating_server(tmp_path_factory, chromium_path):
    if shutil.which("apertium") is None:
        message = "Apertium is not installed; apt-get install apertium apertium-fr-es apertium-eng-spa"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("translating-server")
    env = operator_env(
        folder, database_url=f"sqlite:///{folder / 'db.sqlite3'}", secret_key="test", translation="apertium"
    )
    live = Server("the translating server", folder, env)
    live.start("--demo")
    yield live
    live.stop()


def sign_up(server, name, language):
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.org"
    http = requests.Session()
    body = {"email": email, "name": name, "password": PASSWORD, "language": language}
    assert http.post(f"{server.url}/api/v1/auth/signup", json=body, timeout=10).status_code == 201
    assert http.post(f"{server.url}/api/v1/sessions/{SESSION}/register", json={}, timeout=10).ok
    return email, http


def room_page(browser, server, email):
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"/s/{SESSION}/q/1")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    return page


def test_a_spanish_attendee_reads_a_french_contribution_in_spanish_with_the_original_one_click_away(
    browser, translating_server
):
    french_email, _ = sign_up(translating_server, "Camille", "fr")
    spanish_email, spanish_api = sign_up(translating_server, "Lucia", "es")
    original = f"Les villes doivent protéger les parcs publics pour les enfants {uuid.uuid4().hex[:6]}."
    camille = room_page(browser, translating_server, french_email)
    lucia = room_page(browser, translating_server, spanish_email)

    camille.fill("#post-text", original)
    camille.select_option("#post-language", "fr")
    camille.click("#post-submit")
    found = lucia.locator("#contributions li[data-id]", has_text="enfants")
    expect(found).to_have_count(1)
    item = lucia.locator(f'#contributions li[data-id="{found.get_attribute("data-id")}"]')
    lucia.check("#show-my-language")

    text = item.locator(".contribution-text")
    expect(item.locator(".translation-mark")).to_be_visible(timeout=TRANSLATED)
    state = spanish_api.get(f"{translating_server.url}/api/v1/questions/1/state", timeout=10).json()
    [stored] = [c for c in state["contributions"] if c["text"] == original]
    spanish = stored["translations"]["es"]
    assert spanish["provider"] == "apertium" and spanish["text"] != original
    expect(text).to_have_text(spanish["text"])
    expect(text).to_have_attribute("lang", "es")
    expect(item.locator(".translation-mark")).to_contain_text("apertium")

    item.locator(".show-original").click()  # the original, one action away
    expect(text).to_have_text(original)
    expect(item).to_have_attribute("lang", "fr")  # the row's language, which the original text inherits

    lucia.reload()  # the choice is remembered
    expect(lucia.locator("#show-my-language")).to_be_checked()
    expect(lucia.locator("#contributions li[data-id]", has_text=spanish["text"][:20])).to_have_count(1)


def test_a_rapporteur_edits_and_confirms_a_synthesis_translation_and_the_spanish_report_shows_it(
    browser, translating_server
):
    moderator_email, moderator_api = sign_up(translating_server, "Mona", "fr")
    rapporteur_email, _ = sign_up(translating_server, "Rita", "es")
    translating_server.cli("grant", SESSION, moderator_email, "moderator")
    translating_server.cli("grant", SESSION, rapporteur_email, "rapporteur")
    synthesis = f"Les participants veulent des parcs publics {uuid.uuid4().hex[:6]}."
    answer = moderator_api.patch(
        f"{translating_server.url}/api/v1/questions/1", json={"synthesis": synthesis}, timeout=30
    )
    assert answer.ok, answer.text
    page = room_page(browser, translating_server, rapporteur_email)

    page.goto(f"/s/{SESSION}/review")
    page.click("#synthesis-translations")
    form = page.locator("form#question_synthesis-1-es")
    status = form.locator(".translation-status")
    # The page shows the translations stored when it was loaded; the job may still be queued behind
    # others in the one worker (embeddings of earlier posts): reload until Apertium's is there.
    deadline = time.monotonic() + TRANSLATED / 1000
    while "apertium" not in (status.text_content() or "") and time.monotonic() < deadline:
        page.wait_for_timeout(500)  # polling a page that is not live, with a deadline
        page.reload()
    expect(status).to_contain_text("apertium")  # Apertium's, marked as a machine's
    expect(status).to_have_attribute("data-confirmed", "false")
    form.locator("textarea").fill("Los participantes quieren parques públicos.")
    form.locator("button[type=submit]").click()

    form = page.locator("form#question_synthesis-1-es")
    expect(form.locator(".translation-status")).to_have_attribute("data-confirmed", "true")
    expect(form.locator("textarea")).to_have_value("Los participantes quieren parques públicos.")
    report = moderator_api.get(
        f"{translating_server.url}/api/v1/sessions/{SESSION}/report?format=json&lang=es", timeout=60
    ).json()
    translated = report["questions"][0]["synthesis_translation"]
    assert (translated["text"], translated["confirmed"]) == (
        "Los participantes quieren parques públicos.",
        True,
    )
