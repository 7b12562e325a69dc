"""GET /api/v1/sessions/CODE/report: who may download it, and every format parsed back."""

import csv
import io
import json
from html.parser import HTMLParser

import docx
import pypdf
import pytest
from reports.report_session import CLUSTERS, HIDDEN, SCRIPT, TEXTS, question_text

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
LABELS = [label for label, _members in CLUSTERS.values()]


def url(code: str = "uclg-1-3-2", **query: str) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/api/v1/sessions/{code}/report" + (f"?{params}" if params else "")


@pytest.fixture
def moderator(filled, login):
    return login(filled.people["mona"])


def download(http, fmt: str, lang: str = "en"):
    response = http.get(url(format=fmt, lang=lang))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


class Elements(HTMLParser):
    """Every start tag, and the text of the body outside <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if "body" in self.stack and "style" not in self.stack:
            self.text.append(data)


def parse_html(data: bytes) -> Elements:
    parser = Elements()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


# --- Who may download ------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["mona", "rita", "olga"])
@pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
def test_moderator_rapporteur_and_organiser_download_every_format(filled, login, person, fmt):
    response = login(filled.people[person]).get(url(format=fmt, lang="en"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CONTENT_TYPES[fmt]
    extension = "md" if fmt == "md" else fmt
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="uclg-1-3-2-report-en.{extension}"'
    )
    assert response.data


@pytest.mark.parametrize("person", ["amina", "pilar"])
def test_attendee_and_panelist_may_not_download_the_report(filled, login, person):
    response = login(filled.people[person]).get(url(format="html", lang="en"))

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_request_is_unauthenticated(filled, client):
    response = client.get(url(format="html", lang="en"))

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_unknown_session_is_not_found(moderator):
    response = moderator.get(url("no-such-session", format="html", lang="en"))

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", [{"format": "xls", "lang": "en"}, {"format": "html", "lang": "de"}])
def test_bad_format_or_language_is_invalid(moderator, query):
    response = moderator.get(url(**query))

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_format_defaults_to_html(moderator):
    response = moderator.get(url(lang="en"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CONTENT_TYPES["html"]


# --- HTML ------------------------------------------------------------------------------------------


def test_html_contains_cluster_labels_and_synthesis_text(filled, moderator):
    text = " ".join(parse_html(download(moderator, "html").data).text)

    for label in LABELS:
        assert label in text
    assert "Community tourism divides the room" in text
    assert "ethical banks" in text


def test_html_shows_the_script_contribution_as_text_never_as_an_element(moderator):
    data = download(moderator, "html").data
    parsed = parse_html(data)

    assert "script" not in parsed.tags
    assert SCRIPT in "".join(parsed.text)
    assert b"&lt;script&gt;" in data


def test_html_leaves_out_the_hidden_contribution(moderator):
    assert HIDDEN.encode() not in download(moderator, "html").data


def test_html_in_french_has_the_french_question_texts(moderator):
    text = " ".join(parse_html(download(moderator, "html", "fr").data).text)

    assert question_text(1, "fr") in text
    assert question_text(1, "en") not in text


# --- Markdown --------------------------------------------------------------------------------------


def test_markdown_contains_cluster_labels_syntheses_and_footnotes(filled, moderator):
    text = download(moderator, "md").data.decode("utf-8")

    assert "Financement solidaire" in text
    assert "Turismo comunitario" in text
    assert "Skills &amp; training" in text  # labels are escaped like all untrusted text
    assert "Community tourism divides the room" in text
    footnote = f"[^q1-5]: “{TEXTS['c7'][2]}”"  # English quotes in an English report
    assert footnote in text
    assert f"(#{filled.ids['c7']}[^q1-5])" in text


def test_markdown_has_no_raw_script_tag(moderator):
    text = download(moderator, "md").data.decode("utf-8")

    assert "<script" not in text
    assert "&lt;script&gt;" in text


def test_markdown_in_french_has_the_french_question_texts(moderator):
    text = download(moderator, "md", "fr").data.decode("utf-8")

    assert question_text(2, "fr") in text.replace("\\", "")


# --- PDF -------------------------------------------------------------------------------------------


def test_pdf_opens_and_contains_a_question_text_and_the_script_as_text(moderator):
    reader = pypdf.PdfReader(io.BytesIO(download(moderator, "pdf").data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)

    assert len(reader.pages) >= 5  # one page per question at least
    assert " ".join(question_text(1, "en").split()[:6]) in text
    assert SCRIPT in text
    assert HIDDEN not in text


# --- DOCX ------------------------------------------------------------------------------------------


def test_docx_has_headings_with_the_cluster_labels_and_tables(moderator):
    document = docx.Document(io.BytesIO(download(moderator, "docx").data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]

    for label in LABELS:
        assert label in headings
    assert any(question_text(1, "en") in heading for heading in headings)
    assert len(document.tables) >= 1


def test_docx_keeps_the_script_contribution_as_text_and_leaves_out_the_hidden_one(moderator):
    document = docx.Document(io.BytesIO(download(moderator, "docx").data))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}

    assert SCRIPT in cells
    assert not any(HIDDEN in cell for cell in cells)


# --- JSON ------------------------------------------------------------------------------------------


def test_json_is_the_builders_report(app, filled, moderator):
    from deliberate.extensions import db
    from deliberate.reports.builder import build_report
    from deliberate.sessions.services import get_session

    downloaded = json.loads(download(moderator, "json").data)
    with app.app_context():
        built = build_report(get_session(filled.code), "en")
        db.session.rollback()

    assert downloaded.pop("generated_at") and built.pop("generated_at")
    assert downloaded == json.loads(json.dumps(built))


def test_json_in_spanish_has_the_spanish_question_texts(moderator):
    report = json.loads(download(moderator, "json", "es").data)

    assert [q["text"] for q in report["questions"]] == [question_text(p, "es") for p in range(1, 6)]


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_has_a_header_and_one_row_per_visible_contribution(filled, moderator):
    data = download(moderator, "csv").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    assert rows[0][:4] == ["question_position", "question_text", "contribution_id", "text"]
    ids = sorted(int(row[2]) for row in rows[1:])
    assert ids == sorted(filled.ids[key] for key in TEXTS if key != "c6")


def test_csv_rows_carry_text_tallies_and_cluster_label(filled, moderator):
    data = download(moderator, "csv").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    script = next(row for row in rows if row["contribution_id"] == str(filled.ids["c4"]))

    assert script["text"] == SCRIPT
    assert (script["agree"], script["disagree"]) == ("1", "2")
    assert script["cluster_label"] == "Financement solidaire"
    assert script["question_text"] == question_text(1, "en")
