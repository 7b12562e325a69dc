"""The accounts JSON API: sign up, log in, log out, who am I."""

from conftest import PASSWORD

from deliberate.accounts.models import User
from deliberate.extensions import db


def signup(client, **fields):
    body = {"email": "ana@example.org", "name": "Ana", "password": PASSWORD, **fields}
    return client.post("/api/v1/auth/signup", json=body)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_signup_answers_201_with_the_user(client):
    response = signup(client, organisation="UCLG", language="fr")

    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["email"] == "ana@example.org"
    assert user["name"] == "Ana"
    assert user["organisation"] == "UCLG"
    assert user["language"] == "fr"
    assert user["organiser"] is False


def test_signup_logs_the_new_user_in(client):
    signup(client)

    response = client.get("/api/v1/auth/me")

    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == "ana@example.org"


def test_signup_with_a_taken_email_is_a_conflict(client):
    signup(client)

    response = signup(client, name="Other")

    assert response.status_code == 409
    assert error_code(response) == "conflict"


def test_signup_with_a_taken_email_in_another_case_is_a_conflict(client):
    signup(client)

    response = signup(client, email="ANA@Example.ORG")

    assert response.status_code == 409
    assert error_code(response) == "conflict"


def test_signup_with_a_short_password_is_invalid(client):
    response = signup(client, password="short12")

    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_signup_with_malformed_json_is_invalid(client):
    response = client.post("/api/v1/auth/signup", data='{"email": ', content_type="application/json")

    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_signup_without_json_content_type_is_refused(client):
    response = client.post(
        "/api/v1/auth/signup",
        data='{"email": "ana@example.org", "name": "Ana", "password": "correct horse"}',
        content_type="text/plain",
    )

    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_signup_with_an_unknown_language_is_invalid(client):
    response = signup(client, language="de")

    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_refused_signup_creates_no_account(app, client):
    signup(client, password="short")

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_login_with_a_wrong_password_is_unauthenticated(client, make_user):
    user = make_user()

    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong password"})

    assert response.status_code == 401
    assert error_code(response) == "unauthenticated"


def test_login_with_an_unknown_email_is_unauthenticated(client):
    response = client.post("/api/v1/auth/login", json={"email": "nobody@example.org", "password": PASSWORD})

    assert response.status_code == 401
    assert error_code(response) == "unauthenticated"


def test_login_answers_200_with_the_user(client, make_user):
    user = make_user()

    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert response.get_json()["user"]["id"] == user.id
    assert client.get("/api/v1/auth/me").status_code == 200


def test_me_without_login_is_unauthenticated(client):
    response = client.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert error_code(response) == "unauthenticated"


def test_logout_answers_204_and_ends_the_login(login, make_user):
    http = login(make_user())

    response = http.post("/api/v1/auth/logout", json={})

    assert response.status_code == 204
    assert http.get("/api/v1/auth/me").status_code == 401


def test_password_is_stored_hashed(app, client):
    signup(client)

    with app.app_context():
        stored = db.session.scalar(db.select(User.password_hash).where(User.email == "ana@example.org"))
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_login_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user()

    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
