"""The clustering socket events: cluster_create, cluster_assign, cluster_merge, cluster_delete."""

from types import SimpleNamespace

import pytest
from helpers import events, events_until, post

UNKNOWN = 999_999


def emit(sock, name, payload):
    return sock.emit(name, payload, callback=True)


def create(sock, question_id, label, **extra):
    return emit(sock, "cluster_create", {"question_id": question_id, "label": label, **extra})


def assign(sock, contribution_id, cluster_id):
    return emit(sock, "cluster_assign", {"contribution_id": contribution_id, "cluster_id": cluster_id})


def assign_many(sock, question_id, contribution_ids, **target):
    payload = {"question_id": question_id, "contribution_ids": contribution_ids, **target}
    return emit(sock, "cluster_assign_many", payload)


def merge(sock, cluster_id, into_id):
    return emit(sock, "cluster_merge", {"cluster_id": cluster_id, "into_id": into_id})


def delete(sock, cluster_id):
    return emit(sock, "cluster_delete", {"cluster_id": cluster_id})


@pytest.fixture
def world(joined, connect, login, make_member, make_user, question, other_question):
    """Two questions; in the first, cluster ``a`` holds ``first``, ``second`` is unclustered and
    cluster ``b`` is empty; the other question has cluster ``x`` holding ``elsewhere``."""
    moderator_user = make_member("moderator", "Mod")
    moderator = joined(moderator_user)
    attendee = joined(make_member("attendee", "Att"))
    panelist = joined(make_member("panelist", "Pan"))
    # The room's presence reaches it from the broadcaster's thread, a moment after the joins: waited
    # for here, so that no test mistakes it for an answer to its own event.
    events_until(moderator, "presence", lambda event: event["count"] == 3)
    outsider = connect(make_user("Out"))
    first = post(attendee, question, "Premier texte", "c1")["contribution"]["id"]
    second = post(attendee, question, "Deuxième texte", "c2")["contribution"]["id"]
    elsewhere = post(attendee, other_question, "Autre question", "c3")["contribution"]["id"]
    a = create(moderator, question.id, "A", contribution_ids=[first])["cluster"]["id"]
    b = create(moderator, question.id, "B")["cluster"]["id"]
    x = create(moderator, other_question.id, "X", contribution_ids=[elsewhere])["cluster"]["id"]
    http = login(moderator_user)

    def state(question_id=question.id):
        response = http.get(f"/api/v1/questions/{question_id}/state")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def cluster_of(contribution_id, question_id=question.id):
        (found,) = [c for c in state(question_id)["contributions"] if c["id"] == contribution_id]
        return found["cluster_id"]

    def cluster_ids(question_id=question.id):
        return [c["id"] for c in state(question_id)["clusters"]]

    for sock in (moderator, attendee, panelist, outsider):
        sock.get_received()
    return SimpleNamespace(
        question=question,
        other=other_question,
        moderator=moderator,
        attendee=attendee,
        panelist=panelist,
        outsider=outsider,
        first=first,
        second=second,
        elsewhere=elsewhere,
        a=a,
        b=b,
        x=x,
        state=state,
        cluster_of=cluster_of,
        cluster_ids=cluster_ids,
    )


# --- cluster_create ---------------------------------------------------------------------------------


def test_create_answers_the_new_cluster(world):
    ack = create(world.moderator, world.question.id, "Financement")
    assert ack["ok"]
    cluster = ack["cluster"]
    assert (cluster["label"], cluster["question_id"], cluster["synthesis"]) == (
        "Financement",
        world.question.id,
        "",
    )


def test_create_answers_zero_support_for_an_empty_cluster(world):
    cluster = create(world.moderator, world.question.id, "Vide")["cluster"]
    assert (cluster["agree"], cluster["disagree"], cluster["supporters"]) == (0, 0, 0)


def test_create_tells_the_room_about_the_new_cluster(world):
    cluster = create(world.moderator, world.question.id, "Financement")["cluster"]
    assert events(world.attendee, "cluster") == [cluster]


def test_a_created_cluster_is_in_the_state(world):
    cluster = create(world.moderator, world.question.id, "Financement")["cluster"]
    assert world.cluster_ids()[-1] == cluster["id"]


def test_create_trims_the_label(world):
    assert create(world.moderator, world.question.id, "  Formation  ")["cluster"]["label"] == "Formation"


def test_create_accepts_a_label_of_120_characters(world):
    assert create(world.moderator, world.question.id, "x" * 120)["cluster"]["label"] == "x" * 120


def test_a_panelist_may_create_a_cluster(world):
    cluster = create(world.panelist, world.question.id, "Panel")["cluster"]
    assert world.cluster_ids()[-1] == cluster["id"]
    assert [c["label"] for c in events(world.attendee, "cluster")] == ["Panel"]


def test_an_organiser_may_create_a_cluster(world, connect, make_member):
    organiser = connect(make_member("organiser", "Org"))
    cluster = create(organiser, world.question.id, "Org")["cluster"]
    assert world.cluster_ids()[-1] == cluster["id"]


def test_an_attendee_may_create_a_cluster_when_the_session_allows_it(world, allow_attendees):
    cluster = create(world.attendee, world.question.id, "Attendee")["cluster"]
    assert world.cluster_ids()[-1] == cluster["id"]
    assert [c["label"] for c in events(world.moderator, "cluster")] == ["Attendee"]


def test_create_with_contribution_ids_puts_them_in_the_cluster(world):
    cluster = create(
        world.moderator, world.question.id, "Les deux", contribution_ids=[world.first, world.second]
    )["cluster"]
    assert (world.cluster_of(world.first), world.cluster_of(world.second)) == (cluster["id"], cluster["id"])


def test_create_with_contribution_ids_tells_the_room_in_one_event(world):
    cluster = create(
        world.moderator, world.question.id, "Les deux", contribution_ids=[world.first, world.second]
    )["cluster"]
    assert events(world.attendee, "cluster_assigned") == [
        {
            "question_id": world.question.id,
            "cluster_id": cluster["id"],
            "contribution_ids": sorted([world.first, world.second]),
        }
    ]
    assert events(world.attendee, "contribution") == []  # never one event per contribution


def test_create_with_contribution_ids_accepts_an_empty_list(world):
    cluster = create(world.moderator, world.question.id, "Rien", contribution_ids=[])["cluster"]
    assert world.cluster_ids()[-1] == cluster["id"]
    assert events(world.attendee, "contribution") == []


# --- cluster_assign ---------------------------------------------------------------------------------


def test_assign_puts_the_contribution_in_the_cluster(world):
    assert assign(world.moderator, world.second, world.b) == {"ok": True}
    assert world.cluster_of(world.second) == world.b


def test_assign_tells_the_room_about_the_contribution(world):
    assign(world.moderator, world.second, world.b)
    assert [(c["id"], c["cluster_id"]) for c in events(world.attendee, "contribution")] == [
        (world.second, world.b)
    ]


def test_assign_moves_a_contribution_from_one_cluster_to_another(world):
    assign(world.moderator, world.first, world.b)
    assert world.cluster_of(world.first) == world.b


def test_moving_a_contribution_sends_both_clusters_to_the_room(world):
    assign(world.moderator, world.first, world.b)
    assert sorted(c["id"] for c in events(world.attendee, "cluster")) == sorted([world.a, world.b])


def test_assign_with_null_unassigns_the_contribution(world):
    assert assign(world.moderator, world.first, None) == {"ok": True}
    assert world.cluster_of(world.first) is None


def test_unassigning_tells_the_room_the_contribution_has_no_cluster(world):
    assign(world.moderator, world.first, None)
    assert [(c["id"], c["cluster_id"]) for c in events(world.attendee, "contribution")] == [
        (world.first, None)
    ]


def test_a_panelist_may_assign(world):
    assert assign(world.panelist, world.second, world.a) == {"ok": True}
    assert world.cluster_of(world.second) == world.a
    assert [(c["id"], c["cluster_id"]) for c in events(world.attendee, "contribution")] == [
        (world.second, world.a)
    ]


def test_an_attendee_may_assign_when_the_session_allows_it(world, allow_attendees):
    assert assign(world.attendee, world.second, world.a) == {"ok": True}
    assert world.cluster_of(world.second) == world.a


# --- cluster_merge ----------------------------------------------------------------------------------


def test_merge_moves_the_contributions_into_the_target(world):
    assert merge(world.moderator, world.a, world.b)["ok"]
    assert world.cluster_of(world.first) == world.b
    assert world.cluster_of(world.second) is None


def test_merge_removes_the_merged_cluster(world):
    merge(world.moderator, world.a, world.b)
    assert world.cluster_ids() == [world.b]


def test_merge_tells_the_room_the_cluster_was_merged_into_the_target(world):
    merge(world.moderator, world.a, world.b)
    assert events(world.attendee, "cluster_deleted") == [
        {"id": world.a, "question_id": world.question.id, "into_id": world.b}
    ]


def test_merge_sends_the_target_with_its_new_support_to_the_room(world):
    merge(world.moderator, world.a, world.b)
    assert [c["id"] for c in events(world.attendee, "cluster")] == [world.b]


def test_merge_keeps_the_synthesis_of_the_merged_cluster_when_the_target_has_none(world, login, make_member):
    http = login(make_member("moderator", "Mod2"))
    http.patch(f"/api/v1/clusters/{world.a}", json={"synthesis": "Accord sur #1"})
    merge(world.moderator, world.a, world.b)
    assert world.state()["clusters"][0]["synthesis"] == "Accord sur #1"


def test_an_attendee_may_merge_when_the_session_allows_it(world, allow_attendees):
    assert merge(world.attendee, world.a, world.b)["ok"]
    assert (world.cluster_ids(), world.cluster_of(world.first)) == ([world.b], world.b)


# --- cluster_delete ---------------------------------------------------------------------------------


def test_delete_leaves_its_contributions_unclustered(world):
    assert delete(world.moderator, world.a) == {"ok": True}
    assert world.cluster_of(world.first) is None


def test_delete_removes_the_cluster_from_the_state(world):
    delete(world.moderator, world.a)
    assert world.cluster_ids() == [world.b]


def test_delete_tells_the_room_with_no_merge_target(world):
    delete(world.moderator, world.a)
    assert events(world.attendee, "cluster_deleted") == [
        {"id": world.a, "question_id": world.question.id, "into_id": None}
    ]


def test_an_attendee_may_delete_when_the_session_allows_it(world, allow_attendees):
    assert delete(world.attendee, world.a) == {"ok": True}
    assert (world.cluster_ids(), world.cluster_of(world.first)) == ([world.b], None)
    assert events(world.moderator, "cluster_deleted") == [
        {"id": world.a, "question_id": world.question.id, "into_id": None}
    ]


# --- cluster_assign_many ----------------------------------------------------------------------------


def test_assign_many_puts_every_contribution_in_the_cluster(world):
    ack = assign_many(world.moderator, world.question.id, [world.first, world.second], cluster_id=world.b)
    assert ack == {"ok": True, "cluster_id": world.b, "contribution_ids": sorted([world.first, world.second])}
    assert (world.cluster_of(world.first), world.cluster_of(world.second)) == (world.b, world.b)


def test_assign_many_tells_the_room_once_with_every_id(world):
    assign_many(world.moderator, world.question.id, [world.second, world.first], cluster_id=world.b)
    assert events(world.attendee, "cluster_assigned") == [
        {
            "question_id": world.question.id,
            "cluster_id": world.b,
            "contribution_ids": sorted([world.first, world.second]),
        }
    ]


def test_assign_many_sends_no_contribution_event_per_contribution(world):
    assign_many(world.moderator, world.question.id, [world.first, world.second], cluster_id=world.b)
    assert events(world.attendee, "contribution") == []


def test_assign_many_sends_the_clusters_whose_support_changed(world):
    assign_many(world.moderator, world.question.id, [world.first, world.second], cluster_id=world.b)
    assert sorted(c["id"] for c in events(world.attendee, "cluster")) == sorted([world.a, world.b])


def test_assign_many_with_a_label_creates_the_cluster_and_fills_it(world):
    ack = assign_many(world.moderator, world.question.id, [world.first, world.second], label="Nouveau")
    assert ack["ok"] and ack["cluster_id"] not in (world.a, world.b)
    assert world.cluster_ids()[-1] == ack["cluster_id"]
    assert (world.cluster_of(world.first), world.cluster_of(world.second)) == (ack["cluster_id"],) * 2


def test_assign_many_with_null_unassigns_them(world):
    assign_many(world.moderator, world.question.id, [world.first], cluster_id=None)
    assert world.cluster_of(world.first) is None


def test_assign_many_leaves_those_already_there_out_of_the_answer(world):
    ack = assign_many(world.moderator, world.question.id, [world.first, world.second], cluster_id=world.a)
    assert ack["contribution_ids"] == [world.second]


def test_assign_many_of_hidden_contributions_tells_attendees_only_the_visible_ids(world, joined, make_member):
    staff = joined(make_member("rapporteur", "Rap"))
    emit(world.moderator, "moderate", {"contribution_id": world.first, "action": "hide"})
    for sock in (world.attendee, staff):
        sock.get_received()
    assign_many(world.moderator, world.question.id, [world.first, world.second], cluster_id=world.b)
    assert [e["contribution_ids"] for e in events(world.attendee, "cluster_assigned")] == [[world.second]]
    assert [e["contribution_ids"] for e in events(staff, "cluster_assigned")] == [
        sorted([world.first, world.second])
    ]


def test_a_panelist_cannot_move_hidden_contributions_in_bulk(world, joined, make_member):
    emit(world.moderator, "moderate", {"contribution_id": world.second, "action": "hide"})
    ack = assign_many(world.panelist, world.question.id, [world.second], cluster_id=world.b)
    assert ack["error"]["code"] == "not_found"
    assert world.cluster_of(world.second) is None


# --- refusals ---------------------------------------------------------------------------------------
# Each case: who sends which event with what payload, and the error code the ack must carry.

REFUSED = {
    "create-empty-label": (
        lambda w: (w.moderator, "cluster_create", {"question_id": w.question.id, "label": ""}),
        "invalid",
    ),
    "create-blank-label": (
        lambda w: (w.moderator, "cluster_create", {"question_id": w.question.id, "label": "   "}),
        "invalid",
    ),
    "create-label-of-121-characters": (
        lambda w: (w.moderator, "cluster_create", {"question_id": w.question.id, "label": "x" * 121}),
        "invalid",
    ),
    "create-label-not-a-string": (
        lambda w: (w.moderator, "cluster_create", {"question_id": w.question.id, "label": 5}),
        "invalid",
    ),
    "create-without-label": (
        lambda w: (w.moderator, "cluster_create", {"question_id": w.question.id}),
        "invalid",
    ),
    "create-unknown-question": (
        lambda w: (w.moderator, "cluster_create", {"question_id": UNKNOWN, "label": "L"}),
        "not_found",
    ),
    "create-by-attendee": (
        lambda w: (w.attendee, "cluster_create", {"question_id": w.question.id, "label": "L"}),
        "forbidden",
    ),
    "create-by-unregistered": (
        lambda w: (w.outsider, "cluster_create", {"question_id": w.question.id, "label": "L"}),
        "forbidden",
    ),
    "create-with-contribution-of-another-question": (
        lambda w: (
            w.moderator,
            "cluster_create",
            {"question_id": w.question.id, "label": "L", "contribution_ids": [w.second, w.elsewhere]},
        ),
        "not_found",
    ),
    "create-with-unknown-contribution": (
        lambda w: (
            w.moderator,
            "cluster_create",
            {"question_id": w.question.id, "label": "L", "contribution_ids": [UNKNOWN]},
        ),
        "not_found",
    ),
    "create-with-contribution-ids-not-a-list": (
        lambda w: (
            w.moderator,
            "cluster_create",
            {"question_id": w.question.id, "label": "L", "contribution_ids": w.second},
        ),
        "invalid",
    ),
    "create-with-contribution-id-not-an-integer": (
        lambda w: (
            w.moderator,
            "cluster_create",
            {"question_id": w.question.id, "label": "L", "contribution_ids": [str(w.second)]},
        ),
        "invalid",
    ),
    "assign-without-cluster-id-key": (
        lambda w: (w.moderator, "cluster_assign", {"contribution_id": w.second}),
        "invalid",
    ),
    "assign-to-cluster-of-another-question": (
        lambda w: (w.moderator, "cluster_assign", {"contribution_id": w.second, "cluster_id": w.x}),
        "invalid",
    ),
    "assign-unknown-contribution": (
        lambda w: (w.moderator, "cluster_assign", {"contribution_id": UNKNOWN, "cluster_id": w.a}),
        "not_found",
    ),
    "assign-to-unknown-cluster": (
        lambda w: (w.moderator, "cluster_assign", {"contribution_id": w.second, "cluster_id": UNKNOWN}),
        "not_found",
    ),
    "assign-by-attendee": (
        lambda w: (w.attendee, "cluster_assign", {"contribution_id": w.second, "cluster_id": w.a}),
        "forbidden",
    ),
    "assign-by-unregistered": (
        lambda w: (w.outsider, "cluster_assign", {"contribution_id": w.second, "cluster_id": w.a}),
        "forbidden",
    ),
    "assign-many-without-target": (
        lambda w: (
            w.moderator,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second]},
        ),
        "invalid",
    ),
    "assign-many-to-cluster-of-another-question": (
        lambda w: (
            w.moderator,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second], "cluster_id": w.x},
        ),
        "invalid",
    ),
    "assign-many-with-contribution-of-another-question": (
        lambda w: (
            w.moderator,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second, w.elsewhere], "cluster_id": w.b},
        ),
        "not_found",
    ),
    "assign-many-new-cluster-with-unknown-contribution": (
        lambda w: (
            w.moderator,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second, UNKNOWN], "label": "L"},
        ),
        "not_found",
    ),
    "assign-many-ids-not-a-list": (
        lambda w: (
            w.moderator,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": w.second, "cluster_id": w.b},
        ),
        "invalid",
    ),
    "assign-many-new-cluster-blank-label": (
        lambda w: (
            w.moderator,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second], "label": " "},
        ),
        "invalid",
    ),
    "assign-many-by-attendee": (
        lambda w: (
            w.attendee,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second], "cluster_id": w.b},
        ),
        "forbidden",
    ),
    "assign-many-by-unregistered": (
        lambda w: (
            w.outsider,
            "cluster_assign_many",
            {"question_id": w.question.id, "contribution_ids": [w.second], "label": "L"},
        ),
        "forbidden",
    ),
    "merge-into-itself": (
        lambda w: (w.moderator, "cluster_merge", {"cluster_id": w.a, "into_id": w.a}),
        "invalid",
    ),
    "merge-unknown-cluster": (
        lambda w: (w.moderator, "cluster_merge", {"cluster_id": UNKNOWN, "into_id": w.b}),
        "not_found",
    ),
    "merge-into-unknown-cluster": (
        lambda w: (w.moderator, "cluster_merge", {"cluster_id": w.a, "into_id": UNKNOWN}),
        "not_found",
    ),
    "merge-clusters-of-different-questions": (
        lambda w: (w.moderator, "cluster_merge", {"cluster_id": w.a, "into_id": w.x}),
        "invalid",
    ),
    "merge-by-attendee": (
        lambda w: (w.attendee, "cluster_merge", {"cluster_id": w.a, "into_id": w.b}),
        "forbidden",
    ),
    "delete-unknown-cluster": (
        lambda w: (w.moderator, "cluster_delete", {"cluster_id": UNKNOWN}),
        "not_found",
    ),
    "delete-by-attendee": (
        lambda w: (w.attendee, "cluster_delete", {"cluster_id": w.a}),
        "forbidden",
    ),
    "delete-by-unregistered": (
        lambda w: (w.outsider, "cluster_delete", {"cluster_id": w.a}),
        "forbidden",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_event_answers_its_error_code(world, case):
    build, code = REFUSED[case]
    sock, name, payload = build(world)
    ack = emit(sock, name, payload)
    assert (ack["ok"], ack["error"]["code"]) == (False, code)


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_event_changes_nothing(world, case):
    before = (world.state(), world.state(world.other.id))
    sock, name, payload = REFUSED[case][0](world)
    emit(sock, name, payload)
    assert (world.state(), world.state(world.other.id)) == before


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_event_tells_the_room_nothing(world, case):
    sock, name, payload = REFUSED[case][0](world)
    emit(sock, name, payload)
    assert world.moderator.get_received() == []


def test_a_panelist_cannot_put_hidden_contributions_in_a_new_cluster(joined, make_member, question):
    author = joined(make_member("attendee", "Author"))
    cid = author.emit(
        "post", {"question_id": question.id, "text": "à cacher", "client_id": "h"}, callback=True
    )["contribution"]["id"]
    joined(make_member("moderator", "Mod")).emit(
        "moderate", {"contribution_id": cid, "action": "hide"}, callback=True
    )
    panelist = joined(make_member("panelist", "Pan"))
    ack = panelist.emit(
        "cluster_create", {"question_id": question.id, "label": "T", "contribution_ids": [cid]}, callback=True
    )
    assert ack["error"]["code"] == "not_found"
