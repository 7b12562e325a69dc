from helpers import post


def test_the_state_has_the_contracts_shape(login, joined, make_member, question):
    member = make_member()
    post(joined(member), question, "Une contribution", "c")
    state = login(member).get(f"/api/v1/questions/{question.id}/state?lang=en").get_json()
    assert set(state) == {"question", "contributions", "clusters", "seq"}
    assert set(state["question"]) >= {"id", "position", "text", "status", "synthesis"}
    assert state["question"]["text"].startswith("How")
    assert set(state["contributions"][0]) >= {
        "id",
        "text",
        "author",
        "role",
        "language",
        "created_at",
        "agree",
        "disagree",
        "my_vote",
        "cluster_id",
        "hidden",
    }
    assert state["seq"] == 1


def test_the_state_needs_a_login(client, question):
    response = client.get(f"/api/v1/questions/{question.id}/state")
    assert (response.status_code, response.get_json()["error"]["code"]) == (401, "unauthenticated")


def test_the_state_needs_a_registration(login, make_user, question):
    response = login(make_user("Stranger")).get(f"/api/v1/questions/{question.id}/state")
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden")


def test_the_state_of_an_unknown_question_is_not_found(login, make_member):
    response = login(make_member()).get("/api/v1/questions/4242/state")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")


def test_the_room_page_needs_registration(login, make_user, demo_session):
    page = login(make_user("Stranger")).get(f"/s/{demo_session.code}/q/1")
    assert b"Register for this session" in page.data


def test_the_room_and_projector_pages_render_for_members(login, make_member, demo_session):
    from html import escape

    from reports.report_session import question_text

    text = escape(question_text(1, "en"))
    http = login(make_member())
    room = http.get(f"/s/{demo_session.code}/q/1?lang=en").get_data(as_text=True)
    assert text in room and 'data-question-id="' in room
    projector = http.get(f"/s/{demo_session.code}/q/1/projector").get_data(as_text=True)
    assert text in projector
    # The QR code and the address it encodes, for the hall to join.
    assert "<svg" in projector and f"/j/{demo_session.code}/1" in projector


def test_the_room_page_of_an_unknown_question_is_404(login, make_member, demo_session):
    assert login(make_member()).get(f"/s/{demo_session.code}/q/9").status_code == 404
