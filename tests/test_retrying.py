"""Units of work run again when the database refused them as stale, and only then."""

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from deliberate.database import ATTEMPTS, retrying
from deliberate.extensions import db


def refused(code: int) -> OperationalError:
    original = sqlite3.OperationalError("database is locked")
    original.sqlite_errorcode = code
    return OperationalError("INSERT ...", {}, original)


def flaky(failures: list[Exception], commit: bool = False):
    calls = []

    def unit():
        calls.append(1)
        if commit:
            db.session.commit()
        if failures:
            raise failures.pop(0)
        return "done"

    return unit, calls


def test_a_stale_transaction_runs_again_until_it_goes_through(app):
    unit, calls = flaky([refused(517), refused(5)])
    with app.app_context():
        assert retrying(unit, lambda _seconds: None) == "done"
    assert len(calls) == 3


def test_it_gives_up_after_a_few_attempts(app):
    unit, calls = flaky([refused(517)] * ATTEMPTS)
    with app.app_context(), pytest.raises(OperationalError):
        retrying(unit, lambda _seconds: None)
    assert len(calls) == ATTEMPTS


def test_other_database_errors_are_not_run_again(app):
    unit, calls = flaky([IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE"))])
    with app.app_context(), pytest.raises(IntegrityError):
        retrying(unit, lambda _seconds: None)
    assert len(calls) == 1


def test_a_unit_that_already_committed_is_not_run_again(app):
    unit, calls = flaky([refused(517)], commit=True)
    with app.app_context(), pytest.raises(OperationalError):
        retrying(unit, lambda _seconds: None)
    assert len(calls) == 1
