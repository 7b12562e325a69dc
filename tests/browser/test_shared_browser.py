"""Issue 15 in a real browser: a shared browser never publishes one person's offline posts under the
next person's name (point 6), and the projector can be framed by another site only when the organiser
allows it (point 11)."""

import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from browser.conftest import PASSWORD, SESSION
from browser.test_room import LIVE, connection, item, post, stored, unique
from playwright.sync_api import Page, expect


def log_in_here(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url


def pending_keys(page: Page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('deliberate:pending:'))")


def type_offline_and_leave(page: Page, text: str) -> None:
    page.goto(f"/s/{SESSION}/q/1")
    expect(connection(page)).to_have_attribute("data-state", "connected")
    page.context.set_offline(True)
    expect(connection(page)).to_have_attribute("data-state", "offline", timeout=LIVE)
    post(page, text)
    expect(page.locator("#contributions li.is-pending", has_text=text)).to_have_count(1)
    assert len(pending_keys(page)) == 1
    page.goto("about:blank")  # the tab is left with the post still pending
    page.context.set_offline(False)


def test_the_next_person_on_a_shared_browser_does_not_send_the_previous_ones_offline_post(
    browser, server, people, question_id
):
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in_here(page, people["alice"].email)
        typed = unique("Alice hors ligne, navigateur partagé")
        type_offline_and_leave(page, typed)

        # Bruno logs in on the same browser, over Alice's login, and opens the same room.
        log_in_here(page, people["bruno"].email)
        page.goto(f"/s/{SESSION}/q/1")
        expect(connection(page)).to_have_attribute("data-state", "connected", timeout=LIVE)
        own = unique("Bruno, après Alice")
        post(page, own)
        # Bruno's own post is sent after whatever the page found pending: once it is shown, Alice's
        # would have been sent too.
        expect(item(page, own)).to_have_count(1, timeout=LIVE)

        expect(item(page, typed)).to_have_count(0)
        assert stored(page, question_id, typed) == []
        assert all(f":{page.evaluate('document.body.dataset.person')}:" in k for k in pending_keys(page))
    finally:
        context.close()


def test_logging_out_drops_the_offline_posts(browser, server, people):
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in_here(page, people["alice"].email)
        type_offline_and_leave(page, unique("Alice avant de se déconnecter"))
        page.goto("/")

        with page.expect_navigation():
            page.click("form[data-logout] button")

        assert pending_keys(page) == []
    finally:
        context.close()


def test_the_projector_is_framed_by_another_site_only_when_the_organiser_allows_it(
    browser, server, moderator_api, question_id
):
    link = moderator_api.post(
        f"{server.url}/api/v1/questions/{question_id}/projector-link", json={}, timeout=10
    ).json()["url"]
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        with overlay_site(
            f'<iframe id="projector" src="{link}" width="800" height="600"></iframe>'
        ) as overlay:
            page.goto(overlay)  # waits for the load event, which waits for the frame (or its error page)
            refused = _framed_projector(page)
            _allow_embedding(server, moderator_api)
            page.goto(overlay)
            allowed = _framed_projector(page)

        assert refused == 0  # frame-ancestors 'none': Chromium shows its error page in the frame
        assert allowed == 1
    finally:
        context.close()
        _allow_embedding(server, moderator_api, allowed=False)


@contextmanager
def overlay_site(body: str):
    """Another site (a stream's overlay page) on its own port: another origin. A real local server,
    not a routed page: Chromium keeps a page it cannot place on the network from framing a local one."""
    page = body.encode()

    class Overlay(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Overlay)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()


def _framed_projector(page: Page) -> int:
    """How many projector pages the overlay's frame shows, once it has loaded."""
    (frame,) = [f for f in page.frames if f is not page.main_frame]
    return frame.locator("#question-number").count()


def _allow_embedding(server, moderator_api, allowed: bool = True) -> None:
    """The organiser ticks (or unticks) the box in the session's form."""
    from helpers import form_fields

    organiser = _organiser(server)
    form = organiser.get(f"{server.url}/organiser/sessions/{SESSION}/edit", timeout=10).text
    fields = form_fields(form)
    fields.pop("projector_embeddable", None)
    if allowed:
        fields["projector_embeddable"] = "on"
    answer = organiser.post(f"{server.url}/organiser/sessions/{SESSION}/edit", data=fields, timeout=10)
    assert answer.status_code in (200, 302), answer.text[:300]


_organisers: list = []


def _organiser(server):
    import requests

    if not _organisers:
        email = f"olga-{uuid.uuid4().hex[:6]}@example.org"
        server.cli("user", "add", email, "--name", "Olga", "--password", PASSWORD, "--organiser")
        http = requests.Session()
        answer = http.post(
            f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
        )
        assert answer.status_code == 200, answer.text
        _organisers.append(http)
    return _organisers[0]
