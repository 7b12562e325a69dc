"""The servers' sweep of the Redis job queue: a job whose row says queued but that the queue lost (Redis
restarted empty) is queued again; a job the queue holds is left alone."""

import uuid
from datetime import timedelta

import pytest
import redis
from services import redis_url

from deliberate.dbtypes import utcnow
from deliberate.extensions import db
from deliberate.jobs import runner
from deliberate.jobs.models import Job
from deliberate.jobs.queue import RedisBackend

REDIS_DB = 11


@pytest.fixture
def backend():
    url = redis_url(REDIS_DB)
    redis.Redis.from_url(url).flushdb()
    yield RedisBackend(url)
    redis.Redis.from_url(url).flushdb()


def queued_job(app, seconds_ago: float) -> str:
    with app.app_context():
        job = Job(id=uuid.uuid4().hex, name="deliberate.jobs.samples.count", args=[1], state="queued")
        job.created_at = utcnow() - timedelta(seconds=seconds_ago)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_queued_job_the_queue_lost_is_queued_again(app, backend):
    lost = queued_job(app, seconds_ago=60)
    held = queued_job(app, seconds_ago=60)
    backend.submit(held)
    submitted: list[str] = []

    runner.sweep(app, 60, submitted.append, backend.waiting)

    assert submitted == [lost]


def test_a_job_just_queued_is_left_to_its_own_submission(app, backend):
    queued_job(app, seconds_ago=0)
    submitted: list[str] = []

    runner.sweep(app, 60, submitted.append, backend.waiting)

    assert submitted == []


def test_the_queue_s_holdings_name_our_jobs(app, backend):
    one, two = queued_job(app, 0), queued_job(app, 0)
    backend.submit(one)
    backend.submit(two)
    backend.submit(two)  # a retry is another RQ job for the same row

    assert backend.waiting() == {one, two}
