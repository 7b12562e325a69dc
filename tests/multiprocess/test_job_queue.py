"""The scaled layout: a real ``deliberate serve`` and a real ``deliberate worker`` on Redis (RQ) and
PostgreSQL. Exports run in the worker; their progress reaches the asker's socket through the message
queue; a job whose worker dies is retried once, then failed. Skips without Redis or PostgreSQL, fails
under CI=true."""

import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import make_config
from multiprocess.conftest import NEIGHBOUR_REDIS_DB, _flush_redis
from multiprocess.deployment import SESSION, Server, server_env, sign_up, wait_until
from services import drop_postgres_database, postgres_url, redis_url

from deliberate.app import create_app
from deliberate.jobs import BACKEND
from deliberate.jobs.queue import RedisBackend


class Deployment:
    def __init__(self, server: Server, worker: subprocess.Popen, app) -> None:
        self.server, self.worker, self.app = server, worker, app

    def enqueue(self, name: str, *args) -> str:
        """Enqueue a job from this test process, as any server process would."""
        from deliberate import jobs
        from deliberate.extensions import db

        with self.app.app_context():
            job = jobs.enqueue(name, *args)
            db.session.commit()
            return job["id"]

    def job(self, job_id: str):
        from deliberate.extensions import db
        from deliberate.jobs.models import Job

        with self.app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge(job)
            db.session.remove()
            return job


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("job-queue")
    database_url, queue_url = postgres_url(), redis_url(NEIGHBOUR_REDIS_DB)
    _flush_redis(queue_url)
    env = server_env(folder, database_url, queue_url, "eventlet") | {
        "DELIBERATE_JOB_QUEUE": queue_url,
        "DELIBERATE_JOB_STALE": "3",  # a dead worker's job is noticed within seconds, not a minute
    }
    server = Server("A", folder, env)
    worker = None
    try:
        server.start("--demo")
        with (folder / "worker.log").open("ab") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "deliberate.cli", "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        app = create_app(make_config(folder / "tester", database_url))
        app.extensions[BACKEND] = RedisBackend(queue_url)
        yield Deployment(server, worker, app)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
        server.stop()
        drop_postgres_database(database_url)
        _flush_redis(queue_url)


def moderator(deployment: Deployment, name: str = "Mo"):
    member = sign_up(deployment.server.url, name)
    deployment.server.cli("grant", SESSION, member.email, "moderator")
    return member


def test_an_export_runs_in_the_worker_and_its_progress_reaches_the_asker_only(deployment):
    asker, other = moderator(deployment), moderator(deployment, "Other")
    asker.connect(deployment.server.url)
    other.connect(deployment.server.url)

    started = asker.http.post(
        f"{deployment.server.url}/api/v1/sessions/{SESSION}/exports", json={"format": "pdf"}, timeout=30
    )
    job = started.json()["job"]
    ended = asker.http.get(f"{deployment.server.url}/api/v1/jobs/{job['id']}?wait=1", timeout=300).json()[
        "job"
    ]
    download = asker.http.get(deployment.server.url + ended["download_url"], timeout=30)
    done = asker.wait_for("job", lambda e: e["id"] == job["id"] and e["state"] == "done", "the done event")

    assert started.status_code == 202 and job["state"] in ("queued", "running")
    assert ended["state"] == "done" and download.content.startswith(b"%PDF")
    assert done["download_url"] == ended["download_url"]
    assert [e for e in other.events("job") if e["id"] == job["id"]] == []


def test_the_contract_report_download_waits_for_the_worker(deployment):
    asker = moderator(deployment)

    answer = asker.http.get(
        f"{deployment.server.url}/api/v1/sessions/{SESSION}/report?format=docx", timeout=300
    )

    assert answer.status_code == 200 and answer.content.startswith(b"PK")


def test_a_job_whose_worker_dies_is_retried_once_then_failed(deployment):
    job_id = deployment.enqueue("deliberate.jobs.samples.die")

    failed = wait_until(
        lambda: (job := deployment.job(job_id)).state == "failed" and job, seconds=120, what="a failed job"
    )

    assert failed.attempts == 2 and "stopped" in failed.error_message
    assert deployment.worker.poll() is None  # RQ's forked child died, the worker goes on
