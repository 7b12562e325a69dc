"""The sign-up, log-in and log-out pages, with CSRF protection switched on as in production."""

import re

import pytest
from conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def csrf_token(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    match = TOKEN.search(page.get_data(as_text=True))
    assert match, "no csrf_token in the form"
    return match.group(1) or match.group(2)


def signup_form(token: str | None = None, **fields) -> dict:
    form = {"email": "ana@example.org", "name": "Ana", "password": PASSWORD, "language": "en", **fields}
    if token is not None:
        form["csrf_token"] = token
    return form


def logged_in(client) -> bool:
    return client.get("/api/v1/auth/me").status_code == 200


def test_signup_page_shows_the_form(client):
    page = client.get("/signup")

    assert page.status_code == 200
    assert 'name="email"' in page.get_data(as_text=True)


def test_signup_without_csrf_token_is_refused(client):
    response = client.post("/signup", data=signup_form())

    assert response.status_code == 400
    assert not logged_in(client)


def test_signup_with_the_forms_csrf_token_creates_the_account_and_logs_in(client):
    token = csrf_token(client, "/signup")

    response = client.post("/signup", data=signup_form(token))

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/api/v1/auth/me").get_json()["user"]["email"] == "ana@example.org"


def test_signup_with_a_short_password_shows_the_form_again(client):
    token = csrf_token(client, "/signup")

    response = client.post("/signup", data=signup_form(token, password="short"))

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert not logged_in(client)


def test_signup_with_a_taken_email_says_so(client, make_user):
    make_user(email="ana@example.org")
    token = csrf_token(client, "/signup")

    response = client.post("/signup", data=signup_form(token))

    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_login_page_logs_in_with_the_right_password(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")

    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})

    assert response.status_code == 302
    assert logged_in(client)


def test_login_page_refuses_a_wrong_password(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")

    response = client.post(
        "/login", data={"email": user.email, "password": "wrong password", "csrf_token": token}
    )

    assert response.status_code == 400
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert not logged_in(client)


def test_login_page_without_csrf_token_is_refused(client, make_user):
    user = make_user()

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert not logged_in(client)


def test_logout_by_post_ends_the_login(login, make_user):
    http = login(make_user())
    token = csrf_token(http, "/")

    response = http.post("/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert not logged_in(http)


def test_logout_by_get_is_not_allowed(login, make_user):
    http = login(make_user())

    response = http.get("/logout")

    assert response.status_code == 405
    assert logged_in(http)


def test_login_redirects_to_a_same_site_next(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")

    response = client.post(
        "/login?next=/s/uclg-1-3-2",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )

    assert response.headers["Location"] == "/s/uclg-1-3-2"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_login_ignores_a_next_on_another_site(client, make_user, target):
    user = make_user()
    token = csrf_token(client, "/login")

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signup_ignores_a_next_on_another_site(client):
    token = csrf_token(client, "/signup")

    response = client.post("/signup", query_string={"next": "//evil.example"}, data=signup_form(token))

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_pages_that_need_a_login_send_to_login_with_next(client, demo_session):
    response = client.get("/s/uclg-1-3-2")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "uclg-1-3-2" in response.headers["Location"]


@pytest.mark.parametrize(
    "target", ["/\t/evil.example", "/\n/evil.example", "/\\evil.example", "https://evil.example/"]
)
def test_signup_ignores_a_next_that_a_browser_would_read_as_another_site(client, target):
    token = csrf_token(client, "/signup")

    response = client.post("/signup", query_string={"next": target}, data=signup_form(token))

    assert (response.status_code, response.headers["Location"]) == (302, "/")
