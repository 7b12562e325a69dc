"""Fixtures for the job layer: an embedded pool of real worker processes on the test's database."""

import pytest

from deliberate.extensions import db
from deliberate.jobs import BACKEND
from deliberate.jobs.models import Job


@pytest.fixture
def pool(app):
    """The embedded pool (one real child process) as ``deliberate serve`` runs it."""
    from deliberate.jobs.local import LocalPool

    started = LocalPool(app, 1).start()
    app.extensions[BACKEND] = started
    yield started
    started.stop()


@pytest.fixture
def job_state(app):
    def read(job_id: str) -> Job:
        with app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge(job)
            return job

    return read


@pytest.fixture
def enqueue(app):
    """Enqueue a job as a service would and commit; returns its id."""
    from deliberate import jobs

    def run(name: str, *args, **options) -> str:
        with app.app_context():
            job = jobs.enqueue(name, *args, **options)
            db.session.commit()
            return job["id"]

    return run


@pytest.fixture
def wait_for(app):
    """The job once ended, waiting (as the API's ?wait=1 does) at most ``timeout`` seconds."""
    from deliberate import jobs

    def until_ended(job_id: str, timeout: float = 120):
        with app.app_context():
            job = jobs.wait(job_id, timeout)
            db.session.expunge(job)
            return job

    return until_ended
