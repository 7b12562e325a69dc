import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database_backend(request):
    """Clustering runs on both databases: bulk updates, ordering and id reuse differ between them."""
    return request.param


@pytest.fixture
def other_question(demo_session):
    return demo_session.questions[1]


@pytest.fixture
def allow_attendees(app, demo_session):
    """Let attendees of the demo session cluster contributions."""
    from deliberate.extensions import db
    from deliberate.sessions.models import PanelSession

    with app.app_context():
        db.session.get(PanelSession, demo_session.id).attendees_may_cluster = True
        db.session.commit()


@pytest.fixture
def moderator(make_member):
    """The moderator of the API and draft tests, with an HTTP client and a joined socket below."""
    return make_member("moderator", "Mod")


@pytest.fixture
def mod_http(login, moderator):
    return login(moderator)


@pytest.fixture
def mod_sock(joined, moderator):
    return joined(moderator)
