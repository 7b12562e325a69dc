"""With Apertium configured, what people write is stored translated into the session's other languages.

These tests run the real Apertium (Debian's packages): the translations are checked to be the
provider's output, not the original, and in the target language according to the project's detector.
"""

import pytest
from helpers import events
from translation.support import translations_of

from deliberate.rooms.language import detect

TEXTS = {
    "fr": "Les villes doivent protéger les espaces verts et les parcs publics pour les enfants.",
    "es": "Las ciudades deben proteger los espacios verdes y los parques públicos para los niños.",
    "en": "Cities must protect green spaces and public parks for the children.",
}


@pytest.fixture
def app_config(apertium):
    return {"TRANSLATION": "apertium"}


def post_in(sock, question, language, client_id):
    payload = {
        "question_id": question.id,
        "text": TEXTS[language],
        "client_id": client_id,
        "language": language,
    }
    ack = sock.emit("post", payload, callback=True)
    assert ack["ok"], ack
    return ack["contribution"]


def assert_real_translation(original, language, translated, target):
    assert translated["provider"] == "apertium"
    assert translated["text"].strip() != original.strip()
    assert detect(translated["text"], fallback="none") == target, translated["text"]
    assert translated["source"] == language


@pytest.mark.parametrize("language", ["fr", "es", "en"])
def test_a_contribution_is_stored_in_each_other_language_of_the_session(
    app, joined, make_member, question, language
):
    sock = joined(make_member())
    contribution = post_in(sock, question, language, f"c-{language}")

    stored = translations_of(app, "contribution", contribution["id"])

    targets = {"fr", "es", "en"} - {language}
    assert set(stored) == targets
    for target in targets:
        assert_real_translation(TEXTS[language], language, stored[target], target)


def test_french_and_english_go_through_spanish_and_say_so(app, joined, make_member, question):
    sock = joined(make_member())
    french = post_in(sock, question, "fr", "fr")
    english = post_in(sock, question, "en", "en")

    assert translations_of(app, "contribution", french["id"])["en"]["pivot"] == "es"
    assert translations_of(app, "contribution", english["id"])["fr"]["pivot"] == "es"
    assert translations_of(app, "contribution", french["id"])["es"]["pivot"] is None


def test_the_room_hears_the_contribution_again_once_its_translations_are_ready(joined, make_member, question):
    reader, writer = joined(make_member("attendee", "Reader")), joined(make_member("attendee", "Writer"))
    contribution = post_in(writer, question, "fr", "x")

    heard = [e for e in events(reader, "contribution") if e["id"] == contribution["id"]]
    seen = {}
    for event in heard:  # as the room page applies them
        seen.update(event)

    assert len(heard) == 2  # the post, and its translations once ready
    assert any("translations" not in e for e in heard)  # the post: nothing ready yet
    assert set(seen["translations"]) == {"es", "en"}
    assert seen["translations"]["es"]["provider"] == "apertium"
    assert seen["text"] == TEXTS["fr"]  # the original stays the contribution's text


def test_the_room_state_carries_the_translations(joined, make_member, question):
    sock = joined(make_member())
    contribution = post_in(sock, question, "es", "s")

    state = sock.emit("join", {"question_id": question.id}, callback=True)["state"]

    [mine] = [c for c in state["contributions"] if c["id"] == contribution["id"]]
    assert mine["text"] == TEXTS["es"]
    assert {lang: t["provider"] for lang, t in mine["translations"].items()} == {
        "fr": "apertium",
        "en": "apertium",
    }


def test_a_changed_question_synthesis_is_translated_again(app, login, make_member, question):
    moderator = login(make_member("moderator"))
    first = "Les participants veulent plus de transports publics et de pistes cyclables."
    second = "Les participants demandent des logements abordables pour les familles."

    assert moderator.patch(f"/api/v1/questions/{question.id}", json={"synthesis": first}).status_code == 200
    before = translations_of(app, "question_synthesis", question.id)
    assert moderator.patch(f"/api/v1/questions/{question.id}", json={"synthesis": second}).status_code == 200
    after = translations_of(app, "question_synthesis", question.id)

    for target in ("es", "en"):
        assert_real_translation(first, "fr", before[target], target)
        assert_real_translation(second, "fr", after[target], target)
        assert after[target]["text"] != before[target]["text"]
    state = moderator.get(f"/api/v1/questions/{question.id}/state").get_json()
    assert state["question"]["translations"]["synthesis"]["es"]["text"] == after["es"]["text"]


def test_a_cluster_label_and_synthesis_are_translated(app, login, connect, make_member, question):
    moderator = make_member("moderator")
    sock = connect(moderator)
    ack = sock.emit(
        "cluster_create", {"question_id": question.id, "label": "Logement abordable"}, callback=True
    )
    cluster_id = ack["cluster"]["id"]
    synthesis = "Les participants demandent des logements abordables pour les familles."
    response = login(moderator).patch(f"/api/v1/clusters/{cluster_id}", json={"synthesis": synthesis})
    assert response.status_code == 200

    label = translations_of(app, "cluster_label", cluster_id)
    written = translations_of(app, "cluster_synthesis", cluster_id)

    assert set(label) == {"es", "en"}
    assert label["es"]["provider"] == "apertium" and label["es"]["text"] != "Logement abordable"
    for target in ("es", "en"):
        assert_real_translation(synthesis, "fr", written[target], target)


def test_the_report_prints_apertiums_translations_beside_the_originals(
    joined, login, make_member, question, demo_session
):
    sock = joined(make_member())
    french = post_in(sock, question, "fr", "r")
    moderator = login(make_member("moderator"))

    answer = moderator.get(f"/api/v1/sessions/{demo_session.code}/report?format=json&translations=1")
    markdown = moderator.get(f"/api/v1/sessions/{demo_session.code}/report?format=md&translations=1")

    [entry] = [c for c in answer.get_json()["questions"][0]["unclustered"] if c["id"] == french["id"]]
    spanish = {t["language"]: t for t in entry["translations"]}["es"]
    assert spanish["provider"] == "apertium" and detect(spanish["text"], fallback="none") == "es"
    assert "Machine translation from Français (apertium)" in markdown.get_data(as_text=True)
    assert "via Español" in markdown.get_data(as_text=True)  # its English went through Spanish
