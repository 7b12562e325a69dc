"""A moderator or rapporteur replaces the machine translation of a synthesis with a confirmed one."""

import pytest
from translation.support import Tagging


@pytest.fixture
def app_config():
    return {"TRANSLATION_PROVIDER": Tagging()}


SYNTHESIS = "Les participants veulent plus de transports publics."


def test_a_confirmed_synthesis_translation_is_no_longer_marked_as_a_machines(login, make_member, question):
    moderator = login(make_member("moderator"))
    moderator.patch(f"/api/v1/questions/{question.id}", json={"synthesis": SYNTHESIS})
    machine = moderator.get(f"/api/v1/questions/{question.id}/state").get_json()["question"]["translations"]
    assert machine["synthesis"]["es"] == {
        "text": f"[es] {SYNTHESIS}",
        "provider": "fake",
        "source_language": "fr",
        "pivot": None,
        "confirmed": False,
    }

    answer = login(make_member("rapporteur")).put(
        f"/api/v1/questions/{question.id}/synthesis/translations/es",
        json={"text": "Los participantes quieren más transporte público."},
    )

    assert answer.status_code == 200, answer.get_json()
    state = moderator.get(f"/api/v1/questions/{question.id}/state").get_json()
    confirmed = state["question"]["translations"]["synthesis"]["es"]
    assert (confirmed["text"], confirmed["confirmed"]) == (
        "Los participantes quieren más transporte público.",
        True,
    )


def test_an_attendee_may_not_confirm_a_translation(login, make_member, question):
    login(make_member("moderator")).patch(f"/api/v1/questions/{question.id}", json={"synthesis": SYNTHESIS})

    answer = login(make_member("attendee")).put(
        f"/api/v1/questions/{question.id}/synthesis/translations/es", json={"text": "Hola"}
    )

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"


def test_the_source_language_cannot_be_a_target(login, make_member, question):
    moderator = login(make_member("moderator"))
    moderator.patch(f"/api/v1/questions/{question.id}", json={"synthesis": SYNTHESIS})

    answer = moderator.put(f"/api/v1/questions/{question.id}/synthesis/translations/fr", json={"text": "x"})

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid"


# --- The page where moderators and rapporteurs confirm them ----------------------------------------


def page(http, code):
    return http.get(f"/s/{code}/translations")


def form_post(http, code, **fields):
    """The page's form as a browser sends it (the test configuration leaves CSRF checks off)."""
    return http.post(f"/s/{code}/translations", data=fields)


def test_the_page_shows_each_synthesis_with_its_machine_translation_marked(
    login, make_member, question, demo_session
):
    moderator = login(make_member("moderator"))
    moderator.patch(f"/api/v1/questions/{question.id}", json={"synthesis": SYNTHESIS})

    html = page(moderator, demo_session.code).get_data(as_text=True)

    assert SYNTHESIS in html
    assert f"[es] {SYNTHESIS}" in html and f"[en] {SYNTHESIS}" in html
    assert html.count('data-confirmed="false"') == 2
    assert "Machine translated from" in html


def test_a_rapporteur_edits_and_confirms_a_translation_on_the_page(
    login, make_member, question, demo_session
):
    login(make_member("moderator")).patch(f"/api/v1/questions/{question.id}", json={"synthesis": SYNTHESIS})
    rapporteur = login(make_member("rapporteur"))
    spanish = "Los participantes quieren más transporte público."

    answer = form_post(
        rapporteur,
        demo_session.code,
        kind="question_synthesis",
        object_id=str(question.id),
        language="es",
        text=spanish,
    )

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"#question_synthesis-{question.id}-es")
    state = rapporteur.get(f"/api/v1/questions/{question.id}/state").get_json()
    assert state["question"]["translations"]["synthesis"]["es"]["text"] == spanish
    assert state["question"]["translations"]["synthesis"]["es"]["confirmed"] is True
    assert page(rapporteur, demo_session.code).get_data(as_text=True).count('data-confirmed="true"') == 1


def test_a_cluster_synthesis_is_confirmed_on_the_page_too(
    login, connect, make_member, question, demo_session
):
    moderator = make_member("moderator")
    cluster = connect(moderator).emit(
        "cluster_create", {"question_id": question.id, "label": "Transports"}, callback=True
    )["cluster"]
    http = login(moderator)
    http.patch(f"/api/v1/clusters/{cluster['id']}", json={"synthesis": SYNTHESIS})

    form_post(
        http,
        demo_session.code,
        kind="cluster_synthesis",
        object_id=str(cluster["id"]),
        language="en",
        text="More buses.",
    )

    state = http.get(f"/api/v1/questions/{question.id}/state").get_json()
    [shown] = [c for c in state["clusters"] if c["id"] == cluster["id"]]
    confirmed = shown["translations"]["synthesis"]["en"]
    assert (confirmed["text"], confirmed["source_language"], confirmed["confirmed"]) == (
        "More buses.",
        "fr",
        True,
    )


def test_attendees_and_panelists_may_not_open_the_page(login, make_member, demo_session):
    for role in ("attendee", "panelist"):
        assert page(login(make_member(role, role.title())), demo_session.code).status_code == 403


def test_the_page_refuses_a_synthesis_of_another_session_and_says_why(
    app, login, make_member, question, demo_session, make_user
):
    from deliberate.extensions import db
    from deliberate.sessions.models import PanelSession, Registration

    login(make_member("moderator")).patch(f"/api/v1/questions/{question.id}", json={"synthesis": SYNTHESIS})
    rapporteur = make_user("Rita")
    with app.app_context():
        other = PanelSession(code="other-1", languages=["fr", "es"])
        db.session.add(other)
        db.session.flush()
        db.session.add(Registration(user_id=rapporteur.id, session_id=other.id, role="rapporteur"))
        db.session.commit()
    http = login(rapporteur)

    answer = form_post(
        http, "other-1", kind="question_synthesis", object_id=str(question.id), language="es", text="Hola"
    )

    assert answer.status_code == 302
    assert "There is no synthesis to translate yet." in http.get("/s/other-1/translations").get_data(
        as_text=True
    )
    state = login(make_member("moderator", "M2")).get(f"/api/v1/questions/{question.id}/state").get_json()
    assert state["question"]["translations"]["synthesis"]["es"]["confirmed"] is False
