"""docs/nginx/deliberate.conf, run by a real nginx in front of the two processes, carries a room.

The file is used as written except for what differs between a server and a test: the ports, a
self-signed certificate instead of the real one, and the static folder of this checkout. Every
replacement must match, so the test breaks loudly if the documented file drifts from what it checks.
nginx is `apt-get install nginx` (or nginx-light); .ci/run installs it, so under CI a missing nginx
fails rather than skips.
"""

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
from multiprocess.deployment import Member, free_port, sign_up

from deliberate.paths import resource_dir

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONFIG = DOCS / "nginx" / "deliberate.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSITION = 1

# The certificate is self-signed, made for the test.
pytestmark = [
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
    pytest.mark.xdist_group("multiprocess"),  # see pyproject.toml
]


def _require(program: str, package: str) -> None:
    if os.path.exists(program) or shutil.which(program):
        return
    message = f"{program} is not installed (apt-get install {package}); .ci/run installs it for CI"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _replace(text: str, pattern: str, replacement: str, count: int = 0) -> str:
    """``re.sub`` that insists on matching: the documented file must still contain what we adapt."""
    changed, matches = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert matches, f"docs/nginx/deliberate.conf no longer contains {pattern!r}"
    return changed


def adapted_config(folder: Path, upstreams: list[int], http_port: int, https_port: int) -> Path:
    text = CONFIG.read_text()
    documented = "".join(re.findall(r"^    server 127\.0\.0\.1:\d+;\n", text, flags=re.MULTILINE))
    assert documented and documented in text, "the upstream's server lines are no longer together"
    text = text.replace(documented, "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams))
    text = _replace(text, r"^    listen \[::\]:\d+( ssl)?;\n", "")  # the test machine may lack IPv6
    text = _replace(text, r"^    listen 80;", f"    listen 127.0.0.1:{http_port};")
    text = _replace(text, r"^    listen 443 ssl;", f"    listen 127.0.0.1:{https_port} ssl;")
    text = _replace(text, r"ssl_certificate( +)\S+;", rf"ssl_certificate\g<1>{folder / 'cert.pem'};")
    text = _replace(text, r"ssl_certificate_key( +)\S+;", rf"ssl_certificate_key\g<1>{folder / 'key.pem'};")
    text = _replace(text, r"alias \S+/static/;", f"alias {resource_dir('static')}/;")
    site = folder / "deliberate.conf"
    site.write_text(text)
    main = folder / "nginx.conf"
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format routes '$cookie_deliberate_route $upstream_addr $request_uri';
    access_log {folder / "access.log"} routes;
{temp}
    include {site};
}}
"""
    )
    return main


def _self_signed_certificate(folder: Path) -> None:
    key, certificate = folder / "key.pem", folder / "cert.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1".split()
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True, timeout=60
    )


class Proxy:
    def __init__(self, main: Path, http_port: int, https_port: int) -> None:
        self.main = main
        self.url = f"https://127.0.0.1:{https_port}"
        self.plain_url = f"http://127.0.0.1:{http_port}"

    def socket_upstreams(self, member: Member) -> set[str]:
        """The processes (host:port) that nginx sent ``member``'s Socket.IO requests to."""
        route = member.http.cookies.get("deliberate_route")
        lines = (self.main.parent / "access.log").read_text().splitlines()
        return {
            upstream
            for cookie, upstream, uri in (line.split(" ", 2) for line in lines)
            if cookie == route and uri.startswith("/socket.io/")
        }

    def check(self) -> subprocess.CompletedProcess:
        folder = self.main.parent
        return subprocess.run(
            [NGINX, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(self.main)],
            capture_output=True,
            text=True,
            timeout=30,
        )


@pytest.fixture(scope="module")
def proxy(system, tmp_path_factory) -> Iterator[Proxy]:
    _require(NGINX, "nginx")
    _require("openssl", "openssl")
    folder = tmp_path_factory.mktemp("nginx")
    _self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    main = adapted_config(folder, [system.a.port, system.b.port], http_port, https_port)
    running = Proxy(main, http_port, https_port)
    checked = running.check()
    assert checked.returncode == 0, checked.stderr
    log = (folder / "nginx.out").open("wb")
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, (folder / "error.log").read_text()
            try:
                if requests.get(f"{running.url}/healthz", verify=False, timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "nginx did not answer /healthz in 20 s"
            time.sleep(0.1)  # polling a starting process, not standing in for synchronisation
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


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
