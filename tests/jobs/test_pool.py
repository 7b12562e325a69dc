"""The embedded pool of ``deliberate serve``: real child processes on the same SQLite database."""

import os
import signal

from helpers import events_until

from deliberate.extensions import db
from deliberate.jobs.models import Job


def test_a_job_goes_from_queued_through_running_to_done_in_a_worker_process(
    app, pool, enqueue, wait_for, make_user, connect
):
    asker, other = make_user("Ana"), make_user("Bo")
    mine, theirs = connect(asker), connect(other)
    mine.get_received(), theirs.get_received()

    job_id = enqueue("deliberate.jobs.samples.count", 4, user_id=asker.id)
    queued = wait_for(job_id, timeout=0)
    done = wait_for(job_id)

    events = events_until(mine, "job", lambda event: event["state"] == "done")
    assert queued.state in ("queued", "running")
    assert done.state == "done" and done.result == {"steps": 4} and done.worker.startswith("local:")
    assert int(done.worker.split(":")[1]) != os.getpid()
    assert [events[0]["state"], events[-1]["state"]] == ["running", "done"]
    assert [m for m in theirs.get_received() if m["name"] == "job"] == []


def test_a_job_whose_worker_dies_is_retried_once_then_failed(pool, enqueue, wait_for, make_user):
    job_id = enqueue("deliberate.jobs.samples.die", user_id=make_user().id)

    failed = wait_for(job_id)

    assert failed.state == "failed" and failed.attempts == 2
    assert "stopped" in failed.error_message


def test_a_worker_killed_mid_job_is_replaced_and_the_job_retried(app, pool, enqueue, wait_for, make_user):
    job_id = enqueue("deliberate.jobs.samples.wait", 30, user_id=make_user().id)
    running = _running(app, job_id, attempt=1)
    os.kill(int(running.worker.split(":")[1]), signal.SIGKILL)
    retried = _running(app, job_id, attempt=2)
    os.kill(int(retried.worker.split(":")[1]), signal.SIGKILL)

    failed = wait_for(job_id)

    assert retried.worker != running.worker
    assert failed.state == "failed" and failed.attempts == 2


def test_work_queued_before_the_server_started_runs_when_its_pool_starts(app, enqueue, wait_for):
    from deliberate.jobs.local import LocalPool

    job_id = enqueue("deliberate.jobs.samples.count", 2)  # inline backend would run it: queue by hand
    with app.app_context():
        job = db.session.get(Job, job_id)
        job.state, job.result = "queued", None
        db.session.commit()
    started = LocalPool(app, 1).start()
    try:
        assert wait_for(job_id).state == "done"
    finally:
        started.stop()


def _running(app, job_id: str, attempt: int) -> Job:
    """The job once a worker is running its ``attempt``-th try (waiting as the API's ?wait does)."""
    from deliberate import jobs

    with app.app_context():
        for _look in range(2000):
            job = jobs.get(job_id)
            db.session.refresh(job)
            if job.state == "running" and job.attempts == attempt:
                db.session.expunge(job)
                return job
            db.session.commit()
            from deliberate.extensions import socketio

            socketio.sleep(0.05)
    raise AssertionError(f"job {job_id} never ran attempt {attempt}")


def test_pool_workers_run_below_the_servers_priority_on_one_thread(app, pool, enqueue, wait_for):
    done = wait_for(enqueue("deliberate.jobs.samples.environment"))

    assert done.result == {
        "nice": min(19, os.nice(0) + app.config["JOB_NICE"]),
        "omp_threads": os.environ.get("OMP_NUM_THREADS", "1"),
    }
