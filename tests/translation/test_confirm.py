"""A moderator or rapporteur replaces the machine translation of a synthesis with a confirmed one."""

import pytest


class Fake:
    """A provider whose every translation names its target language."""

    name = "fake"

    def supports(self, source, target):
        return source != target

    def translate(self, texts, source, target):
        return [f"[{target}] {t}" for t in texts]


@pytest.fixture
def app_config():
    return {"TRANSLATION_PROVIDER": Fake()}


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
