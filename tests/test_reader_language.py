"""Every page and every export in French and Spanish: no English UI string, no ISO date shown to the
reader (JSON and CSV data keep ISO dates: they are data), and every contribution written in another
language inside an element whose ``lang`` says which (see tests/reader_language.py).

The pages are rendered in-process on the demo session filled as in tests/reports/report_session.py,
with an approved version, a submitted one with a comment, and a projector link; each role sees its
pages. The pages' JavaScript-rendered parts are read in the browser by tests/browser/test_accessibility.py.
"""

import csv
import io
import json
import re

import docx
import pypdf
import pytest
from reader_language import english_in, iso_dates, page_tree, unmarked, visible_text
from reports.report_session import TEXTS

from deliberate.reports.render_csv import COLUMNS

LANGUAGES = ("fr", "es")


def pages(code: str, position: int, versions: tuple[int, int], token: str) -> dict[str | None, list[str]]:
    """Pages by who sees them (None: nobody logged in)."""
    session = f"/s/{code}"
    room = f"{session}/q/{position}"
    approved, submitted = versions
    return {
        None: ["/", "/login", "/signup", session, f"/j/{code}", f"/p/{token}", "/no-such-page"],
        "amina": [
            "/",
            session,
            room,
            f"{room}/projector",
            "/account",
            f"{session}/report",
        ],
        "mona": [room, f"{session}/review", f"{session}/translations"],
        "rita": [f"{session}/review", f"{session}/review/{approved}", f"{session}/review/{submitted}"],
        "olga": [
            "/organiser/",
            "/organiser/sessions/new",
            f"/organiser/sessions/{code}/edit",
            f"/organiser/sessions/{code}/roles",
            f"/organiser/sessions/{code}/audit",
        ],
    }


@pytest.fixture
def site(filled, login, client):
    """The filled session with a version approved by the rapporteur, a second one submitted and
    commented, a projector link; one logged-in client per person."""
    clients = {None: client, **{key: login(filled.people[key]) for key in ("amina", "mona", "rita", "olga")}}
    base = f"/api/v1/sessions/{filled.code}/versions"
    numbers = []
    for _ in range(2):
        answer = clients["mona"].post(base, json={"lang": "fr"})
        assert answer.status_code == 201, answer.get_json()
        numbers.append(answer.get_json()["version"]["number"])
        if len(numbers) == 1:
            answer = clients["rita"].post(f"{base}/{numbers[0]}/decision", json={"decision": "approve"})
            assert answer.status_code == 200, answer.get_json()
    answer = clients["rita"].post(
        f"{base}/{numbers[1]}/comments", json={"section": "question-1", "text": "Ajouter les chiffres."}
    )
    assert answer.status_code == 201, answer.get_json()
    answer = clients["mona"].post(f"/api/v1/questions/{filled.question_id}/projector-link", json={})
    assert answer.status_code == 200, answer.get_json()
    token = answer.get_json()["url"].rsplit("/", 1)[1]
    return clients, pages(filled.code, filled.position, tuple(numbers), token)


# Contributions by text and language (the hidden one and the HTML-looking one included: where they are
# shown, they too carry their language).
WRITTEN = {text: language for _author, language, text in TEXTS.values()}


def problems_of_page(markup: bytes, language: str) -> dict:
    tree = page_tree(markup)
    text = visible_text(tree, language)
    found = {
        "english": english_in(text, language),
        "iso dates": iso_dates(text),
        "no lang": unmarked(tree, WRITTEN, language),
    }
    if tree.get("lang") != language:
        found["html lang"] = tree.get("lang")
    return {k: v for k, v in found.items() if v}


def test_every_page_speaks_the_readers_language(site):
    clients, by_person = site
    found = {}
    for language in LANGUAGES:
        for who, paths in by_person.items():
            for path in paths:
                separator = "&" if "?" in path else "?"
                answer = clients[who].get(f"{path}{separator}lang={language}", follow_redirects=True)
                assert answer.status_code in (200, 404), (who, path, answer.status_code)
                problems = problems_of_page(answer.data, language)
                if problems:
                    found[f"{language} {who}:{path}"] = problems
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


# Each export format as text a reader reads, and whether it may hold ISO dates (data formats do).
READ = {
    "html": lambda data: data,
    "md": lambda data: data.decode("utf-8"),
    "docx": docx_text,
    "pdf": pdf_text,
    "csv": lambda data: csv_headers(data),
}


def csv_headers(data: bytes) -> str:
    """The CSV's header row without its machine names (documented in docs/API.md, not translated:
    scripts read them), which are identifiers, not words shown to a reader."""
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return "\n".join(name for name in header if name not in COLUMNS)


# Markdown: the report's own words; the contribution texts are the user's (any language), shown as
# quotes. Left out before looking for English, as the lang'd elements are in HTML.
QUOTED = re.compile("|".join(re.escape(text) for text in WRITTEN))


EXPORTS = [(fmt, False) for fmt in READ] + [(fmt, True) for fmt in READ if fmt != "csv"]


def test_every_export_speaks_the_readers_language(filled, site):
    """Every format, with and without the translations beside the originals, in fr and es (one
    filled session for all: filling it is what costs)."""
    clients, _pages = site
    found = {}
    for language in LANGUAGES:
        for fmt, translations in EXPORTS:
            query = f"format={fmt}&lang={language}" + ("&translations=1" if translations else "")
            answer = clients["mona"].get(f"/api/v1/sessions/{filled.code}/report?{query}")
            assert answer.status_code == 200, answer.data[:300]
            text = READ[fmt](answer.data)
            if fmt == "html":
                problems = problems_of_page(text, language)
            else:
                text = QUOTED.sub(" ", text)
                problems = {"english": english_in(text, language)}
                if fmt != "csv":
                    problems["iso dates"] = iso_dates(text)
            problems = {k: v for k, v in problems.items() if v}
            if problems:
                found[f"{language} {query}"] = problems
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_that_asks_to_log_in_first_keeps_the_language_asked_for(client, demo_session, language):
    answer = client.get(f"/s/{demo_session.code}/report?lang={language}")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"])
    assert page_tree(page.data).get("lang") == language
