"""End-to-end fixtures: a real ``deliberate serve`` (eventlet) process and headless Chromium.

The server runs as a subprocess on a free port with its own SQLite database, exactly as a user would
start it; the browser talks to it over real HTTP and WebSocket connections. People are created through
the public HTTP API (sign up, register) and the command line (``grant``), and log in through the real
log-in page, so each browser context holds a genuine session cookie.

Chromium is Debian's, at /usr/bin/chromium (no browser download). Without it the browser tests are
skipped, except on CI, where they fail.
"""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from servers import Server, operator_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SESSION = "uclg-1-3-2"
POSITION = 1
PASSWORD = "browser-test-password"


def _server(folder: Path) -> Server:
    """One ``deliberate serve --demo`` process on its own SQLite database."""
    # Every test posts a few times as the same people; the default (5 per 30 s) is for crowds.
    env = operator_env(
        folder, database_url=f"sqlite:///{folder / 'db.sqlite3'}", secret_key="test", rate_posts="1000"
    )
    return Server("the live server", folder, env)


@dataclass
class Person:
    name: str
    email: str
    role: str


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory, chromium_path):
    live = _server(tmp_path_factory.mktemp("live-server"))
    live.start("--demo")
    yield live
    live.stop()


@pytest.fixture(scope="session")
def people(server) -> dict[str, Person]:
    """Two attendees (signed up and registered through the HTTP API) and a moderator (granted by CLI)."""
    suffix = uuid.uuid4().hex[:6]
    everyone = {}
    for name, role in (("Alice", "attendee"), ("Bruno", "attendee"), ("Mona", "moderator")):
        person = Person(name, f"{name.lower()}-{suffix}@example.org", role)
        http = requests.Session()
        answer = http.post(
            f"{server.url}/api/v1/auth/signup",
            json={"email": person.email, "name": name, "password": PASSWORD, "language": "en"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        answer = http.post(f"{server.url}/api/v1/sessions/{SESSION}/register", json={}, timeout=10)
        assert answer.status_code in (200, 201), answer.text
        if role != "attendee":
            server.cli("grant", SESSION, person.email, role)
        everyone[name.lower()] = person
    return everyone


@pytest.fixture(scope="session")
def moderator_api(server, people):
    """A logged-in HTTP session of the moderator, for setting a question up between tests."""
    http = requests.Session()
    answer = http.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": people["mona"].email, "password": PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return http


@pytest.fixture(scope="session")
def question_id(server, moderator_api) -> int:
    answer = moderator_api.get(f"{server.url}/api/v1/sessions/{SESSION}", timeout=10)
    assert answer.status_code == 200, answer.text
    return next(q["id"] for q in answer.json()["questions"] if q["position"] == POSITION)


@pytest.fixture(scope="session")
def question_ids(server, moderator_api) -> dict[int, int]:
    """The demo session's question ids by position (1 to 5)."""
    answer = moderator_api.get(f"{server.url}/api/v1/sessions/{SESSION}", timeout=10)
    assert answer.status_code == 200, answer.text
    return {q["position"]: q["id"] for q in answer.json()["questions"]}


@pytest.fixture(autouse=True)
def open_question(server, moderator_api, question_id):
    """Every test starts with the question open, whatever the previous one did."""
    answer = moderator_api.patch(
        f"{server.url}/api/v1/questions/{question_id}", json={"status": "open"}, timeout=10
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def log_in(browser, server, people):
    """``log_in("alice")`` → a page of a new browser context, logged in through the log-in page."""
    contexts = []

    def open_page(who: str):
        person = people[who]
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", person.email)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/login" not in page.url, f"{who} could not log in"
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def room(log_in):
    """``room("alice")`` → that person's page on the question's room, once it is live;
    ``room("alice", position=2)`` → the room of another question of the session."""
    from playwright.sync_api import expect

    def open_room(who: str, path: str = "", position: int = POSITION):
        page = log_in(who)
        page.goto(f"/s/{SESSION}/q/{position}{path}")
        if not path:
            expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        return page

    return open_room
