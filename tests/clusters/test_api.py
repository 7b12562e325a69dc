"""HTTP API of clusters: PATCH a cluster, support figures, suggestions, coverage, synthesis preview."""

import pytest
from helpers import events, post


def create(sock, question, label, contribution_ids=None):
    payload = {"question_id": question.id, "label": label}
    if contribution_ids is not None:
        payload["contribution_ids"] = contribution_ids
    ack = sock.emit("cluster_create", payload, callback=True)
    assert ack["ok"], ack
    return ack["cluster"]["id"]


def vote(sock, contribution_id, value=1):
    ack = sock.emit("vote", {"contribution_id": contribution_id, "value": value}, callback=True)
    assert ack["ok"], ack


def state(http, question):
    response = http.get(f"/api/v1/questions/{question.id}/state")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cluster_in_state(http, question, cluster_id):
    (found,) = [c for c in state(http, question)["clusters"] if c["id"] == cluster_id]
    return found


def patch(http, cluster_id, body):
    return http.patch(f"/api/v1/clusters/{cluster_id}", json=body)


def error(response):
    return response.status_code, response.get_json()["error"]["code"]


@pytest.fixture
def cluster(mod_sock, question):
    cluster_id = create(mod_sock, question, "Financement")
    mod_sock.get_received()
    return cluster_id


# --- PATCH /api/v1/clusters/ID ----------------------------------------------------------------------


def test_a_moderator_renames_a_cluster(mod_http, cluster):
    response = patch(mod_http, cluster, {"label": "Crédit"})
    assert (response.status_code, response.get_json()["label"]) == (200, "Crédit")


def test_a_new_label_is_in_the_state(mod_http, question, cluster):
    patch(mod_http, cluster, {"label": "Crédit"})
    assert cluster_in_state(mod_http, question, cluster)["label"] == "Crédit"


def test_renaming_tells_the_room(mod_http, mod_sock, cluster):
    patch(mod_http, cluster, {"label": "Crédit"})
    assert [(c["id"], c["label"]) for c in events(mod_sock, "cluster")] == [(cluster, "Crédit")]


def test_a_panelist_may_rename_a_cluster(login, make_member, mod_http, question, cluster):
    response = patch(login(make_member("panelist")), cluster, {"label": "Crédit"})
    assert response.status_code == 200
    assert cluster_in_state(mod_http, question, cluster)["label"] == "Crédit"


def test_a_panelist_may_not_write_a_synthesis(login, make_member, cluster):
    response = patch(login(make_member("panelist")), cluster, {"synthesis": "Résumé"})
    assert error(response) == (403, "forbidden")


def test_an_attendee_may_not_rename_a_cluster(login, make_member, cluster):
    assert error(patch(login(make_member("attendee")), cluster, {"label": "Crédit"})) == (403, "forbidden")


def test_an_attendee_may_rename_a_cluster_when_the_session_allows_it(
    login, make_member, mod_http, question, cluster, allow_attendees
):
    assert patch(login(make_member("attendee")), cluster, {"label": "Crédit"}).status_code == 200
    assert cluster_in_state(mod_http, question, cluster)["label"] == "Crédit"


def test_an_attendee_may_not_write_a_synthesis_even_when_allowed_to_cluster(
    login, make_member, cluster, allow_attendees
):
    response = patch(login(make_member("attendee")), cluster, {"synthesis": "Résumé"})
    assert error(response) == (403, "forbidden")


def test_a_synthesis_set_by_a_moderator_is_in_the_state(mod_http, question, cluster):
    assert patch(mod_http, cluster, {"synthesis": "**Accord** sur #1"}).status_code == 200
    assert cluster_in_state(mod_http, question, cluster)["synthesis"] == "**Accord** sur #1"


def test_a_refused_synthesis_leaves_the_cluster_unchanged(login, make_member, mod_http, question, cluster):
    patch(login(make_member("panelist")), cluster, {"label": "Autre", "synthesis": "Résumé"})
    found = cluster_in_state(mod_http, question, cluster)
    assert (found["label"], found["synthesis"]) == ("Financement", "")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"colour": "red"},
        {"label": "Crédit", "colour": "red"},
        {"label": ""},
        {"label": "   "},
        {"label": "x" * 121},
        {"label": 5},
        {"synthesis": 3},
        {"synthesis": "x" * 50_001},
        [],
    ],
    ids=repr,
)
def test_a_bad_cluster_change_is_invalid(mod_http, cluster, body):
    assert error(patch(mod_http, cluster, body)) == (400, "invalid")


def test_a_bad_cluster_change_changes_nothing(mod_http, question, cluster):
    patch(mod_http, cluster, {"label": "Crédit", "synthesis": 3})
    assert cluster_in_state(mod_http, question, cluster)["label"] == "Financement"


def test_a_cluster_change_that_is_not_json_is_invalid(mod_http, cluster):
    response = mod_http.patch(f"/api/v1/clusters/{cluster}", data="label=x")
    assert error(response) == (400, "invalid")


def test_changing_an_unknown_cluster_is_not_found(mod_http, cluster):
    assert error(patch(mod_http, 999_999, {"label": "Crédit"})) == (404, "not_found")


def test_an_anonymous_cluster_change_is_unauthenticated(client, cluster):
    assert error(patch(client, cluster, {"label": "Crédit"})) == (401, "unauthenticated")


# --- support figures --------------------------------------------------------------------------------


@pytest.fixture
def supported(mod_sock, question, connect, make_member):
    """Cluster holding contributions ``one`` and ``two``; returns (cluster, one, two, three voters)."""
    one = post(mod_sock, question, "Des fonds de garantie", "one")["contribution"]["id"]
    two = post(mod_sock, question, "Des prêts à taux zéro", "two")["contribution"]["id"]
    cluster = create(mod_sock, question, "Financement", [one, two])
    voters = [connect(make_member("attendee", f"Voter{i}")) for i in range(3)]
    return cluster, one, two, voters


def test_agree_is_the_sum_over_the_clusters_contributions(mod_http, question, supported):
    cluster, one, two, (v1, v2, v3) = supported
    vote(v1, one)
    vote(v2, one)
    vote(v3, two)
    assert cluster_in_state(mod_http, question, cluster)["agree"] == 3


def test_disagree_is_the_sum_over_the_clusters_contributions(mod_http, question, supported):
    cluster, one, two, (v1, v2, v3) = supported
    vote(v1, one, -1)
    vote(v2, two, -1)
    vote(v3, two, 1)
    assert cluster_in_state(mod_http, question, cluster)["disagree"] == 2


def test_two_people_agreeing_with_two_contributions_are_two_supporters(mod_http, question, supported):
    cluster, one, two, (v1, v2, _) = supported
    for sock in (v1, v2):
        vote(sock, one)
        vote(sock, two)
    assert cluster_in_state(mod_http, question, cluster)["supporters"] == 2


def test_one_person_agreeing_with_both_contributions_is_one_supporter(mod_http, question, supported):
    cluster, one, two, (v1, _, _) = supported
    vote(v1, one)
    vote(v1, two)
    assert cluster_in_state(mod_http, question, cluster)["supporters"] == 1


def test_disagreeing_does_not_make_a_supporter(mod_http, question, supported):
    cluster, one, _, (v1, _, _) = supported
    vote(v1, one, -1)
    assert cluster_in_state(mod_http, question, cluster)["supporters"] == 0


def test_a_hidden_contribution_does_not_count_for_support(mod_http, mod_sock, question, supported):
    cluster, one, two, (v1, v2, _) = supported
    vote(v1, one)
    vote(v2, two)
    assert mod_sock.emit("moderate", {"contribution_id": two, "action": "hide"}, callback=True)["ok"]
    found = cluster_in_state(mod_http, question, cluster)
    assert (found["agree"], found["supporters"]) == (1, 1)


def test_moving_a_contribution_sends_the_clusters_new_support(mod_sock, question, supported):
    cluster, one, two, (v1, _, _) = supported
    vote(v1, two)
    mod_sock.get_received()
    mod_sock.emit("cluster_assign", {"contribution_id": two, "cluster_id": None}, callback=True)
    assert [(c["id"], c["agree"]) for c in events(mod_sock, "cluster")] == [(cluster, 0)]


# --- suggestions ------------------------------------------------------------------------------------

TEXTS = [
    "Le financement des coopératives par des fonds de garantie",
    "Financer les coopératives avec des prêts solidaires",
    "Former les jeunes aux métiers de l'économie sociale",
    "La formation professionnelle des salariés des coopératives",
    "Recycler les déchets électroniques dans l'économie circulaire",
    "Le recyclage des déchets plastiques crée des emplois",
]


@pytest.fixture
def posted(mod_sock, question):
    """Six contributions, the last one hidden; returns (visible ids, hidden id)."""
    ids = [post(mod_sock, question, text, f"s{i}")["contribution"]["id"] for i, text in enumerate(TEXTS)]
    ack = mod_sock.emit("moderate", {"contribution_id": ids[-1], "action": "hide"}, callback=True)
    assert ack["ok"]
    return ids[:-1], ids[-1]


def suggest(http, question):
    return http.post(f"/api/v1/questions/{question.id}/cluster-suggestions", json={})


def test_suggestions_cover_every_visible_contribution_exactly_once(mod_http, question, posted):
    visible, _ = posted
    suggestions = suggest(mod_http, question).get_json()["suggestions"]
    covered = [cid for s in suggestions for cid in s["contribution_ids"]]
    assert sorted(covered) == sorted(visible)


def test_suggestions_have_a_label(mod_http, question, posted):
    suggestions = suggest(mod_http, question).get_json()["suggestions"]
    assert all(isinstance(s["label"], str) and 1 <= len(s["label"]) <= 120 for s in suggestions)


def test_suggestions_leave_out_hidden_contributions(mod_http, question, posted):
    _, hidden = posted
    suggestions = suggest(mod_http, question).get_json()["suggestions"]
    assert all(hidden not in s["contribution_ids"] for s in suggestions)


def test_suggestions_store_nothing(mod_http, question, posted):
    before = state(mod_http, question)
    suggest(mod_http, question)
    assert state(mod_http, question) == before


def test_suggestions_create_no_cluster(mod_http, question, posted):
    suggest(mod_http, question)
    assert state(mod_http, question)["clusters"] == []


def test_suggestions_for_a_question_without_contributions_are_empty(mod_http, question):
    assert suggest(mod_http, question).get_json()["suggestions"] == []


def test_an_organiser_gets_suggestions_for_the_visible_contributions(login, make_member, question, posted):
    visible, hidden = posted
    response = suggest(login(make_member("organiser", "Org")), question)
    suggested = [cid for s in response.get_json()["suggestions"] for cid in s["contribution_ids"]]
    assert suggested and set(suggested) <= set(visible) and hidden not in suggested


@pytest.mark.parametrize("role", ["attendee", "panelist", "rapporteur"])
def test_only_moderators_get_suggestions(login, make_member, question, role):
    assert error(suggest(login(make_member(role)), question)) == (403, "forbidden")


def test_suggestions_for_an_unknown_question_are_not_found(mod_http):
    assert error(mod_http.post("/api/v1/questions/999999/cluster-suggestions", json={})) == (404, "not_found")


# --- coverage ---------------------------------------------------------------------------------------


@pytest.fixture
def covered(mod_sock, question):
    """A French contribution in cluster ``fr``, a Spanish one in cluster ``es``; returns ids."""

    def add(text, language, key):
        ack = mod_sock.emit(
            "post",
            {"question_id": question.id, "text": text, "client_id": key, "language": language},
            callback=True,
        )
        assert ack["ok"], ack
        return ack["contribution"]["id"]

    fr = add("Des fonds de garantie pour les coopératives", "fr", "fr")
    es = add("Fondos de garantía para las cooperativas", "es", "es")
    return {
        "fr_contribution": fr,
        "es_contribution": es,
        "fr": create(mod_sock, question, "Fonds", [fr]),
        "es": create(mod_sock, question, "Fondos", [es]),
    }


def coverage(http, question):
    response = http.get(f"/api/v1/questions/{question.id}/coverage")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def set_question_synthesis(http, question, text):
    assert http.patch(f"/api/v1/questions/{question.id}", json={"synthesis": text}).status_code == 200


def test_coverage_lists_every_cluster_before_any_synthesis(mod_http, question, covered):
    assert coverage(mod_http, question)["clusters_not_mentioned"] == [covered["fr"], covered["es"]]


def test_coverage_lists_every_language_before_any_synthesis(mod_http, question, covered):
    assert coverage(mod_http, question)["languages_not_mentioned"] == ["es", "fr"]


def test_a_cited_contributions_cluster_leaves_the_not_mentioned_list(mod_http, question, covered):
    set_question_synthesis(mod_http, question, f"Accord sur #{covered['fr_contribution']}")
    assert coverage(mod_http, question)["clusters_not_mentioned"] == [covered["es"]]


def test_a_cited_contributions_language_leaves_the_not_mentioned_list(mod_http, question, covered):
    set_question_synthesis(mod_http, question, f"Accord sur #{covered['fr_contribution']}")
    assert coverage(mod_http, question)["languages_not_mentioned"] == ["es"]


def test_a_citation_in_a_cluster_synthesis_counts_for_coverage(mod_http, question, covered):
    patch(mod_http, covered["fr"], {"synthesis": f"Voir #{covered['es_contribution']}"})
    result = coverage(mod_http, question)
    assert (result["clusters_not_mentioned"], result["languages_not_mentioned"]) == ([], ["fr"])


def test_coverage_lists_the_cited_contributions(mod_http, question, covered):
    set_question_synthesis(
        mod_http, question, f"#{covered['es_contribution']} et #{covered['fr_contribution']}"
    )
    assert coverage(mod_http, question)["mentioned_contributions"] == sorted(
        [covered["es_contribution"], covered["fr_contribution"]]
    )


def test_coverage_lists_clusters_without_synthesis(mod_http, question, covered):
    patch(mod_http, covered["fr"], {"synthesis": "Résumé"})
    assert coverage(mod_http, question)["clusters_without_synthesis"] == [covered["es"]]


def test_a_reference_to_no_contribution_of_the_question_covers_nothing(mod_http, question, covered):
    mod_http.patch(f"/api/v1/questions/{question.id}", json={"synthesis": "Voir #999999"})
    result = coverage(mod_http, question)
    assert result["mentioned_contributions"] == []
    assert result["languages_not_mentioned"] == ["es", "fr"]


def test_coverage_of_an_empty_question_says_there_is_nothing_to_cover(mod_http, question):
    result = coverage(mod_http, question)
    assert (result["contributions"], result["written"]) == (0, False)


def test_coverage_says_whether_any_synthesis_is_written(mod_http, question, covered):
    before = coverage(mod_http, question)["written"]
    patch(mod_http, covered["fr"], {"synthesis": "Les fonds"})
    assert (before, coverage(mod_http, question)["written"]) == (False, True)


def test_coverage_needs_registration(login, make_user, question):
    response = login(make_user("Out")).get(f"/api/v1/questions/{question.id}/coverage")
    assert error(response) == (403, "forbidden")


# --- synthesis preview ------------------------------------------------------------------------------


def preview(http, question, markdown):
    return http.post(f"/api/v1/questions/{question.id}/synthesis-preview", json={"markdown": markdown})


def test_preview_removes_script_elements(mod_http, question):
    html = preview(mod_http, question, "<script>alert(1)</script>").get_json()["html"]
    assert "<script" not in html


def test_preview_removes_javascript_links(mod_http, question):
    html = preview(mod_http, question, "[x](javascript:alert(1))").get_json()["html"]
    assert "javascript:" not in html


def test_preview_links_a_reference_to_its_contribution(mod_http, mod_sock, question):
    cid = post(mod_sock, question, "Des fonds de garantie")["contribution"]["id"]
    answer = preview(mod_http, question, f"Voir #{cid}").get_json()
    assert f'<a href="#c{cid}" class="ref"' in answer["html"] and answer["unknown_references"] == []


def test_preview_flags_a_reference_that_is_no_contribution_of_the_question_and_links_nothing(
    mod_http, mod_sock, question, other_question
):
    elsewhere = post(mod_sock, other_question, "Ailleurs")["contribution"]["id"]
    answer = preview(mod_http, question, f"Voir #999999 et #{elsewhere}").get_json()
    assert answer["unknown_references"] == [999999, elsewhere]
    assert "<a" not in answer["html"] and "#999999" in answer["html"]


def test_preview_renders_markdown(mod_http, question):
    assert preview(mod_http, question, "**gras**").get_json()["html"] == "<p><strong>gras</strong></p>"


@pytest.mark.parametrize("markdown", [None, 3, ["x"]])
def test_a_preview_of_something_else_than_text_is_invalid(mod_http, question, markdown):
    assert error(preview(mod_http, question, markdown)) == (400, "invalid")


@pytest.mark.parametrize("role", ["attendee", "panelist"])
def test_only_moderators_preview_a_synthesis(login, make_member, question, role):
    assert error(preview(login(make_member(role)), question, "x")) == (403, "forbidden")
