import pytest
from helpers import contribution_count, events, post


def test_a_post_reaches_everyone_in_the_room_with_author_role_and_language(joined, make_member, question):
    alice, bob = joined(make_member("attendee", "Alice")), joined(make_member("panelist", "Bob"))
    ack = post(bob, question, "  Il faut financer les coopératives locales  ", "c1")
    assert ack["ok"]
    contribution = ack["contribution"]
    assert contribution["text"] == "Il faut financer les coopératives locales"
    assert (contribution["author"], contribution["role"], contribution["language"]) == (
        "Bob",
        "panelist",
        "fr",
    )
    assert contribution["created_at"].endswith("+00:00")
    assert events(alice, "contribution") == [contribution]


def test_the_language_is_detected_for_english_and_spanish(joined, make_member, question):
    sock = joined(make_member())
    english = post(sock, question, "Local governments should fund training programmes", "e")
    spanish = post(sock, question, "Los gobiernos locales deben financiar la formación", "s")
    assert (english["contribution"]["language"], spanish["contribution"]["language"]) == ("en", "es")


def test_an_explicit_language_choice_is_recorded(joined, make_member, question):
    sock = joined(make_member())
    ack = sock.emit(
        "post", {"question_id": question.id, "text": "OK", "client_id": "x", "language": "es"}, callback=True
    )
    assert ack["contribution"]["language"] == "es"


def test_reposting_the_same_client_id_returns_the_same_contribution_and_stores_one(
    app, joined, make_member, question
):
    sock = joined(make_member())
    first = post(sock, question, "Une idée", "same-id")
    again = post(sock, question, "Une idée", "same-id")
    assert first["contribution"]["id"] == again["contribution"]["id"]
    assert contribution_count(app) == 1


def test_the_same_client_id_from_two_people_makes_two_contributions(joined, make_member, question):
    a, b = joined(make_member(name="A")), joined(make_member(name="B"))
    assert (
        post(a, question, "x1", "dup")["contribution"]["id"]
        != post(b, question, "x2", "dup")["contribution"]["id"]
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "hello"},
        {"question_id": "1", "text": "hello"},
        {"question_id": True, "text": "hello"},
        {"question_id": None, "text": "hello", "client_id": "a"},
    ],
)
def test_a_post_without_a_valid_question_id_is_invalid(joined, make_member, payload):
    ack = joined(make_member()).emit("post", payload, callback=True)
    assert ack == {"ok": False, "error": {"code": "invalid", "message": ack["error"]["message"]}}


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001, None, 42, ["a"]])
def test_a_post_with_empty_long_or_non_text_is_invalid_and_stores_nothing(
    app, joined, make_member, question, text
):
    ack = joined(make_member()).emit(
        "post", {"question_id": question.id, "text": text, "client_id": "c"}, callback=True
    )
    assert ack["error"]["code"] == "invalid"
    assert contribution_count(app) == 0


def test_a_post_of_exactly_1000_characters_after_trimming_is_accepted(joined, make_member, question):
    assert post(joined(make_member()), question, "  " + "y" * 1000 + "  ", "c")["ok"]


def test_a_payload_that_is_not_an_object_is_invalid(joined, make_member):
    assert joined(make_member()).emit("post", "hello", callback=True)["error"]["code"] == "invalid"


def test_a_post_to_an_unknown_question_is_not_found(joined, make_member):
    ack = joined(make_member()).emit(
        "post", {"question_id": 999999, "text": "x", "client_id": "c"}, callback=True
    )
    assert ack["error"]["code"] == "not_found"


def test_an_unregistered_person_may_not_join_or_post(connect, make_user, question):
    sock = connect(make_user("Stranger"))
    assert sock.emit("join", {"question_id": question.id}, callback=True)["error"]["code"] == "forbidden"
    ack = sock.emit("post", {"question_id": question.id, "text": "x", "client_id": "c"}, callback=True)
    assert ack["error"]["code"] == "forbidden"


def test_an_anonymous_connection_is_refused(app):
    from deliberate.extensions import socketio

    sock = socketio.test_client(app, flask_test_client=app.test_client())
    assert not sock.is_connected()


def test_a_client_id_already_used_in_another_question_is_a_conflict_not_a_lost_post(
    app, joined, make_member, demo_session
):
    sock = joined(make_member())
    first, second = demo_session.questions[0], demo_session.questions[1]
    post(sock, first, "Pour la première question", "c1")
    ack = post(sock, second, "Pour la deuxième question", "c1")
    assert ack["error"]["code"] == "conflict"
    assert contribution_count(app) == 1


@pytest.mark.parametrize("text", ["bad \ud800 surrogate", "nul \x00 inside"])
def test_text_that_cannot_be_stored_is_invalid(joined, make_member, question, text):
    ack = post(joined(make_member()), question, text, "c")
    assert ack["error"]["code"] == "invalid"


def test_an_id_too_large_for_the_database_is_invalid(joined, make_member, login):
    member = make_member()
    ack = joined(member).emit("post", {"question_id": 2**70, "text": "x", "client_id": "c"}, callback=True)
    assert ack["error"]["code"] == "invalid"
    response = login(member).get(f"/api/v1/questions/{2**70}/state")
    # The same answer as the socket's: the id is out of range, whatever exists.
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid")
