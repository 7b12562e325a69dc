"""The report builder, the review list pages and the audit log read the database in a fixed number of
queries: more questions, versions or entries make the answer longer, never the round trips more."""

from contextlib import contextmanager

from deliberate.extensions import db

CODE = "uclg-1-3-2"


@contextmanager
def counted(app):
    """Counts the SQL statements the application runs inside the block."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_questions(app, session_id: int, how_many: int) -> None:
    """More questions, each with a clustered contribution and a vote, as the filled one has."""
    from deliberate.clusters.models import Cluster
    from deliberate.rooms.models import Contribution, Vote
    from deliberate.sessions.models import PanelSession, Question

    with app.app_context():
        session = db.session.get(PanelSession, session_id)
        some = db.session.scalars(db.select(Contribution).limit(1)).one()
        for n in range(how_many):
            question = Question(session_id=session.id, position=10 + n, text={"en": f"Extra {n}"})
            db.session.add(question)
            db.session.flush()
            cluster = Cluster(question_id=question.id, label=f"Theme {n}", position=0)
            db.session.add(cluster)
            db.session.flush()
            extra = Contribution(
                question_id=question.id,
                author_id=some.author_id,
                author_role=some.author_role,
                text=f"Extra contribution {n}",
                language="en",
                client_id=f"extra-{n}",
                cluster_id=cluster.id,
                agree=1,
            )
            db.session.add(extra)
            db.session.flush()
            db.session.add(Vote(contribution_id=extra.id, user_id=some.author_id, value=1))
        db.session.commit()


def build_statements(app, session_id: int) -> int:
    from deliberate.reports.builder import build_report
    from deliberate.sessions.models import PanelSession

    with counted(app) as statements, app.app_context():
        build_report(db.session.get(PanelSession, session_id), "en")
        db.session.remove()
    return len(statements)


def test_the_report_builder_does_not_query_per_question(app, filled, demo_session):
    before = build_statements(app, demo_session.id)
    add_questions(app, demo_session.id, 4)

    assert build_statements(app, demo_session.id) == before


def test_the_review_list_does_not_query_per_version(filled, login):
    moderator = login(filled.people["mona"])

    def list_statements() -> tuple[int, int]:
        with counted(moderator.application) as page:
            assert moderator.get(f"/s/{CODE}/review").status_code == 200
        with counted(moderator.application) as api:
            assert moderator.get(f"/api/v1/sessions/{CODE}/versions").status_code == 200
        return len(page), len(api)

    organiser, rapporteur = login(filled.people["olga"]), login(filled.people["rita"])
    assert moderator.post(f"/api/v1/sessions/{CODE}/versions", json={"lang": "en"}).status_code == 201
    one_version = list_statements()
    # More versions, by other people, one decided: each person would be one more query if loaded lazily.
    assert organiser.post(f"/api/v1/sessions/{CODE}/versions", json={"lang": "fr"}).status_code == 201
    decision = {"decision": "request_changes", "reason": "More figures."}
    assert rapporteur.post(f"/api/v1/sessions/{CODE}/versions/2/decision", json=decision).status_code == 200
    assert moderator.post(f"/api/v1/sessions/{CODE}/versions", json={"lang": "es"}).status_code == 201

    assert list_statements() == one_version


def test_a_version_page_does_not_query_per_comment(filled, login):
    moderator, rapporteur = login(filled.people["mona"]), login(filled.people["rita"])
    organiser = login(filled.people["olga"])
    assert moderator.post(f"/api/v1/sessions/{CODE}/versions", json={"lang": "en"}).status_code == 201

    def page_statements() -> int:
        with counted(rapporteur.application) as statements:
            assert rapporteur.get(f"/s/{CODE}/review/1").status_code == 200
        return len(statements)

    def add_comment(text: str, by=rapporteur) -> None:
        response = by.post(
            f"/api/v1/sessions/{CODE}/versions/1/comments", json={"section": "question-1", "text": text}
        )
        assert response.status_code == 201

    page_statements()  # the first view has the version's changes made once (a job), then kept
    add_comment("First")
    one_comment = page_statements()
    add_comment("Second", by=moderator)
    add_comment("Third", by=organiser)

    assert page_statements() == one_comment


def test_the_audit_log_does_not_query_per_entry(app, filled, login, make_user):
    from deliberate.accounts.models import User
    from deliberate.audit.services import record

    organiser = login(filled.people["olga"])

    def log_statements() -> tuple[int, int]:
        with counted(organiser.application) as page:
            assert organiser.get(f"/organiser/sessions/{CODE}/audit").status_code == 200
        with counted(organiser.application) as api:
            assert organiser.get(f"/api/v1/sessions/{CODE}/audit").status_code == 200
        return len(page), len(api)

    before = log_statements()
    # Entries by people who never acted before: each actor would be one more query if loaded lazily.
    people = [make_user(f"Actor{n}") for n in range(3)]
    with app.app_context():
        for person in people:
            record("role_granted", db.session.get(User, person.id), filled.session_id, role="moderator")
        db.session.commit()

    assert log_statements() == before
