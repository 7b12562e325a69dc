"""The home page, joining by code, the session page, and which language a page speaks."""

import html
import re

import pytest

from deliberate.sessions import demo_content

SESSION_PAGE = "/s/uclg-1-3-2"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_language(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match.group(1)


def questions_in(lang: str) -> list[str]:
    return [q[lang] for q in demo_content.DEMO_QUESTIONS]


@pytest.fixture
def member(login, make_member):
    """A logged-in client of an attendee of the demo session."""
    return login(make_member("attendee"))


def test_home_lists_the_sessions_the_user_registered_for(member):
    page = text_of(member.get("/", query_string={"lang": "en"}))

    assert f'href="{SESSION_PAGE}"' in page
    assert demo_content.DEMO_TITLE["en"] in page


def test_home_lists_no_session_the_user_did_not_register_for(login, make_user, demo_session):
    page = text_of(login(make_user()).get("/"))

    assert f'href="{SESSION_PAGE}"' not in page


def test_join_by_code_redirects_to_the_session_page(login, make_user, demo_session):
    http = login(make_user())

    response = http.post("/join", data={"code": " UCLG-1-3-2 "})

    assert response.status_code == 302
    assert response.headers["Location"] == SESSION_PAGE


def test_join_by_an_unknown_code_flashes_an_error(login, make_user, demo_session):
    http = login(make_user())

    response = http.post("/join", data={"code": "nope-nope"}, follow_redirects=True)

    assert response.request.path == "/"
    assert "There is no session with the code nope-nope." in text_of(response)


def test_session_page_for_an_unregistered_user_offers_registration(login, make_user, demo_session):
    page = text_of(login(make_user()).get(SESSION_PAGE, query_string={"lang": "en"}))

    assert "Register for this session" in page
    assert 'action="/s/uclg-1-3-2/register"' in page


def test_session_page_for_an_unregistered_user_hides_the_questions(login, make_user, demo_session):
    page = text_of(login(make_user()).get(SESSION_PAGE, query_string={"lang": "en"}))

    for question in questions_in("en"):
        assert question not in page


def test_unknown_session_page_is_not_found(login, make_user, demo_session):
    assert login(make_user()).get("/s/no-such-panel").status_code == 404


def test_registering_on_the_page_shows_the_five_questions(login, make_user, demo_session):
    http = login(make_user())

    response = http.post(f"{SESSION_PAGE}/register", query_string={"lang": "en"}, follow_redirects=True)

    page = text_of(response)
    assert response.request.path == SESSION_PAGE
    assert "Register for this session" not in page
    for question in questions_in("en"):
        assert question in page


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_session_page_shows_the_questions_in_the_chosen_language(member, lang):
    page = text_of(member.get(SESSION_PAGE, query_string={"lang": lang}))

    for question in questions_in(lang):
        assert question in page


def test_session_page_in_spanish_shows_no_english_question(member):
    page = text_of(member.get(SESSION_PAGE, query_string={"lang": "es"}))

    for question in questions_in("en"):
        assert question not in page


def test_session_page_in_spanish_says_so_in_the_html_element(member):
    assert page_language(member.get(SESSION_PAGE, query_string={"lang": "es"})) == "es"


# Which language: ?lang= (remembered), then the account's, then Accept-Language, then English.


def test_lang_parameter_wins_over_account_and_browser(login, make_user):
    http = login(make_user(language="fr"))

    response = http.get("/", query_string={"lang": "es"}, headers={"Accept-Language": "fr"})

    assert page_language(response) == "es"


def test_lang_parameter_is_remembered(client):
    client.get("/", query_string={"lang": "es"})

    response = client.get("/", headers={"Accept-Language": "fr"})

    assert page_language(response) == "es"


def test_lang_parameter_is_remembered_over_the_account_language(login, make_user):
    http = login(make_user(language="fr"))
    http.get("/", query_string={"lang": "es"})

    assert page_language(http.get("/")) == "es"


def test_unknown_lang_parameter_is_ignored(client):
    response = client.get("/", query_string={"lang": "de"}, headers={"Accept-Language": "fr"})

    assert page_language(response) == "fr"


def test_account_language_is_used_when_no_lang_was_given(login, make_user):
    http = login(make_user(language="fr"))

    response = http.get("/", headers={"Accept-Language": "es"})

    assert page_language(response) == "fr"


def test_browser_language_is_used_without_lang_or_account_language(login, make_user):
    http = login(make_user(language=None))

    response = http.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})

    assert page_language(response) == "es"


def test_browser_language_is_used_for_anonymous_visitors(client):
    assert page_language(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})) == "fr"


def test_english_is_the_last_resort(client):
    assert page_language(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})) == "en"


def test_english_without_any_hint(client):
    assert page_language(client.get("/")) == "en"
