"""Every HTTP error speaks the reader's language, as a page and as the API's JSON."""

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from deliberate.app import create_app


def in_language(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return _(message)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_an_unknown_api_address_answers_in_the_readers_language(app, client, language):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": language})

    expected = in_language(app, language, "There is nothing at this address.")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": expected}}
    assert expected != "There is nothing at this address."


@pytest.mark.parametrize("language", ["fr", "es"])
def test_an_unknown_page_and_a_wrong_method_say_so_in_the_readers_language(app, client, language):
    missing = client.get("/no-such-page", headers={"Accept-Language": language})
    wrong_method = client.delete("/healthz", headers={"Accept-Language": language})

    assert missing.status_code == 404
    assert in_language(app, language, "There is nothing at this address.") in missing.get_data(as_text=True)
    assert "The requested URL was not found" not in missing.get_data(as_text=True)
    assert wrong_method.status_code == 405
    assert in_language(app, language, "This address does not accept that kind of request.") in (
        wrong_method.get_data(as_text=True)
    )


def test_a_form_without_its_csrf_token_is_refused_in_the_readers_language(tmp_path, database_url):
    from conftest import make_config

    guarded = create_app(make_config(tmp_path, database_url, WTF_CSRF_ENABLED=True))
    response = guarded.test_client().post(
        "/login", data={"email": "a@example.org"}, headers={"Accept-Language": "es"}
    )

    expected = in_language(
        guarded, "es", "This form has expired or was sent from another site: reload the page and try again."
    )
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert "CSRF token is missing" not in response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_refused_field_is_named_by_its_translated_label_never_its_key(
    app, login, make_member, demo_session, language
):
    http = login(make_member("moderator"))
    http.get(f"/?lang={language}")

    answer = http.post(f"/api/v1/sessions/{demo_session.code}/exports", json={"format": "exe", "lang": "en"})

    message = answer.get_json()["error"]["message"]
    assert answer.status_code == 400
    assert in_language(app, language, "Format") in message
    assert "format" not in message


def test_a_language_in_a_message_is_named_in_the_readers_language(app, login, make_member, demo_session):
    http = login(make_member("moderator"))
    http.get("/?lang=fr")

    answer = http.post(f"/api/v1/sessions/{demo_session.code}/exports", json={"format": "md", "lang": "de"})

    message = answer.get_json()["error"]["message"]
    assert answer.status_code == 400
    assert "espagnol" in message and "français" in message
    assert not re.search(r"\b(fr|es)\b", message), message
