"""Real ``deliberate serve`` processes for the end-to-end tests (browser, several processes, nginx).

A server is started as an operator would start it: ``python -m deliberate.cli serve`` with only
environment variables, none of the test suite's own ``DELIBERATE_*`` settings (tests/conftest.py
forces threading mode and no message queue at import time; a real server runs eventlet or gevent).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

STARTUP_SECONDS = 180  # a cold start (imports, migrations) took over 60 s on a loaded 2-core machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def operator_env(folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a server with ``settings`` as DELIBERATE_<NAME> variables (upper-cased)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DELIBERATE_")}
    env["DELIBERATE_INSTANCE_PATH"] = str(folder)
    env["PYTHONUNBUFFERED"] = "1"
    # One test script plays a whole hall from one address, logging the same people in test after test:
    # the per-address and per-person throttles (tested in-process, tests/accounts/test_hardening.py)
    # are set wide here unless a test asks for its own.
    env.update({f"DELIBERATE_{name}": value for name, value in TEST_THROTTLES.items()})
    env.update({f"DELIBERATE_{name.upper()}": value for name, value in settings.items()})
    return env


TEST_THROTTLES = {
    "RATE_LOGIN_IP": "10000/minute",
    "RATE_LOGIN_ACCOUNT": "10000/minute",
    "RATE_SIGNUP_IP": "10000/minute",
    "RATE_STATE_READS": "10000/minute",
    "RATE_JOINS": "10000/minute",
    "RATE_CONNECTS": "10000/minute",
    "SOCKETS_PER_PERSON": "50",
    "RATE_VOTES": "100000",
}


class Server:
    """One server process; ``restart`` keeps its port, database and arguments."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.folder = folder
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.args: tuple[str, ...] = ()
        self.process: subprocess.Popen | None = None

    def start(self, *extra: str) -> None:
        if extra:
            self.args = extra
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "deliberate.cli", "serve", "--port", str(self.port), *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)  # polling a starting process, not standing in for synchronisation
        self.stop()
        raise RuntimeError(f"{self.name} did not answer /healthz in {STARTUP_SECONDS} s:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def cli(self, *args: str) -> str:
        """Run a ``deliberate`` command against this server's database and configuration."""
        done = subprocess.run(
            [sys.executable, "-m", "deliberate.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"deliberate {' '.join(args)}: {done.stderr}"
        return done.stdout
