"""Translations in the report: beside each original on request, and a synthesis in the report's language.

The session is the report tests' filled demo (contributions in fr, en and es, English syntheses), with
a fake provider whose every translation names its target language, so each check can tell a
translation from its original and say which language it is in.
"""

import io
import json

import docx
import pypdf
import pytest
from reports.report_session import TEXTS
from translation.support import Tagging

FRENCH = TEXTS["c1"][2]  # a French contribution
SPANISH = "En conjunto: el apoyo a las cooperativas."  # a rapporteur's own translation


@pytest.fixture
def app_config():
    return {"TRANSLATION_PROVIDER": Tagging()}


@pytest.fixture
def moderator(filled, login):
    return login(filled.people["mona"])


def report(http, fmt="json", lang="en", **more):
    query = "&".join(f"{k}={v}" for k, v in {"format": fmt, "lang": lang, **more}.items())
    answer = http.get(f"/api/v1/sessions/uclg-1-3-2/report?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer


def first_question(answer) -> dict:
    return json.loads(answer.data)["questions"][0]


def contributions(question: dict) -> dict[int, dict]:
    found = {c["id"]: c for c in question["unclustered"]}
    for cluster in question["clusters"]:
        found.update({c["id"]: c for c in cluster["contributions"]})
    return found


# --- The option: translations beside each original --------------------------------------------------


def test_without_the_option_the_report_has_no_translations_beside_the_originals(filled, moderator):
    answer = report(moderator)
    question = first_question(answer)

    assert json.loads(answer.data)["with_translations"] is False
    assert all("translations" not in c for c in contributions(question).values())
    assert all("label_translations" not in c for c in question["clusters"])
    assert b"[es]" not in report(moderator, "html").data


def test_with_the_option_each_contribution_carries_its_translations_labelled(filled, moderator):
    answer = report(moderator, translations="1")
    french = contributions(first_question(answer))[filled.ids["c1"]]

    assert json.loads(answer.data)["with_translations"] is True
    assert french["text"] == FRENCH  # the original stays the text
    assert french["translations"] == [
        {
            "language": "en",
            "text": f"[en] {FRENCH}",
            "provider": "fake",
            "source_language": "fr",
            "pivot": None,
            "confirmed": False,
        },
        {
            "language": "es",
            "text": f"[es] {FRENCH}",
            "provider": "fake",
            "source_language": "fr",
            "pivot": None,
            "confirmed": False,
        },
    ]


def test_with_the_option_cluster_labels_and_syntheses_carry_their_translations(filled, moderator):
    question = first_question(report(moderator, translations="true"))
    [financing] = [c for c in question["clusters"] if c["id"] == filled.clusters["financing"]]

    assert [t["text"] for t in financing["label_translations"]] == [
        "[en] Financement solidaire",
        "[es] Financement solidaire",
    ]
    assert [t["language"] for t in financing["synthesis_translations"]] == ["fr", "es"]
    spanish = financing["synthesis_translations"][1]
    assert spanish["text"].startswith("[es] Guarantee funds")
    assert f'href="#c{filled.ids["c1"]}"' in spanish["html"]  # citations as in the original's HTML
    assert [t["language"] for t in question["synthesis_translations"]] == ["fr", "es"]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_print_each_translation_beside_its_original_with_provider_and_source(
    filled, moderator, fmt
):
    text = report(moderator, fmt, translations="1").get_data(as_text=True).replace("\\", "")

    assert FRENCH in text
    assert f"[es] {FRENCH}" in text
    assert "Español · Machine translation from Français (fake)" in text
    assert "[en] Financement solidaire" in text


def test_docx_prints_each_translation_beside_its_original(filled, moderator):
    document = docx.Document(io.BytesIO(report(moderator, "docx", translations="1").data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs = [p.text for p in document.paragraphs]

    [cell] = {c for c in cells if c.startswith(FRENCH)}
    assert f"[Español · Machine translation from Français (fake)] [es] {FRENCH}" in cell
    assert "[English · Machine translation from Français (fake)] [en] Financement solidaire" in paragraphs


def test_pdf_prints_each_translation_beside_its_original(filled, moderator):
    reader = pypdf.PdfReader(io.BytesIO(report(moderator, "pdf", translations="1").data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)

    assert f"[es] {FRENCH}" in text
    assert "Español · Machine translation from Français (fake)" in text


def test_the_file_name_says_it_has_the_translations(filled, moderator):
    disposition = report(moderator, "md", translations="1").headers["Content-Disposition"]

    assert disposition == 'attachment; filename="uclg-1-3-2-report-en-with-translations.md"'


def test_a_bad_translations_value_is_invalid(filled, moderator):
    answer = moderator.get("/api/v1/sessions/uclg-1-3-2/report?format=json&translations=maybe")

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid"


def test_an_export_job_with_translations_is_not_the_one_without(filled, moderator):
    body = {"format": "json", "lang": "en"}
    plain = moderator.post("/api/v1/sessions/uclg-1-3-2/exports?wait=1", json=body).get_json()["job"]
    translated = moderator.post(
        "/api/v1/sessions/uclg-1-3-2/exports?wait=1", json={**body, "translations": True}
    ).get_json()["job"]

    assert plain["id"] != translated["id"]
    data = json.loads(moderator.get(translated["download_url"]).data)
    assert data["with_translations"] is True
    assert json.loads(moderator.get(plain["download_url"]).data)["with_translations"] is False


def test_the_command_line_exports_with_translations(filled, runner, tmp_path):
    target = tmp_path / "report.json"
    result = runner.invoke("export", "uclg-1-3-2", "--format", "json", "--translations", "-o", str(target))

    assert result.exit_code == 0, result.stderr
    french = contributions(json.loads(target.read_bytes())["questions"][0])[filled.ids["c1"]]
    assert [t["provider"] for t in french["translations"]] == ["fake", "fake"]


# --- Syntheses in the report's language ------------------------------------------------------------


def test_a_report_in_another_language_shows_the_synthesis_translated_marked_and_the_original(
    filled, moderator
):
    question = first_question(report(moderator, lang="es"))

    assert question["synthesis"].startswith("Overall:")  # the original, as written
    translated = question["synthesis_translation"]
    assert (translated["language"], translated["provider"], translated["confirmed"]) == ("es", "fake", False)
    assert translated["text"] == f"[es] {question['synthesis']}"
    html = report(moderator, "html", lang="es").get_data(as_text=True)
    assert "[es] Overall:" in html
    assert "Overall:" in html.replace("[es] Overall:", "")  # the original is there too


def test_a_report_in_the_synthesis_own_language_has_no_synthesis_translation(filled, moderator):
    question = first_question(report(moderator, lang="en"))

    assert question["synthesis_translation"] is None
    assert all(c["synthesis_translation"] is None for c in question["clusters"])


def test_a_confirmed_synthesis_translation_is_no_longer_marked_as_a_machines_in_the_report(
    app, filled, moderator, login
):
    from deliberate.reports.labels import translation_note, with_defaults
    from deliberate.reports.translated import report_labels

    with app.app_context():
        labels = with_defaults(report_labels("es"))
    machine = translation_note(labels, {"provider": "fake", "source_language": "en"})
    confirmed = translation_note(labels, {"confirmed": True, "source_language": "en"})
    before = report(moderator, "md", lang="es").get_data(as_text=True).replace("\\", "")

    answer = login(filled.people["rita"]).put(
        f"/api/v1/questions/{filled.question_id}/synthesis/translations/es",
        json={"text": SPANISH},
    )
    assert answer.status_code == 200, answer.get_json()

    translated = first_question(report(moderator, lang="es"))["synthesis_translation"]
    after = report(moderator, "md", lang="es").get_data(as_text=True).replace("\\", "")
    assert (translated["text"], translated["confirmed"]) == (SPANISH, True)
    assert SPANISH in after
    assert confirmed in after and confirmed not in before
    assert after.count(machine) == before.count(machine) - 1  # the clusters' stay machine translations


def test_the_published_report_reads_each_synthesis_in_the_readers_language_marked(filled, moderator, login):
    rapporteur = login(filled.people["rita"])
    rapporteur.put(
        f"/api/v1/questions/{filled.question_id}/synthesis/translations/es", json={"text": SPANISH}
    )
    submitted = moderator.post("/api/v1/sessions/uclg-1-3-2/versions", json={"lang": "en"})
    number = submitted.get_json()["version"]["number"]
    decided = rapporteur.post(
        f"/api/v1/sessions/uclg-1-3-2/versions/{number}/decision", json={"decision": "approve"}
    )
    assert decided.status_code == 200, decided.get_json()
    reader = login(filled.people["amina"])

    spanish = json.loads(reader.get("/s/uclg-1-3-2/report?format=json&lang=es").data)["questions"][0]
    french = json.loads(reader.get("/s/uclg-1-3-2/report?format=json&lang=fr").data)["questions"][0]
    english = json.loads(reader.get("/s/uclg-1-3-2/report?format=json&lang=en").data)["questions"][0]

    assert (spanish["synthesis_translation"]["text"], spanish["synthesis_translation"]["confirmed"]) == (
        SPANISH,
        True,
    )
    assert french["synthesis_translation"]["text"].startswith("[fr] Overall:")
    assert french["synthesis_translation"]["confirmed"] is False
    assert english["synthesis_translation"] is None  # written in English


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_every_format_shows_the_translated_synthesis_marked_then_the_original(filled, moderator, fmt, app):
    from deliberate.reports.labels import original_note, translation_note, with_defaults
    from deliberate.reports.translated import report_labels

    with app.app_context():
        labels = with_defaults(report_labels("es"))
    data = report(moderator, fmt, lang="es").data
    if fmt == "docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    elif fmt == "pdf":
        reader = pypdf.PdfReader(io.BytesIO(data))
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    else:
        text = data.decode().replace("\\", "")

    mark = translation_note(labels, {"provider": "fake", "source_language": "en"})
    translated = text.index("[es] Overall:")
    original = text.index("Overall:", translated + len("[es] Overall:"))
    assert text.index(mark) < translated < text.index(original_note(labels, "en")) < original
