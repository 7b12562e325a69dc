"""The report as data: its shape, figures, orderings and footnotes, built from a filled session.

The shape asserted here (and so documented) is:

- report: format_version, generated_at, language, version (None until submitted), session, questions
- session: code, title, description, date, start_time, end_time, timezone, languages, details
- question: id, position, text, status, synthesis, synthesis_html, synthesis_language, attribution,
  participation {participants, contributions, votes}, clusters, unclustered, most_agreed,
  most_divisive, activity, footnotes
- cluster: id, label, synthesis, synthesis_html, synthesis_language, agree, disagree, supporters,
  contributions
- contribution: id, text, author, role, language, created_at, agree, disagree, cluster_id, cluster_label
- footnote: number, contribution_id, text, agree, disagree
- activity bucket: t, contributions, votes

The expected figures follow from the votes laid out in ``report_session``.
"""

import json
from datetime import datetime

import pytest
from reports.report_session import HIDDEN, SCRIPT, TEXTS, question_text

from deliberate.extensions import db

REPORT_KEYS = {
    "format_version",
    "generated_at",
    "language",
    "with_translations",
    "version",
    "session",
    "questions",
}
SESSION_KEYS = {
    "code",
    "title",
    "description",
    "date",
    "start_time",
    "end_time",
    "timezone",
    "languages",
    "details",
}
QUESTION_KEYS = {
    "id",
    "position",
    "text",
    "status",
    "synthesis",
    "synthesis_html",
    "synthesis_language",
    "synthesis_translation",
    "attribution",
    "participation",
    "clusters",
    "unclustered",
    "most_agreed",
    "most_divisive",
    "activity",
    "footnotes",
    "opinion_groups",
}
CLUSTER_KEYS = {
    "id",
    "label",
    "synthesis",
    "synthesis_html",
    "synthesis_language",
    "synthesis_translation",
    "agree",
    "disagree",
    "supporters",
    "contributions",
}
CONTRIBUTION_KEYS = {
    "id",
    "text",
    "author",
    "role",
    "language",
    "created_at",
    "agree",
    "disagree",
    "cluster_id",
    "cluster_label",
}
FOOTNOTE_KEYS = {"number", "contribution_id", "text", "language", "agree", "disagree"}
ACTIVITY_KEYS = {"t", "contributions", "votes"}


def build(app, code: str, language: str = "en") -> dict:
    from deliberate.reports.builder import build_report
    from deliberate.sessions.services import get_session

    with app.app_context():
        report = build_report(get_session(code), language)
        db.session.rollback()
    return report


@pytest.fixture
def report(app, filled):
    return build(app, filled.code)


@pytest.fixture
def first(report):
    return report["questions"][0]


def all_contributions(question: dict) -> list[dict]:
    return [
        *(c for cluster in question["clusters"] for c in cluster["contributions"]),
        *question["unclustered"],
        *question["most_agreed"],
        *question["most_divisive"],
    ]


def test_report_and_session_have_the_documented_keys(report):
    assert set(report) == REPORT_KEYS
    assert set(report["session"]) == SESSION_KEYS
    assert report["format_version"] == 1
    assert report["version"] is None
    assert report["session"]["code"] == "uclg-1-3-2"
    assert report["session"]["languages"] == ["fr", "en", "es"]


def test_report_has_the_five_questions_in_order(report):
    assert [q["position"] for q in report["questions"]] == [1, 2, 3, 4, 5]
    for question in report["questions"]:
        assert set(question) == QUESTION_KEYS


def test_clusters_contributions_footnotes_and_activity_have_the_documented_keys(first):
    for cluster in first["clusters"]:
        assert set(cluster) == CLUSTER_KEYS
    for contribution in all_contributions(first):
        assert set(contribution) == CONTRIBUTION_KEYS
    for footnote in first["footnotes"]:
        assert set(footnote) == FOOTNOTE_KEYS
    for bucket in first["activity"]:
        assert set(bucket) == ACTIVITY_KEYS
    assert first["clusters"] and first["footnotes"] and first["activity"]


def test_report_is_json_serialisable_as_is(report):
    assert json.loads(json.dumps(report)) == report


def test_participants_are_distinct_authors_and_voters_of_visible_contributions(first):
    # Amina, Bruno, Chloe, Dario, Pilar (authors and voters) and Vera (voter only); not Troll (author of
    # the hidden contribution only), not Mona (voted on the hidden one, and withdrew her other vote).
    assert first["participation"]["participants"] == 6


def test_contribution_count_leaves_out_the_hidden_one(first):
    assert first["participation"]["contributions"] == len(TEXTS) - 1


def test_vote_count_leaves_out_withdrawn_votes_and_votes_on_hidden_contributions(first):
    assert first["participation"]["votes"] == 21


def test_contribution_tallies_are_the_votes_cast(filled, first):
    by_id = {c["id"]: c for c in all_contributions(first)}
    ids = filled.ids
    assert (by_id[ids["c1"]]["agree"], by_id[ids["c1"]]["disagree"]) == (4, 1)
    assert (by_id[ids["c4"]]["agree"], by_id[ids["c4"]]["disagree"]) == (1, 2)
    assert (by_id[ids["c5"]]["agree"], by_id[ids["c5"]]["disagree"]) == (0, 0)


def test_clusters_are_ordered_by_supporters_then_agree(filled, first):
    # financing 5 supporters; tourism and skills 3 each, tourism ahead with 4 agree against 3.
    assert [c["id"] for c in first["clusters"]] == [
        filled.clusters["financing"],
        filled.clusters["tourism"],
        filled.clusters["skills"],
    ]
    assert [(c["supporters"], c["agree"], c["disagree"]) for c in first["clusters"]] == [
        (5, 6, 4),
        (3, 4, 3),
        (3, 3, 1),
    ]


def test_cluster_contributions_are_ordered_by_agree_and_carry_the_cluster_label(filled, first):
    tourism = next(c for c in first["clusters"] if c["id"] == filled.clusters["tourism"])
    assert [c["id"] for c in tourism["contributions"]] == [filled.ids["c8"], filled.ids["c7"]]
    assert {c["cluster_label"] for c in tourism["contributions"]} == {"Turismo comunitario"}


def test_most_agreed_lists_the_top_five_by_agree_then_fewest_disagree(filled, first):
    expected = [filled.ids[key] for key in ("c1", "c3", "c8", "c7", "c2")]
    tallies = [(c["agree"], c["disagree"]) for c in first["most_agreed"]]
    assert [c["id"] for c in first["most_agreed"]] == expected
    assert tallies == [(4, 1), (3, 1), (2, 0), (2, 3), (1, 1)]


def test_most_divisive_lists_contributions_with_both_agree_and_disagree_most_balanced_first(filled, first):
    expected = [filled.ids[key] for key in ("c7", "c1", "c3", "c4", "c2")]
    tallies = [(c["agree"], c["disagree"]) for c in first["most_divisive"]]
    assert [c["id"] for c in first["most_divisive"]] == expected
    assert tallies == [(2, 3), (4, 1), (3, 1), (1, 2), (1, 1)]


def test_unclustered_lists_the_visible_contributions_without_a_cluster(filled, first):
    assert [c["id"] for c in first["unclustered"]] == [filled.ids["c5"]]
    assert first["unclustered"][0]["cluster_label"] is None


def test_footnotes_number_cited_contributions_in_reading_order(filled, first):
    # The report shows the question's synthesis first (c8, c1, c4), then the clusters' in report order:
    # financing (c1 again, c2), tourism (c7), skills (c3, c1 again, hidden c6).
    ids = filled.ids
    assert [(f["number"], f["contribution_id"]) for f in first["footnotes"]] == [
        (1, ids["c8"]),
        (2, ids["c1"]),
        (3, ids["c4"]),
        (4, ids["c2"]),
        (5, ids["c7"]),
        (6, ids["c3"]),
    ]


def test_footnotes_quote_the_text_and_tallies(filled, first):
    notes = {f["contribution_id"]: f for f in first["footnotes"]}
    script = notes[filled.ids["c4"]]
    assert (script["text"], script["agree"], script["disagree"]) == (SCRIPT, 1, 2)
    seven = notes[filled.ids["c7"]]
    assert (seven["text"], seven["agree"], seven["disagree"]) == (TEXTS["c7"][2], 2, 3)


def test_cluster_synthesis_html_links_each_reference_with_its_footnote_number(filled, first):
    financing = first["clusters"][0]
    c1, c2 = filled.ids["c1"], filled.ids["c2"]
    assert f'<a href="#c{c1}" class="ref"' in financing["synthesis_html"]
    assert f'>#{c1}</a><sup class="fn">[2]</sup>' in financing["synthesis_html"]
    assert f'>#{c2}</a><sup class="fn">[4]</sup>' in financing["synthesis_html"]
    assert "<strong>ethical banks</strong>" in financing["synthesis_html"]


def test_question_synthesis_html_links_references_with_their_footnote_numbers(filled, first):
    c8 = filled.ids["c8"]
    assert first["synthesis"] == filled.question_synthesis
    assert f'<a href="#c{c8}" class="ref"' in first["synthesis_html"]
    assert f'>#{c8}</a><sup class="fn">[1]</sup>' in first["synthesis_html"]


def test_hidden_contribution_appears_nowhere_in_the_report(filled, report, first):
    hidden = filled.ids["c6"]
    assert HIDDEN not in json.dumps(report, ensure_ascii=False)
    assert hidden not in {c["id"] for c in all_contributions(first)}
    assert hidden not in {f["contribution_id"] for f in first["footnotes"]}
    skills = next(c for c in first["clusters"] if c["id"] == filled.clusters["skills"])
    assert f'href="#c{hidden}"' not in skills["synthesis_html"]


def test_contribution_text_is_kept_verbatim_in_the_data(filled, first):
    by_id = {c["id"]: c for c in all_contributions(first)}
    assert by_id[filled.ids["c4"]]["text"] == SCRIPT


def test_contributions_keep_their_language_author_and_role(filled, first):
    by_id = {c["id"]: c for c in all_contributions(first)}
    assert {key: by_id[filled.ids[key]]["language"] for key in ("c1", "c2", "c3")} == {
        "c1": "fr",
        "c2": "es",
        "c3": "en",
    }
    assert (by_id[filled.ids["c3"]]["author"], by_id[filled.ids["c3"]]["role"]) == ("Pilar", "panelist")


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_question_texts_are_in_the_language_asked_for(app, filled, language):
    report = build(app, filled.code, language)

    assert report["language"] == language
    assert [q["text"] for q in report["questions"]] == [question_text(p, language) for p in range(1, 6)]


def test_question_texts_differ_between_languages(app, filled):
    texts = {build(app, filled.code, language)["questions"][0]["text"] for language in ("fr", "en", "es")}
    assert len(texts) == 3


def test_activity_buckets_add_up_to_the_contribution_and_vote_counts(first):
    assert sum(b["contributions"] for b in first["activity"]) == first["participation"]["contributions"]
    assert sum(b["votes"] for b in first["activity"]) == first["participation"]["votes"]


def test_activity_buckets_are_consecutive_times_with_a_timezone():
    from datetime import UTC, timedelta

    from deliberate.reports.builder import _activity

    start = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    posted = [(start + timedelta(minutes=m)).isoformat() for m in (0, 1, 50)]
    activity = _activity(posted, [start + timedelta(minutes=5)])

    times = [datetime.fromisoformat(b["t"]) for b in activity]
    assert all(t.tzinfo is not None for t in times)
    steps = {later - earlier for earlier, later in zip(times, times[1:], strict=False)}
    # One bucket after the other, the quiet ones included with zero counts: a single positive step.
    assert len(steps) == 1 and min(steps) > timedelta(0)
    assert times[0] <= start < times[0] + min(steps) and times[-1] <= start + timedelta(minutes=50)
    assert [b["contributions"] for b in activity].count(0) > 0
    assert sum(b["contributions"] for b in activity) == 3 and sum(b["votes"] for b in activity) == 1


def test_a_question_without_contributions_has_zero_figures_and_empty_lists(report):
    empty = report["questions"][1]
    assert empty["participation"] == {"participants": 0, "contributions": 0, "votes": 0}
    for key in ("clusters", "unclustered", "most_agreed", "most_divisive", "activity", "footnotes"):
        assert empty[key] == [], key


def test_a_contribution_reads_the_same_in_the_room_and_in_the_report(first, filled, connect):
    """One shape feeds the room, the report and its CSV: every field the two share is equal."""
    room = connect(filled.people["mona"])
    state = room.emit("join", {"question_id": first["id"]}, callback=True)["state"]
    in_room = {c["id"]: c for c in state["contributions"]}
    in_report = {c["id"]: c for c in all_contributions(first)}

    shared = CONTRIBUTION_KEYS - {"cluster_label"}
    assert in_report and set(in_report) <= set(in_room)
    for cid, contribution in in_report.items():
        assert {k: in_room[cid][k] for k in shared} == {k: contribution[k] for k in shared}
