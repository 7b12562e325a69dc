"""The published report: the same approved version in every language of the session, attendees under
pseudonyms unless the organiser publishes names, deleted accounts as "a former participant"."""

import json
import re

import pytest
from reports.report_session import question_text


def read(http, code, lang, fmt="json"):
    answer = http.get(f"/s/{code}/report?format={fmt}&lang={lang}")
    assert answer.status_code == 200, answer.data[:300]
    return json.loads(answer.data) if fmt == "json" else answer.data.decode()


def authors(report):
    return {
        c["text"]: c["author"]
        for q in report["questions"]
        for c in q["unclustered"] + [m for cluster in q["clusters"] for m in cluster["contributions"]]
    }


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_the_approved_version_is_served_in_each_language_with_the_same_data(published, login, lang):
    reader = login(published.people["amina"])

    report = read(reader, published.code, lang)

    assert report["language"] == lang
    assert report["version"]["number"] == 1 and report["version"]["status"] == "approved"
    assert report["questions"][0]["text"] == question_text(1, lang)
    assert (
        report["questions"][0]["participation"]
        == read(reader, published.code, "fr")["questions"][0]["participation"]
    )
    assert report["questions"][0]["synthesis"] == published.question_synthesis


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fr", "Rapport de session"), ("en", "Session report"), ("es", "Informe de la sesión")],
)
def test_the_headings_are_in_the_readers_language(published, login, lang, heading):
    html = read(login(published.people["amina"]), published.code, lang, "html")

    assert heading in html
    assert question_text(1, lang) in html


def test_a_synthesis_in_another_language_is_marked_as_written_in_it(published, login):
    report = read(login(published.people["amina"]), published.code, "fr")
    assert report["questions"][0]["synthesis_language"] == "en"  # the question synthesis is in English

    html = read(login(published.people["amina"]), published.code, "fr", "html")

    assert 'lang="en"' in html and "Synthèse rédigée en" in html


def test_attendees_appear_under_pseudonyms_and_panelists_by_name(published, login):
    report = read(login(published.people["amina"]), published.code, "en")
    names = authors(report)

    assert names["Train young workers in digital skills first."] == "Pilar"  # a panelist
    amina = names["Il faut des fonds de garantie publics pour les coopératives."]
    assert re.fullmatch(r"Participant [A-Z2-7]{6}", amina)
    assert "Amina" not in json.dumps(report) and "Bruno" not in json.dumps(report)


def test_a_pseudonym_is_the_same_in_every_language_and_format(published, login):
    reader = login(published.people["bruno"])
    fr = authors(read(reader, published.code, "fr"))
    text = "La banca ética puede financiar cooperativas locales."

    code = fr[text].split()[-1]

    assert authors(read(reader, published.code, "es"))[text].endswith(code)
    assert code in read(reader, published.code, "en", "md")


def test_names_are_published_when_the_organiser_chose_so(published, login, publish_names):
    report = read(login(published.people["amina"]), published.code, "en")

    assert authors(report)["Il faut des fonds de garantie publics pour les coopératives."] == "Amina"


def test_the_registration_page_says_whether_names_are_published(login, make_user, demo_session, app):
    page = login(make_user("Newcomer")).get(f"/j/{demo_session.code}")

    assert "under a pseudonym" in page.data.decode()


def test_the_registration_page_says_names_are_published_when_chosen(
    login, make_user, demo_session, publish_names
):
    page = login(make_user("Newcomer")).get(f"/s/{demo_session.code}")

    assert "publishes participants' names" in page.data.decode()


def test_the_review_keeps_real_names_for_rapporteurs(published, login):
    answer = login(published.people["rita"]).get(f"/api/v1/sessions/{published.code}/versions/1")

    assert "Amina" in json.dumps(answer.get_json()["report"])


def test_the_home_page_says_the_report_is_published(published, login):
    page = login(published.people["amina"]).get("/?lang=en").data.decode()

    assert "Report published" in page and f'href="/s/{published.code}/report"' in page


def test_the_session_page_links_to_the_published_report_for_everyone(published, login):
    page = login(published.people["amina"]).get(f"/s/{published.code}?lang=en").data.decode()

    assert 'id="report-link"' in page and 'id="review-link"' not in page


def test_the_session_page_links_to_the_review_for_moderators_and_rapporteurs(filled, login):
    for who in ("mona", "rita"):
        page = login(filled.people[who]).get(f"/s/{filled.code}").data.decode()
        assert 'id="review-link"' in page and 'id="report-link"' not in page


def test_the_session_page_shows_the_live_question_and_the_join_link_to_moderators(app, filled, login):
    http = login(filled.people["mona"])
    http.put(f"/api/v1/sessions/{filled.code}/live", json={"question_id": filled.question_id})

    page = http.get(f"/s/{filled.code}").data.decode()

    assert 'data-live="1"' in page
    assert f"/j/{filled.code}" in page and "<svg" in page
