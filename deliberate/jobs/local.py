"""The embedded pool: worker processes that ``deliberate serve`` starts, feeds and supervises itself.

No extra command, no extra service: the server keeps a queue of job ids, and each slot of the pool
owns one child process (``deliberate worker --local``) on the same database. The server writes
``run ID`` on the child's standard input; the child runs the job and answers on its standard output,
one JSON object a line: ``{"emit": [event, payload, rooms]}`` for what the job publishes (workers have
no sockets, so the server sends it on) and ``{"done": ID}``. A child that exits mid-job (killed,
out of memory, crashed) is seen at once, the job is retried once (``runner.worker_died``) and the
slot starts a new child.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from deliberate.extensions import socketio
from deliberate.jobs import runner

log = logging.getLogger(__name__)


SINGLE_THREADED = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_size() -> int:
    """One worker per two cores, at least one: the other half serves the rooms."""
    return max(1, (os.cpu_count() or 2) // 2)


def child_command() -> list[str]:
    return [sys.executable, "-m", "deliberate.cli", "worker", "--local"]


class LocalPool:
    def __init__(self, app: Flask, size: int, command: list[str] | None = None) -> None:
        self.app = app
        self.size = max(1, size)
        self.command = command or child_command()
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.children: list[subprocess.Popen | None] = [None] * self.size
        self.running: dict[int, str] = {}  # slot -> job id
        self.stopping = False

    # The backend interface: called after a commit that enqueued ``job_id``.
    def submit(self, job_id: str) -> None:
        self.jobs.put(job_id)

    def start(self) -> LocalPool:
        # What a previous server left behind: half-run jobs count as a worker's death, queued ones go on.
        for job_id in runner.stale(self.app, older_than=0):
            runner.worker_died(self.app, job_id)
        for job_id in runner.queued(self.app):
            self.submit(job_id)
        for slot in range(self.size):
            socketio.start_background_task(self._slot, slot)
        return self

    def stop(self) -> None:
        self.stopping = True
        for _slot in range(self.size):
            self.jobs.put(None)
        for child in self.children:
            if child is not None and child.poll() is None:
                child.terminate()

    def pids(self) -> list[int]:
        return [c.pid for c in self.children if c is not None and c.poll() is None]

    def _environment(self) -> dict[str, str]:
        return {
            # One worker is one core: numerical libraries' thread pools would spin on every core,
            # the server's included (and cost twice the CPU on a shared machine).
            **{name: "1" for name in SINGLE_THREADED},
            **os.environ,
            "DELIBERATE_DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
            "DELIBERATE_INSTANCE_PATH": self.app.instance_path,
            "DELIBERATE_SECRET_KEY": self.app.config["SECRET_KEY"],
        }

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self._environment(),
            text=True,
            bufsize=1,
        )

    def _slot(self, slot: int) -> None:
        while not self.stopping:
            child = self.children[slot] = self._spawn()
            while not self.stopping:
                job_id = self.jobs.get()
                if job_id is None:
                    break
                self.running[slot] = job_id
                finished = self._hand_over(child, job_id)
                self.running.pop(slot, None)
                if not finished:
                    child.wait()
                    log.warning(
                        "job worker %s stopped (status %s) during job %s", child.pid, child.returncode, job_id
                    )
                    if runner.worker_died(self.app, job_id) and not self.stopping:
                        self.submit(job_id)
                    break  # this slot starts a new child

    def _hand_over(self, child: subprocess.Popen, job_id: str) -> bool:
        """Give the child the job and relay what it says until it is done (True) or gone (False)."""
        publisher = self.app.extensions["deliberate.publisher"]
        try:
            child.stdin.write(f"run {job_id}\n")
            child.stdin.flush()
        except OSError:
            return False
        for line in child.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "emit" in message:
                event, payload, to = message["emit"]
                publisher.emit(event, payload, to)
            elif message.get("done") == job_id:
                return True
        return False


class PipePublisher:
    """In a pool's child: what a job publishes goes to the server, which sends it to the sockets."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self.send = send

    def emit(self, event: str, payload: dict[str, Any], to: list[str]) -> None:
        self.send({"emit": [event, payload, list(to)]})


def serve_parent(app: Flask) -> None:
    """The child's loop: run each job the server names, until the server goes (end of input)."""
    nice = app.config.get("JOB_NICE", 0)
    if nice > 0:
        # Below the server's priority: the rooms' event loop gets the cores first, the jobs the rest
        # (their children, such as the PDF compiler, inherit it).
        os.nice(nice)
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to the log, never into the protocol
    lock = threading.Lock()

    def send(message: dict[str, Any]) -> None:
        with lock:
            protocol.write(json.dumps(message) + "\n")
            protocol.flush()

    from deliberate.realtime.setup import publish_through

    publish_through(app, PipePublisher(send))
    for line in sys.stdin:
        command, _sep, job_id = line.strip().partition(" ")
        if command == "run":
            runner.execute(app, job_id, f"local:{os.getpid()}")
            send({"done": job_id})
