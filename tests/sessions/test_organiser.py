"""The organiser's pages: creating a session with its questions in three languages, granting roles."""

import html
import re

import pytest
from conftest import PASSWORD

from deliberate.audit.models import AuditEntry
from deliberate.extensions import db
from deliberate.sessions.models import PanelSession

LANGS = ("fr", "en", "es")
NEW = "/organiser/sessions/new"
INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)


def form_fields(page) -> dict[str, str]:
    """The values a browser would send back from the page's inputs and text areas."""
    text = page.get_data(as_text=True)
    pairs = INPUT.findall(text) + TEXTAREA.findall(text)
    return {name: html.unescape(value) for name, value in pairs}


ROLES_PAGE = "/organiser/sessions/uclg-1-3-2/roles"


def question_text(i: int, lang: str) -> str:
    return {"fr": f"Question {i} en français ?", "en": f"Question {i} in English?", "es": f"¿Pregunta {i}?"}[
        lang
    ]


def session_form(code: str = "test-panel", **overrides) -> dict:
    form = {
        "code": code,
        "languages": list(LANGS),
        "original_language": "en",
        "title_en": "Test panel",
        "title_fr": "Panel d'essai",
        "title_es": "Panel de prueba",
        "date": "2025-06-01",
        "start_time": "09:00",
        "end_time": "10:30",
        "timezone": "UTC+2",
        "question_count": "5",
        "action": "save",
    }
    for i in range(1, 6):
        for lang in LANGS:
            form[f"question{i}_{lang}"] = question_text(i, lang)
    form.update(overrides)
    return form


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def session_count(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count()).select_from(PanelSession).where(PanelSession.code == code)
        )


@pytest.fixture
def organiser(login, make_user):
    return login(make_user("Olga", organiser=True))


@pytest.mark.parametrize("path", ["/organiser/", NEW])
def test_non_organiser_is_forbidden(login, make_user, path):
    assert login(make_user()).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/organiser/", NEW])
def test_anonymous_is_sent_to_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_new_session_form_offers_five_questions(organiser):
    page = organiser.get(NEW).get_data(as_text=True)

    assert page.count('class="question-block"') == 5


def test_organiser_creates_a_session_and_lands_on_its_roles_page(app, organiser):
    response = organiser.post(NEW, data=session_form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/sessions/test-panel/roles"
    assert session_count(app, "test-panel") == 1


@pytest.mark.parametrize("lang", LANGS)
def test_attendee_reads_the_new_sessions_questions_in_each_language(client, organiser, lang):
    organiser.post(NEW, data=session_form())
    client.post("/api/v1/auth/signup", json={"email": "new@example.org", "name": "New", "password": PASSWORD})
    assert client.post("/api/v1/sessions/test-panel/register", json={}).status_code == 201

    body = client.get("/api/v1/sessions/test-panel", query_string={"lang": lang}).get_json()

    assert set(body["languages"]) == set(LANGS)
    assert [q["position"] for q in body["questions"]] == [1, 2, 3, 4, 5]
    assert [q["text"] for q in body["questions"]] == [question_text(i, lang) for i in range(1, 6)]
    assert body["title"] == {"en": "Test panel", "fr": "Panel d'essai", "es": "Panel de prueba"}[lang]


def test_missing_question_text_in_one_language_is_refused(app, organiser):
    response = organiser.post(NEW, data=session_form(question3_es=""))

    assert response.status_code == 400
    assert "question 3 is missing its text in Spanish" in text_of(response)
    assert session_count(app, "test-panel") == 0


def test_refused_form_keeps_what_was_typed(organiser):
    response = organiser.post(NEW, data=session_form(question3_es=""))

    assert question_text(1, "fr") in text_of(response)


def test_duplicate_code_is_refused_with_an_error(app, organiser, demo_session):
    response = organiser.post(NEW, data=session_form(code="uclg-1-3-2"))

    assert response.status_code == 400
    assert "A session with code 'uclg-1-3-2' already exists." in text_of(response)
    assert session_count(app, "uclg-1-3-2") == 1


def test_add_a_question_shows_one_more_question_block(app, organiser):
    response = organiser.post(NEW, data=session_form(action="add_question"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="question-block"') == 6
    assert 'name="question6_fr"' in page
    assert session_count(app, "test-panel") == 0


def test_add_a_question_keeps_the_texts_typed_so_far(organiser):
    response = organiser.post(NEW, data=session_form(action="add_question"))

    page = text_of(response)
    for lang in LANGS:
        assert question_text(5, lang) in page


def test_edit_page_shows_the_sessions_questions(organiser, demo_session):
    page = organiser.get("/organiser/sessions/uclg-1-3-2/edit")

    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="question-block"') == 5


def grant(organiser, email: str, role: str = "moderator"):
    return organiser.post(ROLES_PAGE, data={"email": email, "role": role, "action": "grant"})


def test_granting_a_role_shows_in_the_registrations_table(organiser, make_user, demo_session):
    person = make_user("Mona")

    response = grant(organiser, person.email)

    assert response.status_code == 302
    page = text_of(organiser.get(ROLES_PAGE, query_string={"lang": "en"}))
    row = page[page.index(person.email) :].split("</tr>", 1)[0]
    assert "Moderator" in row


def test_granted_role_reaches_the_person(login, organiser, make_user, demo_session):
    person = make_user("Mona")
    grant(organiser, person.email)

    body = login(person).get("/api/v1/sessions/uclg-1-3-2").get_json()

    assert body["role"] == "moderator"


def test_granting_a_role_is_in_the_audit_log(app, organiser, make_user, demo_session):
    person = make_user("Mona")
    grant(organiser, person.email)

    page = text_of(organiser.get("/organiser/sessions/uclg-1-3-2/audit"))

    assert "role_granted" in page
    assert f"E-mail address: {person.email}; Role: Moderator" in page  # by their translated names
    assert "Olga" in page


def test_granting_to_an_unknown_email_flashes_an_error(organiser, demo_session):
    response = grant(organiser, "nobody@example.org")

    assert response.status_code == 302
    assert "There is no account with that e-mail address." in text_of(organiser.get(ROLES_PAGE))


def test_revoking_removes_the_registration(login, organiser, make_user, demo_session):
    person = make_user("Mona")
    grant(organiser, person.email)

    response = organiser.post(ROLES_PAGE, data={"email": person.email, "action": "revoke"})

    assert response.status_code == 302
    assert person.email not in text_of(organiser.get(ROLES_PAGE))
    assert login(person).get("/api/v1/sessions/uclg-1-3-2").status_code == 403


def test_revoking_is_in_the_audit_log(app, organiser, make_user, demo_session):
    person = make_user("Mona")
    grant(organiser, person.email)

    organiser.post(ROLES_PAGE, data={"email": person.email, "action": "revoke"})

    with app.app_context():
        actions = db.session.scalars(
            db.select(AuditEntry.action)
            .where(AuditEntry.session_id == demo_session.id)
            .order_by(AuditEntry.id)
        ).all()
    assert actions[-2:] == ["role_granted", "role_revoked"]


def test_saving_the_edit_form_keeps_the_sessions_labelled_facts(app, organiser, demo_session):
    page = organiser.get("/organiser/sessions/uclg-1-3-2/edit")
    with app.app_context():
        before = dict(db.session.get(PanelSession, demo_session.id).details)
    fields = {**form_fields(page), "languages": ["fr", "en", "es"], "action": "save"}

    response = organiser.post("/organiser/sessions/uclg-1-3-2/edit", data=fields)

    assert response.status_code == 302  # saved
    with app.app_context():
        assert db.session.get(PanelSession, demo_session.id).details == before


def test_a_question_count_that_is_not_a_number_does_not_break_the_form(organiser):
    form = session_form(question_count="abc", action="add_question")
    response = organiser.post(NEW, data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # The default count of five, plus the one asked for, each kept as typed.
    assert 'name="question_count" value="6"' in page
    assert f">{form['question1_en']}</textarea>" in page
    assert organiser.get("/organiser/sessions/test-panel/edit").status_code == 404


def test_the_edit_form_lets_attendees_see_the_opinion_groups(app, organiser, demo_session):
    page = organiser.get("/organiser/sessions/uclg-1-3-2/edit")
    assert 'name="attendees_see_opinion_groups"' in page.get_data(as_text=True)
    fields = {**form_fields(page), "languages": ["fr", "en", "es"], "action": "save"}

    allowed = {**fields, "attendees_see_opinion_groups": "on"}
    organiser.post("/organiser/sessions/uclg-1-3-2/edit", data=allowed)
    with app.app_context():
        assert db.session.get(PanelSession, demo_session.id).attendees_see_opinion_groups is True

    organiser.post("/organiser/sessions/uclg-1-3-2/edit", data=fields)
    with app.app_context():
        assert db.session.get(PanelSession, demo_session.id).attendees_see_opinion_groups is False
