"""Small jobs that show the job layer's behaviour: the tests and the stall bench run them."""

import os
import time

from flask_babel import gettext as _

from deliberate import jobs
from deliberate.errors import DomainError


def count(steps: int) -> dict:
    """Report each of ``steps`` steps as progress; the result says how many there were."""
    for done in range(steps):
        jobs.progress(done, steps)
    return {"steps": steps}


def wait(seconds: float) -> dict:
    """Wait ``seconds`` (a job that takes a while, to be killed or shared)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.05)
    return {"waited": seconds}


def fail() -> None:
    """Fail with a translated message."""
    raise DomainError("invalid", _("No such session."))


def die() -> None:
    """The worker process dies in the middle of the job (as when killed or out of memory)."""
    os._exit(3)


def crash() -> None:
    """Fail with an unexpected error (a bug): the asker hears only that it failed."""
    raise RuntimeError("internal detail that must not reach the asker")


def environment() -> dict:
    """Where the job runs: its CPU priority and its numerical libraries' thread count."""
    return {"nice": os.nice(0), "omp_threads": os.environ.get("OMP_NUM_THREADS")}
