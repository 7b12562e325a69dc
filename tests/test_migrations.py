"""Schema migrations reach head from an empty database, on SQLite and on PostgreSQL."""

from conftest import PASSWORD, make_config
from services import postgres_database  # noqa: F401  (a fixture)

from deliberate.accounts.models import User
from deliberate.app import create_app
from deliberate.database import is_up_to_date, upgrade
from deliberate.extensions import db
from deliberate.sessions.demo import ensure_demo


def make_app(folder, url: str):
    """An application on ``url``, configured as the suite's ``app`` fixture is (but not migrated)."""
    return create_app(make_config(folder, url))


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_empty_sqlite_database_is_not_up_to_date(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    assert not is_up_to_date(app)
    dispose(app)


def test_migrations_bring_an_empty_sqlite_database_to_head(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")

    upgrade(app)

    assert is_up_to_date(app)
    assert user_count(app) == 0
    dispose(app)


def test_upgrading_twice_keeps_the_data(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'twice.sqlite3'}")
    upgrade(app)
    with app.app_context():
        db.session.add(User(email="ana@example.org", name="Ana"))
        db.session.commit()

    upgrade(app)

    assert is_up_to_date(app)
    assert user_count(app) == 1
    dispose(app)


def test_plain_postgresql_url_is_served_by_the_installed_driver(tmp_path, postgres_database):  # noqa: F811
    """The contract's ``postgresql://user@host/db`` must use psycopg2, the driver the project installs."""
    app = make_app(tmp_path, postgres_database)

    with app.app_context():
        assert db.engine.dialect.driver == "psycopg2"
    dispose(app)


def test_migrations_bring_an_empty_postgresql_database_to_head(tmp_path, postgres_database):  # noqa: F811
    app = make_app(tmp_path, postgres_database)
    assert not is_up_to_date(app)

    upgrade(app)
    upgrade(app)

    assert is_up_to_date(app)
    dispose(app)


def test_signup_register_and_read_the_questions_on_postgresql(tmp_path, postgres_database):  # noqa: F811
    app = make_app(tmp_path, postgres_database)
    upgrade(app)
    with app.app_context():
        ensure_demo()
        db.session.commit()
    http = app.test_client()

    signup = http.post(
        "/api/v1/auth/signup", json={"email": "ana@example.org", "name": "Ana", "password": PASSWORD}
    )
    register = http.post("/api/v1/sessions/uclg-1-3-2/register", json={})
    body = http.get("/api/v1/sessions/uclg-1-3-2", query_string={"lang": "es"}).get_json()

    assert signup.status_code == 201
    assert register.status_code == 201
    assert [q["position"] for q in body["questions"]] == [1, 2, 3, 4, 5]
    assert body["questions"][0]["text"].startswith("¿Cómo se financian")
    assert body["languages"] == ["fr", "en", "es"]
    dispose(app)


def test_duplicate_email_is_a_conflict_on_postgresql(tmp_path, postgres_database):  # noqa: F811
    app = make_app(tmp_path, postgres_database)
    upgrade(app)
    http = app.test_client()
    body = {"email": "ana@example.org", "name": "Ana", "password": PASSWORD}
    http.post("/api/v1/auth/signup", json=body)

    response = app.test_client().post("/api/v1/auth/signup", json={**body, "email": "ANA@example.org"})

    assert response.status_code == 409
    dispose(app)
