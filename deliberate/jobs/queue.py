"""The scaled layout: jobs on a Redis queue (RQ), run by ``deliberate worker`` processes anywhere.

RQ carries only the job's id; the job itself (arguments, state, progress, result) is the database row,
as in the embedded pool, so any server process can answer for it. Each job runs in a child that RQ
forks from the worker (the worker's memory does not grow with every report; a crash kills only the
child). What a job publishes goes out through the Socket.IO message queue, which every ``serve``
process listens to. A worker that dies mid-job stops its job's heartbeat; the servers' sweep
(``runner.sweep``) puts the job back on the queue once, then marks it failed. The sweep also queues
again a job whose row says queued but that the queue no longer holds: Redis keeps nothing across a
restart (docs/deploy.md), so the jobs it held then would otherwise wait for ever.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from flask import Flask

from deliberate.jobs import runner

QUEUE = "deliberate-jobs"
# RQ's own limit for one job: past it RQ stops the child, which counts as a worker's death.
JOB_TIMEOUT = 30 * 60

_app: Flask | None = None  # the worker's application, inherited by the children RQ forks


def queue_name(url: str) -> str:
    """One queue per Redis database, as for the message channel: deployments sharing a server stay apart."""
    from redis.connection import parse_url

    return f"{QUEUE}-db{parse_url(url).get('db') or 0}"


class RedisBackend:
    def __init__(self, url: str) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(queue_name(url), connection=Redis.from_url(url))

    def waiting(self) -> set[str]:
        """The jobs (our ids) the queue holds: waiting for a worker, or started by one."""
        rq_ids = [*self.queue.get_job_ids(), *self.queue.started_job_registry.get_job_ids()]
        return {rq_id.rsplit("-", 1)[0] for rq_id in rq_ids}

    def submit(self, job_id: str) -> None:
        self.queue.enqueue(
            "deliberate.jobs.queue.perform",
            job_id,
            job_id=f"{job_id}-{os.urandom(3).hex()}",  # a retry is a new RQ job for the same row
            job_timeout=JOB_TIMEOUT,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )


def perform(job_id: str) -> None:
    """What RQ runs (in its forked child): the job with that id."""
    from deliberate.extensions import db

    assert _app is not None, "perform runs inside `deliberate worker`"
    with _app.app_context():
        db.engine.dispose(close=False)  # the parent's pooled connections are not this process's
    runner.execute(_app, job_id, f"rq:{socket.gethostname()}:{os.getpid()}")


class QueuePublisher:
    """In a worker: publish through the Socket.IO message queue, for the servers to deliver."""

    def __init__(self, url: str, channel: str) -> None:
        from flask_socketio import SocketIO

        self.emitter = SocketIO(message_queue=url, channel=channel)

    def emit(self, event: str, payload: dict[str, Any], to: list[str]) -> None:
        self.emitter.emit(event, payload, to=list(to))


def work(app: Flask, url: str, burst: bool = False) -> None:
    """Run jobs from the queue until stopped (or, with ``burst``, until the queue is empty)."""
    global _app
    from redis import Redis
    from rq import Queue, Worker

    _app = app
    connection = Redis.from_url(url)
    worker = Worker([Queue(queue_name(url), connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")
