"""Draft syntheses that cite: every point cites its sources as #id, every quotation is a contribution's
own text, nothing is stored until the moderator saves it."""

import re

import pytest
from helpers import post

QUOTE = re.compile(r"“([^”]*)”\s*\(#(\d+)")


@pytest.fixture
def theme(app, mod_sock, question):
    """A cluster of four contributions in three languages, with votes set as a room would leave them:
    ``loved`` is supported, ``split`` is contested; one contribution stays outside the cluster."""
    from deliberate.extensions import db
    from deliberate.rooms.models import Contribution

    texts = {
        "loved": ("Des fonds de garantie publics pour que les coopératives obtiennent du crédit.", "fr"),
        "split": ("Que los bancos éticos financien a las cooperativas, aunque cobren más caro.", "es"),
        "plain": ("Cooperatives need patient capital and zero-interest loans.", "en"),
        "other": ("Les microcrédits suffisent pour les petites coopératives.", "fr"),
    }
    ids = {}
    for key, (text, language) in texts.items():
        ack = mod_sock.emit(
            "post",
            {"question_id": question.id, "text": text, "client_id": key, "language": language},
            callback=True,
        )
        ids[key] = ack["contribution"]["id"]
    outside = post(mod_sock, question, "Hors du thème : la formation des jeunes.")["contribution"]["id"]
    ack = mod_sock.emit(
        "cluster_create",
        {"question_id": question.id, "label": "Financement", "contribution_ids": list(ids.values())},
        callback=True,
    )
    with app.app_context():
        for key, (agree, disagree) in {
            "loved": (9, 1),
            "split": (5, 5),
            "plain": (2, 1),
            "other": (0, 0),
        }.items():
            row = db.session.get(Contribution, ids[key])
            row.agree, row.disagree = agree, disagree
        db.session.commit()
    return {"cluster": ack["cluster"]["id"], "ids": ids, "texts": texts, "outside": outside}


def draft(http, url, **body):
    return http.post(url, json=body)


def cluster_draft(http, theme, **body):
    response = draft(http, f"/api/v1/clusters/{theme['cluster']}/draft", **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_draft_is_marked_as_a_draft_and_lists_what_it_cites(mod_http, theme):
    answer = cluster_draft(mod_http, theme)
    assert answer["draft"] is True
    assert set(answer["cited"]) <= set(theme["ids"].values()) and answer["cited"]


def test_every_quotation_of_a_draft_is_the_own_text_of_the_contribution_it_cites(mod_http, theme):
    by_id = {theme["ids"][k]: text for k, (text, _lang) in theme["texts"].items()}
    quotations = QUOTE.findall(cluster_draft(mod_http, theme)["markdown"])
    assert quotations
    for quoted, cid in quotations:
        assert by_id[int(cid)].startswith(quoted.rstrip("…"))


def test_a_draft_cites_only_contributions_of_its_cluster(mod_http, theme):
    cited = cluster_draft(mod_http, theme)["cited"]
    assert theme["outside"] not in cited


def test_a_draft_counts_the_contributions_by_language(mod_http, theme):
    text = cluster_draft(mod_http, theme)["markdown"]
    assert "4" in text.splitlines()[0] and "FR 2" in text and "ES 1" in text and "EN 1" in text


def test_a_draft_puts_the_most_supported_and_the_most_contested_points_forward(mod_http, theme):
    text = cluster_draft(mod_http, theme)["markdown"]
    supported, contested = text.split("Most supported:")[1].split("Most contested:")
    assert f"#{theme['ids']['loved']}" in supported.splitlines()[1]
    assert f"#{theme['ids']['split']}" in contested


def test_a_draft_is_written_in_the_language_asked_for(mod_http, theme):
    assert cluster_draft(mod_http, theme, language="fr")["language"] == "fr"


def test_a_draft_in_a_language_the_session_does_not_have_is_invalid(mod_http, theme):
    response = draft(mod_http, f"/api/v1/clusters/{theme['cluster']}/draft", language="de")
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid")


def test_a_draft_is_not_stored(mod_http, question, theme):
    cluster_draft(mod_http, theme)
    (cluster,) = [c for c in mod_http.get(f"/api/v1/questions/{question.id}/state").get_json()["clusters"]]
    assert cluster["synthesis"] == ""


def test_a_question_draft_cites_each_cluster_and_counts_the_unclustered(mod_http, question, theme):
    response = draft(mod_http, f"/api/v1/questions/{question.id}/draft")
    answer = response.get_json()
    assert response.status_code == 200, answer
    assert (
        "**Financement**" in answer["markdown"]
        and "1 contribution is in no cluster yet." in answer["markdown"]
    )
    assert set(answer["cited"]) <= set(theme["ids"].values())


@pytest.mark.parametrize("role", ["attendee", "panelist", "rapporteur"])
def test_only_moderators_ask_for_a_draft(login, make_member, theme, role):
    response = draft(login(make_member(role)), f"/api/v1/clusters/{theme['cluster']}/draft")
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden")


def test_a_draft_of_an_unknown_cluster_is_not_found(mod_http):
    response = draft(mod_http, "/api/v1/clusters/999999/draft")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")
