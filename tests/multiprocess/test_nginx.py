"""docs/nginx/deliberate.conf, run by a real nginx in front of the two processes, carries a room (how
the file is adapted for a test: tests/multiprocess/nginx.py)."""

import re
import uuid
from collections.abc import Iterator

import pytest
import requests
import socketio
from multiprocess.deployment import Member, sign_up
from multiprocess.nginx import CONFIG, DOCS, Proxy, running_nginx

from deliberate.paths import resource_dir

POSITION = 1

# The certificate is self-signed, made for the test.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture(scope="module")
def proxy(system, tmp_path_factory) -> Iterator[Proxy]:
    with running_nginx(tmp_path_factory.mktemp("nginx"), [system.a.port, system.b.port]) as running:
        yield running


@pytest.fixture
def visitors(proxy) -> Iterator:
    """``visitors("Ana")`` → an attendee signed up through nginx (so holding its route cookie)."""
    made: list[Member] = []

    def make(name: str) -> Member:
        member = sign_up(proxy.url, name, verify=False)
        made.append(member)
        return member

    yield make
    for member in made:
        member.disconnect()


def test_the_deployment_guide_shows_the_tested_configuration():
    guide = (DOCS / "deploy.md").read_text()

    shown = re.search(r"^```nginx\n(.*?)^```$", guide, flags=re.MULTILINE | re.DOTALL)

    assert shown is not None and shown.group(1) == CONFIG.read_text()


def test_nginx_accepts_the_documented_configuration(proxy):
    checked = proxy.check()

    assert checked.returncode == 0, checked.stderr


def test_nginx_sets_a_route_cookie_on_the_first_visit(proxy):
    answer = requests.get(f"{proxy.url}/healthz", verify=False, timeout=10)

    assert answer.cookies.get("deliberate_route")


def test_nginx_redirects_plain_http_to_https(proxy):
    answer = requests.get(f"{proxy.plain_url}/healthz", allow_redirects=False, timeout=10)

    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_nginx_serves_static_files_itself(proxy):
    name = "vendor/socket.io-client-4.8.4/socket.io.min.js"

    answer = requests.get(f"{proxy.url}/static/{name}", verify=False, timeout=10)

    assert answer.content == (resource_dir("static") / name).read_bytes()
    assert "max-age=3600" in answer.headers["Cache-Control"]  # nginx's `expires 1h`, not Flask's


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_browser_origin_joins_a_room_through_nginx(system, proxy, visitors, transport):
    visitor = visitors("Nora")
    # The WebSocket client sends the page's Origin by itself; the polling one needs it said.
    origin = {"Origin": proxy.url} if transport == "polling" else {}

    visitor.connect(proxy.url, transports=[transport], headers=origin)

    question = system.questions[POSITION]
    assert visitor.join(question)["question"]["id"] == question


def test_a_socket_from_another_origin_is_refused_through_nginx(proxy, visitors):
    visitor = visitors("Mallory")

    with pytest.raises(socketio.exceptions.ConnectionError):
        visitor.connect(proxy.url, transports=["polling"], headers={"Origin": "https://elsewhere.example"})


def test_a_post_over_websocket_through_nginx_reaches_a_member_long_polling_through_nginx(
    system, proxy, visitors
):
    question = system.questions[POSITION]
    author, reader = visitors("Olga"), visitors("Paul")
    author.connect(proxy.url, transports=["websocket"])
    reader.connect(proxy.url, transports=["polling"])
    author.join(question)
    reader.join(question)

    posted = author.post(question, "Through nginx")

    reader.wait_for("contribution", lambda c: c["id"] == posted["id"], "the post through nginx")


def test_each_long_polling_visitor_sticks_to_one_process_while_visitors_spread_over_both(
    system, proxy, visitors
):
    question = system.questions[POSITION]
    seen: set[str] = set()
    polling: list[Member] = []
    # Routes are random: visitors come until both processes have some (12 all on one: 1 in 2,048).
    while len(seen) < 2 and len(polling) < 12:
        visitor = visitors(f"Poller{len(polling)}")
        visitor.connect(proxy.url, transports=["polling"])
        visitor.join(question)
        visitor.post(question, f"Polling {uuid.uuid4().hex[:6]}")
        polling.append(visitor)
        seen |= proxy.socket_upstreams(visitor)

    assert [len(proxy.socket_upstreams(visitor)) for visitor in polling] == [1] * len(polling)
    assert seen == {f"127.0.0.1:{system.a.port}", f"127.0.0.1:{system.b.port}"}
