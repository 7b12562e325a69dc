"""nginx run with docs/nginx/deliberate.conf in front of real processes (test_nginx.py, test_faults.py).

The file is used as written except for what differs between a server and a test: the ports, a
self-signed certificate instead of the real one, and the static folder of this checkout. Every
replacement must match, so the tests break loudly if the documented file drifts from what they check.
nginx is `apt-get install nginx` (or nginx-light); .ci/run installs it, so under CI a missing nginx
fails rather than skips.
"""

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from multiprocess.deployment import Member, free_port

from deliberate.paths import resource_dir

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONFIG = DOCS / "nginx" / "deliberate.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


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


@contextmanager
def running_nginx(folder: Path, upstreams: list[int]) -> Iterator[Proxy]:
    """nginx with docs/nginx/deliberate.conf in front of the processes on ``upstreams``."""
    _require(NGINX, "nginx")
    _require("openssl", "openssl")
    _self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    main = adapted_config(folder, upstreams, http_port, https_port)
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
