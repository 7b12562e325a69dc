"""A job's life, sharing, the cache, failures and who may read a job, on the inline backend."""

from flask_babel import force_locale
from flask_babel import gettext as _

from deliberate import jobs
from deliberate.extensions import db


def job_events(sock) -> list[dict]:
    return [m["args"][0] for m in sock.get_received() if m["name"] == "job"]


def test_an_export_job_runs_to_done_and_its_file_downloads(make_member, login, demo_session):
    moderator = make_member("moderator")
    http = login(moderator)

    started = http.post(f"/api/v1/sessions/{demo_session.code}/exports", json={"format": "md", "lang": "en"})
    job = started.get_json()["job"]
    shown = http.get(f"/api/v1/jobs/{job['id']}").get_json()["job"]
    download = http.get(shown["download_url"])

    assert shown["state"] == "done" and shown["kind"] == "reports.export"
    assert download.status_code == 200 and download.data.startswith(b"#")


def test_progress_reaches_the_asker_only(make_member, connect, login, demo_session):
    moderator, other = make_member("moderator"), make_member("moderator", "Other")
    mine, theirs = connect(moderator), connect(other)
    mine.get_received(), theirs.get_received()

    login(moderator).post(f"/api/v1/sessions/{demo_session.code}/exports", json={"format": "html"})

    events = job_events(mine)
    assert [events[0]["state"], events[-1]["state"]] == ["running", "done"]
    assert any(e["progress"]["total"] == 3 for e in events if e["state"] == "running")
    assert events[-1]["download_url"] == f"/api/v1/jobs/{events[-1]['id']}/file"
    assert job_events(theirs) == []


def test_two_identical_requests_while_one_is_queued_share_the_job(app, make_user):
    first, second = make_user("Ana"), make_user("Bo")
    with app.app_context():
        a = jobs.enqueue("deliberate.jobs.samples.count", 3, key="same", user_id=first.id)
        b = jobs.enqueue("deliberate.jobs.samples.count", 3, key="same", user_id=second.id)
        other = jobs.enqueue("deliberate.jobs.samples.count", 3, key="different", user_id=second.id)
        db.session.commit()
        shared = jobs.get(a["id"])

        assert a["id"] == b["id"] != other["id"]
        assert shared.askers == [first.id, second.id]
        assert shared.state == "done" and shared.result == {"steps": 3}


def test_a_fresh_job_that_has_started_is_not_joined(app, make_user):
    """A job that reads the state when it starts (embedding, translating, grouping) cannot serve a
    request made after it started: that request gets a run of its own, or its contribution is missed."""
    asker = make_user("Ana")
    with app.app_context():
        queued = jobs.enqueue("deliberate.jobs.samples.count", 3, key="embed:1", fresh=True, user_id=asker.id)
        joined = jobs.enqueue("deliberate.jobs.samples.count", 3, key="embed:1", fresh=True)
        db.session.get(jobs.Job, queued["id"]).state = "running"  # as a worker marks it when it starts
        db.session.flush()
        shared = jobs.enqueue("deliberate.jobs.samples.count", 3, key="embed:1")
        later = jobs.enqueue("deliberate.jobs.samples.count", 3, key="embed:1", fresh=True)

        assert joined["id"] == queued["id"]
        assert later["id"] != queued["id"]
        assert shared["id"] == queued["id"]  # without fresh, a running job is still shared
        db.session.rollback()


def test_the_same_report_state_is_served_from_the_cache(make_member, login, demo_session):
    http = login(make_member("moderator"))
    path = f"/api/v1/sessions/{demo_session.code}/exports"

    first = http.post(path, json={"format": "csv", "lang": "fr"}).get_json()["job"]
    second = http.post(path, json={"format": "csv", "lang": "fr"}).get_json()["job"]

    assert first["id"] != second["id"]
    assert first["result"]["cached"] is False and second["result"]["cached"] is True
    assert first["result"]["file"] == second["result"]["file"]


def test_a_changed_report_is_built_again(make_member, joined, login, demo_session, question):
    moderator = make_member("moderator")
    http = login(moderator)
    path = f"/api/v1/sessions/{demo_session.code}/exports"
    first = http.post(path, json={"format": "json"}).get_json()["job"]

    ack = joined(make_member("attendee")).emit(
        "post",
        {"question_id": question.id, "text": "A new idea for the report", "client_id": "c1"},
        callback=True,
    )
    second = http.post(path, json={"format": "json"}).get_json()["job"]

    assert ack["ok"]
    assert second["result"]["cached"] is False and second["result"]["file"] != first["result"]["file"]


def test_a_failed_job_says_why_in_the_askers_language(app, make_user):
    asker = make_user("Ana")
    with app.app_context():
        job_id = jobs.enqueue("deliberate.jobs.samples.fail", user_id=asker.id, language="fr")["id"]
        db.session.commit()
        failed = jobs.view(jobs.get(job_id))
        with force_locale("fr"):
            expected = _("No such session.")

    assert failed["state"] == "failed"
    assert failed["error"] == {"code": "invalid", "message": expected}
    assert expected != "No such session."


def test_an_unexpected_error_fails_the_job_without_details(app, make_user):
    with app.app_context():
        job_id = jobs.enqueue("deliberate.jobs.samples.crash", user_id=make_user().id)["id"]
        db.session.commit()
        failed = jobs.get(job_id)

    assert failed.state == "failed" and failed.error_message == "The server could not finish this job."


def test_attendees_may_not_start_an_export(make_member, login, demo_session):
    response = login(make_member("attendee")).post(
        f"/api/v1/sessions/{demo_session.code}/exports", json={"format": "pdf"}
    )

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_only_who_could_have_asked_reads_a_job_and_its_file(make_member, make_user, login, demo_session):
    job = (
        login(make_member("moderator"))
        .post(f"/api/v1/sessions/{demo_session.code}/exports", json={"format": "md"})
        .get_json()["job"]
    )
    rapporteur, attendee, stranger = (
        login(make_member("rapporteur")),
        login(make_member("attendee")),
        login(make_user("Zed")),
    )

    assert rapporteur.get(f"/api/v1/jobs/{job['id']}/file").status_code == 200
    for outsider in (attendee, stranger):
        assert outsider.get(f"/api/v1/jobs/{job['id']}").status_code == 403
        assert outsider.get(f"/api/v1/jobs/{job['id']}/file").status_code == 403


def test_an_unknown_job_is_not_found(make_member, login):
    response = login(make_member("moderator")).get("/api/v1/jobs/0123456789abcdef")

    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_the_report_download_of_the_contract_still_answers_with_the_file(make_member, login, demo_session):
    response = login(make_member("rapporteur")).get(f"/api/v1/sessions/{demo_session.code}/report?format=md")

    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/markdown")


class Refusing:
    """A backend whose queue is away (Redis down)."""

    def submit(self, job_id: str) -> None:
        raise ConnectionError("Redis is down")


def test_a_job_its_backend_refuses_fails_with_a_message_instead_of_waiting_forever(app, make_user):
    asker = make_user("Ana")
    app.extensions[jobs.BACKEND] = Refusing()
    with app.app_context():
        job = jobs.enqueue("deliberate.jobs.samples.count", 3, user_id=asker.id)
        db.session.commit()
        db.session.remove()
        refused = jobs.get(job["id"])

        assert (refused.state, refused.error_message) == (
            "failed",
            _("The job could not be queued; try again in a moment."),
        )


def test_a_job_waits_for_the_real_commit_not_a_savepoint_released_before_it(app, make_user):
    from deliberate.jobs.models import Job

    with app.app_context():
        job_id = jobs.enqueue("deliberate.jobs.samples.count", 2, user_id=make_user().id)["id"]
        with db.session.begin_nested():  # SQLAlchemy calls after_commit when a SAVEPOINT is released
            pass
        assert db.session.get(Job, job_id).state == "queued"
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Job, job_id).state == "done"
