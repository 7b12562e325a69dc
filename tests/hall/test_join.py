"""Joining from the short link or QR code: one page shows the session and signs up (or logs in) and
registers in the same step, then lands in the live question (or the question of the link)."""

from conftest import PASSWORD

from deliberate.accounts.models import User
from deliberate.extensions import db
from deliberate.sessions.models import PanelSession, Registration

CODE = "uclg-1-3-2"


def sign_up(http, path, email="new@example.org", **extra):
    form = {"mode": "signup", "name": "Newcomer", "email": email, "password": PASSWORD, **extra}
    return http.post(path, data=form)


def registered(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        role = user and db.session.scalar(db.select(Registration.role).where(Registration.user_id == user.id))
        return role, user.language if user else None


def set_live(app, demo_session, position):
    with app.app_context():
        session = db.session.get(PanelSession, demo_session.id)
        session.live_question_id = next(q.id for q in session.questions if q.position == position)
        db.session.commit()


def test_the_join_page_shows_the_session_to_anyone(client, demo_session):
    page = client.get(f"/j/{CODE}?lang=en")

    assert page.status_code == 200
    html = page.data.decode()
    assert "Mécanismes de diversification" in html or "diversification" in html.lower()
    assert "Español" in html and "Français" in html
    assert 'name="password"' in html and 'id="join-signup"' in html


def test_signing_up_on_the_join_page_registers_and_lands_in_the_live_question(app, client, demo_session):
    set_live(app, demo_session, 2)

    answer = sign_up(client, f"/j/{CODE}")

    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/s/{CODE}/q/2")
    assert registered(app, "new@example.org")[0] == "attendee"
    assert client.get(f"/s/{CODE}/q/2").status_code == 200  # logged in


def test_a_question_link_lands_in_that_question(app, client, demo_session):
    answer = sign_up(client, f"/j/{CODE}/3")

    assert answer.headers["Location"].endswith(f"/s/{CODE}/q/3")


def test_without_a_live_question_the_short_link_lands_on_the_session_page(client, demo_session):
    answer = sign_up(client, f"/j/{CODE}")

    assert answer.headers["Location"].endswith(f"/s/{CODE}")


def test_logging_in_on_the_join_page_registers_an_existing_account(app, client, make_user, demo_session):
    ana = make_user("Ana")

    answer = client.post(f"/j/{CODE}/1", data={"mode": "login", "email": ana.email, "password": PASSWORD})

    assert answer.headers["Location"].endswith(f"/s/{CODE}/q/1")
    assert registered(app, ana.email)[0] == "attendee"


def test_a_wrong_password_says_so_and_registers_nobody(app, client, make_user, demo_session):
    ana = make_user("Ana")

    answer = client.post(
        f"/j/{CODE}", data={"mode": "login", "email": ana.email, "password": "not it at all"}
    )

    assert answer.status_code == 400 and b'id="join-error"' in answer.data
    assert registered(app, ana.email)[0] is None


def test_a_taken_email_or_short_password_writes_nothing(app, client, make_user, demo_session):
    ana = make_user("Ana")

    taken = sign_up(client, f"/j/{CODE}", email=ana.email)
    short = sign_up(client, f"/j/{CODE}", email="short@example.org", password="short")

    assert taken.status_code == 400 and short.status_code == 400
    assert registered(app, "short@example.org") == (None, None)


def test_a_registered_person_goes_straight_to_the_live_question(app, login, make_member, demo_session):
    set_live(app, demo_session, 4)

    answer = login(make_member("attendee")).get(f"/j/{CODE}")

    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/s/{CODE}/q/4")


def test_a_logged_in_person_registers_with_one_button(app, login, make_user, demo_session):
    ana = make_user("Ana")
    http = login(ana)
    assert b"join-submit" in http.get(f"/j/{CODE}").data

    answer = http.post(f"/j/{CODE}/1", data={"mode": "register"})

    assert answer.headers["Location"].endswith(f"/s/{CODE}/q/1")
    assert registered(app, ana.email)[0] == "attendee"


def test_the_chosen_language_is_remembered_for_the_account(app, client, demo_session):
    client.get(f"/j/{CODE}?lang=es")
    page = client.get(f"/j/{CODE}")

    sign_up(client, f"/j/{CODE}")

    assert "Crear una cuenta y unirse" in page.data.decode()
    assert registered(app, "new@example.org")[1] == "es"


def test_unknown_session_or_question_is_not_found(client, demo_session):
    assert client.get("/j/no-such-session").status_code == 404
    assert client.get(f"/j/{CODE}/99").status_code == 404


def test_the_organiser_chooses_to_publish_names_and_the_join_page_says_so(app, login, make_user):
    from sessions.test_organiser import session_form

    organiser = login(make_user("Olga", organiser=True))
    answer = organiser.post(
        "/organiser/sessions/new", data=session_form(code="named-panel", publish_names="on")
    )
    assert answer.status_code == 302, answer.data[:300]

    page = app.test_client().get("/j/named-panel?lang=en").data.decode()

    assert "publishes participants' names" in page
    with app.app_context():
        assert db.session.scalar(
            db.select(PanelSession.publish_names).where(PanelSession.code == "named-panel")
        )
