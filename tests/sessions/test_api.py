"""The session API: registration is mandatory, then the five questions in the person's language."""

import sqlite3

import pytest

from deliberate.sessions import demo_content

SESSION = "/api/v1/sessions/uclg-1-3-2"
FIRST_QUESTION_FR = (
    "Comment sont financés le transfert de modèles et le renforcement des capacités nécessaires à la "
    "transformation des processus productifs ?"
)


@pytest.fixture
def attendee(login, make_user, demo_session):
    """A logged-in client of a person registered for the demo session."""
    http = login(make_user())
    assert http.post(f"{SESSION}/register", json={}).status_code == 201
    return http


def test_anonymous_reading_a_session_is_unauthenticated(client, demo_session):
    response = client.get(SESSION)

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_unregistered_user_reading_a_session_is_forbidden(login, make_user, demo_session):
    http = login(make_user())

    response = http.get(SESSION)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_unknown_session_is_not_found(login, make_user, demo_session):
    http = login(make_user())

    response = http.get("/api/v1/sessions/no-such-panel")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_anonymous_registering_is_unauthenticated(client, demo_session):
    response = client.post(f"{SESSION}/register", json={})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_registering_for_an_unknown_session_is_not_found(login, make_user, demo_session):
    http = login(make_user())

    response = http.post("/api/v1/sessions/no-such-panel/register", json={})

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_registering_answers_201_as_attendee(login, make_user, demo_session):
    http = login(make_user())

    response = http.post(f"{SESSION}/register", json={})

    assert response.status_code == 201
    assert response.get_json() == {"role": "attendee"}


def test_registering_again_answers_200_with_the_same_role(attendee):
    response = attendee.post(f"{SESSION}/register", json={})

    assert response.status_code == 200
    assert response.get_json() == {"role": "attendee"}


def test_registering_keeps_a_granted_role(login, make_member):
    http = login(make_member("moderator"))

    response = http.post(f"{SESSION}/register", json={})

    assert response.status_code == 200
    assert response.get_json() == {"role": "moderator"}


def test_registered_user_reads_five_open_questions_in_order(attendee):
    questions = attendee.get(SESSION).get_json()["questions"]

    assert [q["position"] for q in questions] == [1, 2, 3, 4, 5]
    assert all(isinstance(q["id"], int) for q in questions)
    assert len({q["id"] for q in questions}) == 5
    assert {q["status"] for q in questions} == {"open"}


def test_first_question_in_french_is_the_seeds(attendee):
    questions = attendee.get(SESSION, query_string={"lang": "fr"}).get_json()["questions"]

    assert questions[0]["text"] == FIRST_QUESTION_FR


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_questions_come_in_the_asked_language(attendee, lang):
    questions = attendee.get(SESSION, query_string={"lang": lang}).get_json()["questions"]

    assert [q["text"] for q in questions] == [q[lang] for q in demo_content.DEMO_QUESTIONS]


def test_question_texts_differ_between_languages(attendee):
    texts = {
        lang: [q["text"] for q in attendee.get(SESSION, query_string={"lang": lang}).get_json()["questions"]]
        for lang in ("fr", "en", "es")
    }

    for position in range(5):
        assert len({texts[lang][position] for lang in texts}) == 3


def test_question_ids_are_the_same_in_every_language(attendee):
    ids = {
        lang: [q["id"] for q in attendee.get(SESSION, query_string={"lang": lang}).get_json()["questions"]]
        for lang in ("fr", "en", "es")
    }

    assert ids["fr"] == ids["en"] == ids["es"]


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_title_comes_in_the_asked_language(attendee, lang):
    body = attendee.get(SESSION, query_string={"lang": lang}).get_json()

    assert body["title"] == demo_content.DEMO_TITLE[lang]


def test_session_lists_its_languages_original_first(attendee):
    body = attendee.get(SESSION).get_json()

    assert body["code"] == "uclg-1-3-2"
    assert body["languages"] == ["fr", "en", "es"]


def test_session_tells_the_readers_role(attendee):
    assert attendee.get(SESSION).get_json()["role"] == "attendee"


def test_a_registration_survives_a_write_that_another_process_commits_while_it_runs(
    app, login, make_user, demo_session, monkeypatch
):
    """A route is a unit of work too: a worker process committing between its read and its write
    makes SQLite refuse the stale transaction, and the view runs again (see the same test for votes)."""
    from deliberate.sessions import services

    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    real_register, calls = services.register, []

    def register_while_a_worker_writes(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            other = sqlite3.connect(path)
            other.execute("PRAGMA user_version = 42")  # any write at all
            other.commit()
            other.close()
        return real_register(*args, **kwargs)

    monkeypatch.setattr(services, "register", register_while_a_worker_writes)
    http = login(make_user())

    response = http.post(f"{SESSION}/register", json={})

    assert (response.status_code, response.get_json(), len(calls)) == (201, {"role": "attendee"}, 2)
    assert http.get(SESSION).status_code == 200
