"""The HTTP face of jobs, for pages and scripts: a job's state, and its file once done."""

from flask import Blueprint, Flask, current_app, jsonify, request
from flask_login import current_user

from deliberate import jobs
from deliberate.access import require_role, require_user
from deliberate.api import file_response
from deliberate.errors import forbidden
from deliberate.jobs.models import Job

api = Blueprint("jobs_api", __name__, url_prefix="/api/v1/jobs")


def register(app: Flask) -> None:
    app.register_blueprint(api)


def require_reader(user, job: Job) -> None:
    """Whoever could have asked for the job may read it; nobody else, asker or not."""
    user = require_user(user)
    if job.session_id is not None and job.roles:
        require_role(user, job.session_id, frozenset(job.roles))
    elif user.id not in job.askers:
        raise forbidden()


def wants_wait() -> bool:
    return request.args.get("wait") in ("1", "true", "yes")


def answer(job_id: str, status: int = 200):
    """The job's view; with ``?wait=1``, once it has ended (or the time limit has passed)."""
    job = jobs.wait(job_id, current_app.config["JOB_WAIT"]) if wants_wait() else jobs.get(job_id)
    return jsonify({"job": jobs.view(job)}), 200 if job.state in ("done", "failed") else status


@api.route("/<job_id>", methods=["GET"])
def show(job_id: str):
    require_reader(current_user, jobs.get(job_id))
    return answer(job_id)


@api.route("/<job_id>/file", methods=["GET"])
def file(job_id: str):
    job = jobs.get(job_id)
    require_reader(current_user, job)
    kept = jobs.result_file(job)
    return file_response(kept.data, kept.media_type, kept.filename)
