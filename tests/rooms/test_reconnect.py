from helpers import post


def test_a_client_that_reconnects_finds_every_post_made_while_it_was_away(
    connect, joined, make_member, question
):
    member = make_member(name="Away")
    away = joined(member)
    away.disconnect()
    other = joined(make_member(name="Other"))
    made = [post(other, question, f"Pendant l'absence {i}", f"p{i}")["contribution"]["id"] for i in range(5)]
    back = connect(member)
    state = back.emit("join", {"question_id": question.id}, callback=True)["state"]
    assert [c["id"] for c in state["contributions"]] == made


def test_a_post_resent_after_a_dropped_connection_is_not_doubled(connect, joined, make_member, question):
    member = make_member()
    first = joined(member)
    sent = post(first, question, "Envoyé juste avant la coupure", "offline-1")["contribution"]
    first.disconnect()
    again = connect(member)
    again.emit("join", {"question_id": question.id}, callback=True)
    resent = post(again, question, "Envoyé juste avant la coupure", "offline-1")["contribution"]
    state = again.emit("join", {"question_id": question.id}, callback=True)["state"]
    assert resent["id"] == sent["id"]
    assert len(state["contributions"]) == 1
