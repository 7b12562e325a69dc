"""The vote's statements run on the driver's cursor (database.DriverStatement), on both databases:
parameters converted as SQLAlchemy converts them, driver errors raised as SQLAlchemy's."""

from datetime import UTC, datetime

import pytest
from helpers import post
from sqlalchemy.exc import DBAPIError, IntegrityError

from deliberate.database import DriverStatement
from deliberate.extensions import db


@pytest.fixture
def contribution_and_voter(joined, make_member, question):
    voter = make_member(name="Voter")
    cid = post(joined(voter), question, "À voter", "v")["contribution"]["id"]
    return cid, voter.id


def test_parameters_go_through_the_column_types_and_rows_come_back(app, contribution_and_voter):
    from deliberate.rooms.models import Vote
    from deliberate.rooms.services import _INSERT, _OLD

    cid, uid = contribution_and_voter
    at = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    with app.app_context():
        connection = db.session.connection()
        assert _OLD.execute(connection, {"cid": cid, "uid": uid}) is None  # no row
        _INSERT.execute(connection, {"cid": cid, "uid": uid, "new": -1, "at": at})
        assert tuple(_OLD.execute(connection, {"cid": cid, "uid": uid})) == (-1,)
        db.session.commit()
        stored = db.session.execute(db.select(Vote).where(Vote.contribution_id == cid)).scalar_one()
        assert (stored.user_id, stored.value, stored.updated_at) == (uid, -1, at)  # UTC, as the ORM reads it


def test_a_driver_error_is_sqlalchemys_and_leaves_the_session_usable(app, contribution_and_voter):
    from deliberate.rooms.services import _INSERT, _OLD

    cid, uid = contribution_and_voter
    params = {"cid": cid, "uid": uid, "new": 1, "at": datetime.now(UTC)}
    with app.app_context():
        _INSERT.execute(db.session.connection(), params)
        with pytest.raises(IntegrityError) as raised:  # the same person's second row for one contribution
            _INSERT.execute(db.session.connection(), params)
        assert raised.value.orig is not None  # the driver's own error, kept
        db.session.rollback()
        assert _OLD.execute(db.session.connection(), {"cid": cid, "uid": uid}) is None  # rolled back
        missing = DriverStatement(db.text("SELECT value FROM no_such_table"))
        with pytest.raises(DBAPIError):
            missing.execute(db.session.connection(), {})
