import pytest


@pytest.fixture
def question(demo_session):
    return demo_session.questions[0]


@pytest.fixture
def other_question(demo_session):
    return demo_session.questions[1]


@pytest.fixture
def joined(connect, question):
    """A socket of ``user`` that has joined the first question's room."""

    def join(user):
        sock = connect(user)
        ack = sock.emit("join", {"question_id": question.id}, callback=True)
        assert ack["ok"], ack
        sock.get_received()  # start each test from a quiet socket
        return sock

    return join


@pytest.fixture
def allow_attendees(app, demo_session):
    """Let attendees of the demo session cluster contributions."""
    from deliberate.extensions import db
    from deliberate.sessions.models import PanelSession

    with app.app_context():
        db.session.get(PanelSession, demo_session.id).attendees_may_cluster = True
        db.session.commit()
