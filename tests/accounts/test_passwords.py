"""How passwords are hashed: scrypt unless the operator says otherwise, and a changed method never
locks out someone whose password was hashed the old way (the rest of the suite hashes with one round)."""

import pytest
from conftest import make_config

from deliberate.accounts import services
from deliberate.app import create_app
from deliberate.config import load_config
from deliberate.extensions import db

PASSWORD = "a long enough password"


def test_a_server_hashes_with_scrypt_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("DELIBERATE_PASSWORD_HASH", raising=False)
    assert load_config(tmp_path)["PASSWORD_HASH"] == "scrypt"
    monkeypatch.setenv("DELIBERATE_PASSWORD_HASH", "pbkdf2:sha256:600000")
    assert load_config(tmp_path)["PASSWORD_HASH"] == "pbkdf2:sha256:600000"


@pytest.fixture
def scrypt_app(tmp_path, database_url):
    """The suite's application, with the production default instead of its one-round hash."""
    config = make_config(tmp_path, database_url)
    del config["PASSWORD_HASH"]
    application = create_app(config)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_new_passwords_are_hashed_with_the_servers_method_and_old_hashes_still_log_in(scrypt_app):
    with scrypt_app.app_context():
        old = services.create_user("old@example.org", "Old", PASSWORD)
        scrypt_app.config["PASSWORD_HASH"] = "pbkdf2:sha256:1000"
        new = services.create_user("new@example.org", "New", PASSWORD)
        db.session.commit()

        assert old.password_hash.startswith("scrypt:") and PASSWORD not in old.password_hash
        assert new.password_hash.startswith("pbkdf2:sha256:1000$")
        assert services.verify_password(old, PASSWORD) and services.verify_password(new, PASSWORD)
        assert not services.verify_password(old, "wrong password")
        assert not services.verify_password(None, PASSWORD)
