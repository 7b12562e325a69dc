"""Report review end to end: submit versions, comment, ask for changes, approve, publish, audit.

Versions are frozen snapshots: a later change to the session shows in the next version (and in its
list of changes), never in an earlier one.
"""

from types import SimpleNamespace

import pytest
from reports.report_session import question_text

from deliberate.sessions.demo_content import DEMO_ORIGINAL_LANGUAGE

CODE = "uclg-1-3-2"
VERSIONS = f"/api/v1/sessions/{CODE}/versions"
OLD_SYNTHESIS_WORDS = "Community tourism divides the room"


@pytest.fixture
def people(filled, login):
    """Logged-in clients: moderator, rapporteur, organiser, attendee."""
    return SimpleNamespace(
        moderator=login(filled.people["mona"]),
        rapporteur=login(filled.people["rita"]),
        organiser=login(filled.people["olga"]),
        attendee=login(filled.people["amina"]),
    )


def submit(http, lang: str = "en"):
    return http.post(VERSIONS, json={"lang": lang})


def decide(http, number: int, decision: str, reason: str | None = None):
    if reason is None and decision == "request_changes":
        reason = "Cite the panelists too."  # required when asking for changes
    body = {"decision": decision} if reason is None else {"decision": decision, "reason": reason}
    return http.post(f"{VERSIONS}/{number}/decision", json=body)


def comment(http, number: int, section: str = "question-1", text: str = "Cite the panelists too."):
    return http.post(f"{VERSIONS}/{number}/comments", json={"section": section, "text": text})


def version(http, number: int) -> dict:
    response = http.get(f"{VERSIONS}/{number}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cluster_of(report: dict, cluster_id: int) -> dict:
    return next(c for c in report["questions"][0]["clusters"] if c["id"] == cluster_id)


def new_synthesis(filled) -> str:
    return f"Community tourism deeply divides the room (#{filled.ids['c7']})."


def change_synthesis(http, filled, text: str):
    response = http.patch(f"/api/v1/clusters/{filled.clusters['tourism']}", json={"synthesis": text})
    assert response.status_code == 200, response.get_json()


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def first_round(people):
    """Version 1 submitted, commented on and sent back for changes."""
    assert submit(people.moderator).status_code == 201
    assert comment(people.rapporteur, 1).status_code == 201
    assert decide(people.rapporteur, 1, "request_changes").status_code == 200
    return version(people.rapporteur, 1)


@pytest.fixture
def second_round(people, filled, first_round):
    """The tourism synthesis changed, version 2 submitted."""
    change_synthesis(people.moderator, filled, new_synthesis(filled))
    assert submit(people.moderator).status_code == 201
    return version(people.rapporteur, 2)


@pytest.fixture
def approved(people, second_round):
    response = decide(people.rapporteur, 2, "approve")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["version"]


# --- The review, step by step ----------------------------------------------------------------------


def test_moderator_submits_version_1(people):
    response = submit(people.moderator, "fr")

    assert response.status_code == 201
    body = response.get_json()["version"]
    assert (body["number"], body["status"], body["language"]) == (1, "submitted", "fr")
    assert body["submitted_by"] == "Mona"


def test_a_submitted_version_freezes_the_report_in_its_language(people, filled):
    submit(people.moderator, "es")

    report = version(people.rapporteur, 1)["report"]
    assert report["language"] == "es"
    assert report["questions"][0]["text"] == question_text(1, "es")
    assert report["version"]["number"] == 1
    assert cluster_of(report, filled.clusters["tourism"])["synthesis"].startswith(OLD_SYNTHESIS_WORDS)


def test_the_first_version_lists_no_changes(people):
    submit(people.moderator)

    assert version(people.rapporteur, 1)["changes"] == []


def test_rapporteur_comment_is_listed_with_its_section(people):
    submit(people.moderator)

    response = comment(people.rapporteur, 1, "question-1", "Cite the panelists too.")

    assert response.status_code == 201
    comments = version(people.moderator, 1)["comments"]
    assert [(c["section"], c["text"], c["author"]) for c in comments] == [
        ("question-1", "Cite the panelists too.", "Rita")
    ]


def test_a_version_read_again_shows_its_new_comments_and_decision_with_the_same_report(people):
    """The frozen parts of a version's answer are serialised once and kept; its comments and status
    are read live on every request."""
    submit(people.moderator)
    first = version(people.rapporteur, 1)

    assert comment(people.rapporteur, 1, "question-1", "Name the cities.").status_code == 201
    assert decide(people.rapporteur, 1, "request_changes").status_code == 200
    again = version(people.moderator, 1)

    assert first["comments"] == [] and first["version"]["status"] == "submitted"
    assert [c["text"] for c in again["comments"]] == ["Name the cities."]
    assert again["version"]["status"] == "changes_requested" and again["version"]["decided_by"] == "Rita"
    assert (again["report"], again["changes"], again["sections"]) == (
        first["report"],
        first["changes"],
        first["sections"],
    )


def test_rapporteur_asks_for_changes(people, first_round):
    assert first_round["version"]["status"] == "changes_requested"
    assert first_round["version"]["decided_by"] == "Rita"


def test_versions_are_numbered_in_order(people, second_round):
    listed = people.rapporteur.get(VERSIONS).get_json()["versions"]

    assert [(v["number"], v["status"]) for v in listed] == [(1, "changes_requested"), (2, "submitted")]


def test_version_2_lists_the_cluster_synthesis_change_with_a_word_diff(filled, second_round):
    assert second_round["changes"] == [
        {
            "section": f"cluster-{filled.clusters['tourism']}",
            "what": "synthesis",
            "words": [
                ["same", "Community tourism"],
                ["ins", "deeply"],
                ["same", f"divides the room (#{filled.ids['c7']})."],
            ],
        }
    ]


def test_version_2_carries_the_new_synthesis(filled, second_round):
    tourism = cluster_of(second_round["report"], filled.clusters["tourism"])

    assert tourism["synthesis"] == new_synthesis(filled)


def test_rapporteur_approves_version_2(approved):
    assert (approved["number"], approved["status"], approved["decided_by"]) == (2, "approved", "Rita")
    assert approved["decided_at"]


def test_version_1_is_frozen_after_later_changes(people, filled, first_round, approved):
    again = version(people.rapporteur, 1)

    assert again["report"] == first_round["report"]
    assert again["version"]["status"] == "changes_requested"
    tourism = cluster_of(again["report"], filled.clusters["tourism"])
    assert tourism["synthesis"].startswith(OLD_SYNTHESIS_WORDS)


def test_approved_version_is_frozen_after_later_changes(people, filled, approved):
    change_synthesis(people.moderator, filled, "Rewritten after approval.")

    report = people.attendee.get(f"/s/{CODE}/report?format=json").get_json()
    assert cluster_of(report, filled.clusters["tourism"])["synthesis"] == new_synthesis(filled)


# --- The published report --------------------------------------------------------------------------


def test_published_page_says_not_approved_before_approval(people, first_round):
    response = people.attendee.get(f"/s/{CODE}/report")

    assert response.status_code == 200
    assert "The report has not been approved yet." in response.get_data(as_text=True)


def test_published_page_links_to_every_format_after_approval(people, approved):
    response = people.attendee.get(f"/s/{CODE}/report")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "not been approved" not in page
    for fmt in ("html", "md", "pdf", "docx", "json", "csv"):
        assert f'href="?format={fmt}&amp;lang=' in page


def test_published_json_is_the_approved_snapshot(people, filled, approved):
    response = people.attendee.get(f"/s/{CODE}/report?format=json")

    assert response.status_code == 200
    assert 'filename="uclg-1-3-2-report-v2-en.json"' in response.headers["Content-Disposition"]
    report = response.get_json()
    assert (report["version"]["number"], report["version"]["status"]) == (2, "approved")
    assert cluster_of(report, filled.clusters["tourism"])["synthesis"] == new_synthesis(filled)


def test_published_report_needs_a_registration(people, approved, make_user, login):
    stranger = login(make_user("Stranger"))

    assert stranger.get(f"/s/{CODE}/report").status_code == 403


def test_published_report_of_an_unknown_session_is_not_found(people):
    assert people.attendee.get("/s/no-such-session/report").status_code == 404


# --- The audit log ---------------------------------------------------------------------------------


def test_audit_log_lists_the_review_in_order(people, approved):
    response = people.organiser.get(f"/api/v1/sessions/{CODE}/audit")

    assert response.status_code == 200
    review = [
        (e["action"], e["detail"].get("version"), e["actor"])
        for e in response.get_json()["entries"]
        if e["action"].startswith("report_")
    ]
    assert review == [
        ("report_submitted", 1, "Mona"),
        ("report_commented", 1, "Rita"),
        ("report_changes_requested", 1, "Rita"),
        ("report_submitted", 2, "Mona"),
        ("report_approved", 2, "Rita"),
    ]


@pytest.mark.parametrize("who", ["moderator", "rapporteur", "attendee"])
def test_audit_log_is_forbidden_to_everyone_but_organisers(people, who):
    response = getattr(people, who).get(f"/api/v1/sessions/{CODE}/audit")

    assert response.status_code == 403
    assert error_code(response) == "forbidden"


# --- Errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["attendee", "rapporteur"])
def test_only_moderators_submit(people, who):
    response = submit(getattr(people, who))

    assert response.status_code == 403
    assert error_code(response) == "forbidden"
    assert people.moderator.get(VERSIONS).get_json()["versions"] == []


def test_anonymous_cannot_submit(people, client):
    response = submit(client)

    assert response.status_code == 401
    assert error_code(response) == "unauthenticated"


def test_submitting_in_an_unknown_language_is_invalid(people):
    response = submit(people.moderator, "de")

    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_moderator_cannot_approve(people):
    submit(people.moderator)

    response = decide(people.moderator, 1, "approve")

    assert response.status_code == 403
    assert error_code(response) == "forbidden"
    assert version(people.rapporteur, 1)["version"]["status"] == "submitted"


def test_attendee_cannot_read_versions(people):
    submit(people.moderator)

    assert people.attendee.get(VERSIONS).status_code == 403
    assert people.attendee.get(f"{VERSIONS}/1").status_code == 403


def test_deciding_an_older_version_is_a_conflict(people):
    submit(people.moderator)
    submit(people.moderator)

    response = decide(people.rapporteur, 1, "approve")

    assert response.status_code == 409
    assert error_code(response) == "conflict"
    assert version(people.rapporteur, 1)["version"]["status"] == "submitted"


def test_deciding_twice_is_a_conflict(people):
    submit(people.moderator)
    decide(people.rapporteur, 1, "approve")

    response = decide(people.rapporteur, 1, "request_changes")

    assert response.status_code == 409
    assert error_code(response) == "conflict"
    assert version(people.rapporteur, 1)["version"]["status"] == "approved"


def test_unknown_decision_is_invalid(people):
    submit(people.moderator)

    response = decide(people.rapporteur, 1, "maybe")

    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_comment_on_an_unknown_section_is_invalid(people):
    submit(people.moderator)

    response = comment(people.rapporteur, 1, section="question-9")

    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert version(people.rapporteur, 1)["comments"] == []


def test_comment_on_a_cluster_section_is_accepted(people, filled):
    submit(people.moderator)

    section = f"cluster-{filled.clusters['skills']}"
    response = comment(people.rapporteur, 1, section=section, text="Name the skills.")

    assert response.status_code == 201
    assert [(c["section"], c["text"]) for c in version(people.moderator, 1)["comments"]] == [
        (section, "Name the skills.")
    ]


@pytest.mark.parametrize(
    "request_",
    [
        lambda http: http.get(f"{VERSIONS}/9"),
        lambda http: comment(http, 9),
        lambda http: decide(http, 9, "approve"),
    ],
    ids=["read", "comment", "decide"],
)
def test_unknown_version_is_not_found(people, request_):
    submit(people.moderator)

    response = request_(people.rapporteur)

    assert response.status_code == 404
    assert error_code(response) == "not_found"


# --- The review pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["moderator", "rapporteur"])
def test_review_pages_render_for_moderator_and_rapporteur(people, second_round, who):
    http = getattr(people, who)

    index = http.get(f"/s/{CODE}/review").get_data(as_text=True)
    assert f"/s/{CODE}/review/1" in index and f"/s/{CODE}/review/2" in index
    first = http.get(f"/s/{CODE}/review/1").get_data(as_text=True)
    assert "Version 1" in first and "Cite the panelists too." in first
    second = http.get(f"/s/{CODE}/review/2").get_data(as_text=True)
    assert "Changes since version 1" in second and "No comments yet." in second


def test_review_pages_are_forbidden_to_an_attendee(people, first_round):
    assert people.attendee.get(f"/s/{CODE}/review").status_code == 403
    assert people.attendee.get(f"/s/{CODE}/review/1").status_code == 403


def test_review_page_of_an_unknown_version_is_not_found(people, first_round):
    assert people.rapporteur.get(f"/s/{CODE}/review/9").status_code == 404


def test_version_page_shows_the_word_diff_and_the_comments(people, second_round):
    comment(people.rapporteur, 2, text="Much clearer now.")

    page = people.rapporteur.get(f"/s/{CODE}/review/2").get_data(as_text=True)

    assert "<ins>deeply</ins>" in page
    assert "Much clearer now." in page


def test_page_form_submits_a_version(people):
    response = people.moderator.post(f"/s/{CODE}/review", data={"lang": "fr"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{CODE}/review/1")
    assert version(people.rapporteur, 1)["version"]["language"] == "fr"


def test_page_form_adds_a_comment(people):
    submit(people.moderator)

    response = people.rapporteur.post(
        f"/s/{CODE}/review/1", data={"action": "comment", "section": "session", "text": "Add the date."}
    )

    assert response.status_code == 302
    assert [(c["section"], c["text"]) for c in version(people.rapporteur, 1)["comments"]] == [
        ("session", "Add the date.")
    ]


def test_page_form_approves_a_version(people):
    submit(people.moderator)

    response = people.rapporteur.post(f"/s/{CODE}/review/1", data={"action": "approve"})

    assert response.status_code == 302
    assert version(people.rapporteur, 1)["version"]["status"] == "approved"


def test_page_form_refuses_a_moderators_approval(people):
    submit(people.moderator)

    response = people.moderator.post(f"/s/{CODE}/review/1", data={"action": "approve"}, follow_redirects=True)

    assert response.status_code == 200
    assert version(people.rapporteur, 1)["version"]["status"] == "submitted"


def test_rapporteur_downloads_a_version_file(people, filled, approved):
    response = people.rapporteur.get(f"/s/{CODE}/review/1/file?format=json")

    assert response.status_code == 200
    report = response.get_json()
    assert report["version"]["number"] == 1
    assert cluster_of(report, filled.clusters["tourism"])["synthesis"].startswith(OLD_SYNTHESIS_WORDS)


def test_version_file_as_html_is_shown_inline(people, first_round):
    response = people.rapporteur.get(f"/s/{CODE}/review/1/file?format=html")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="uclg-1-3-2-report-v1-en.html"'
    # The version page shows it in a frame: this site may frame it, no other site may.
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    page = people.rapporteur.get(f"/s/{CODE}/review/1")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_contribution_hidden_after_approval_leaves_the_published_report(people, filled, approved):
    from deliberate.extensions import socketio

    hidden_id = filled.ids["c1"]
    assert hidden_id in published_ids(people)
    sock = socketio.test_client(people.moderator.application, flask_test_client=people.moderator)
    assert sock.emit("moderate", {"contribution_id": hidden_id, "action": "hide"}, callback=True)["ok"]

    assert hidden_id not in published_ids(people)
    report = people.attendee.get(f"/s/{CODE}/report?format=json").get_json()
    assert report["version"]["number"] == 2  # still the approved version


def published_ids(people) -> set[int]:
    report = people.attendee.get(f"/s/{CODE}/report?format=json").get_json()
    shown = {c["id"] for q in report["questions"] for c in q["unclustered"] + q["most_agreed"]}
    return shown | {c["id"] for q in report["questions"] for cl in q["clusters"] for c in cl["contributions"]}


def test_the_published_html_is_shown_in_the_page_not_downloaded(people, approved):
    response = people.attendee.get(f"/s/{CODE}/report?format=html")

    assert response.headers["Content-Disposition"].startswith("inline")


# --- Submitting and rendering run as jobs ------------------------------------------------------------


def job_events(sock) -> list[dict]:
    return [m["args"][0] for m in sock.get_received() if m["name"] == "job"]


def sockets(people, *names):
    from deliberate.extensions import socketio

    opened = []
    for name in names:
        http = getattr(people, name)
        sock = socketio.test_client(http.application, flask_test_client=http)
        sock.get_received()
        opened.append(sock)
    return opened


def test_a_submission_is_a_job_whose_progress_goes_to_the_moderator_only(people):
    from deliberate.sessions.demo_content import DEMO_LANGUAGES

    mine, theirs = sockets(people, "moderator", "rapporteur")

    response = people.moderator.post(f"{VERSIONS}?wait=0", json={"lang": "en"})

    job = response.get_json()["job"]
    assert (job["kind"], job["state"], job["result"]) == ("review.submit", "done", {"version": 1})
    assert [v["number"] for v in people.rapporteur.get(VERSIONS).get_json()["versions"]] == [1]
    events = job_events(mine)
    assert [events[0]["state"], events[-1]["state"]] == ["running", "done"]
    # One step per language of the session: the report is frozen in each.
    assert events[-1]["progress"]["total"] == len(DEMO_LANGUAGES)
    assert job_events(theirs) == []


def test_an_attendee_may_not_start_a_submission_job_nor_read_one(people):
    refused = people.attendee.post(f"{VERSIONS}?wait=0", json={"lang": "en"})
    job = people.moderator.post(f"{VERSIONS}?wait=0", json={"lang": "en"}).get_json()["job"]

    assert (refused.status_code, error_code(refused)) == (403, "forbidden")
    # Only who could have asked for it reads it: moderators (and organisers), not rapporteurs.
    assert people.attendee.get(f"/api/v1/jobs/{job['id']}").status_code == 403
    assert people.rapporteur.get(f"/api/v1/jobs/{job['id']}").status_code == 403
    assert people.organiser.get(f"/api/v1/jobs/{job['id']}").status_code == 200


def test_a_version_file_is_rendered_once_per_state_then_served_from_the_cache(people, first_round):
    from deliberate.extensions import db
    from deliberate.jobs.models import Job

    first = people.rapporteur.get(f"/s/{CODE}/review/1/file?format=md")
    again = people.moderator.get(f"/s/{CODE}/review/1/file?format=md")

    assert first.status_code == again.status_code == 200 and first.data == again.data
    with people.rapporteur.application.app_context():
        renders = db.session.scalars(
            db.select(Job).where(Job.name == "deliberate.review.jobs.render").order_by(Job.created_at)
        ).all()
        assert [job.result["cached"] for job in renders] == [False, True]


def test_an_attendee_may_not_download_a_version_file(people, first_round):
    assert people.attendee.get(f"/s/{CODE}/review/1/file?format=md").status_code == 403


def test_a_versions_changes_are_made_once_by_a_job_then_kept(people, filled, second_round):
    from deliberate.extensions import db
    from deliberate.jobs.models import Job

    page = people.rapporteur.get(f"/s/{CODE}/review/2").get_data(as_text=True)
    again = people.moderator.get(f"{VERSIONS}/2").get_json()

    assert "deeply" in page  # the synthesis's new word, shown as a change since version 1
    assert any(c["what"] == "synthesis" for c in again["changes"])
    assert again["changes"] == second_round["changes"]
    with people.rapporteur.application.app_context():
        made = db.session.scalars(db.select(Job).where(Job.name == "deliberate.review.jobs.changes")).all()
        assert sorted(job.args[1] for job in made) == [1, 2]  # one per version viewed, not per view


def test_a_comment_carries_its_language_to_the_api_and_the_page(people):
    submit(people.moderator)  # an English version
    spanish = "Falta citar a las personas del panel y la fecha de la sesión en el resumen."

    comment(people.rapporteur, 1, "session", spanish)
    # Too short to tell: the author's language, or (Rita chose none) the session's original one.
    comment(people.rapporteur, 1, "session", "ok")

    comments = version(people.moderator, 1)["comments"]
    assert [(c["text"], c["language"]) for c in comments] == [(spanish, "es"), ("ok", DEMO_ORIGINAL_LANGUAGE)]
    page = people.moderator.get(f"/s/{CODE}/review/1").get_data(as_text=True)
    assert f'<p lang="es">{spanish}</p>' in page
