"""deliberate export SESSION --format FMT [--lang] [-o FILE], through the real command line."""

import csv
import io
import json
from html.parser import HTMLParser

import docx
import pypdf
import pytest
from reports.report_session import CLUSTERS, HIDDEN, SCRIPT, TEXTS, question_text

LABELS = [label for label, _members in CLUSTERS.values()]


def export(runner, *args: str):
    return runner.invoke("export", "uclg-1-3-2", *args)


def to_file(runner, tmp_path, fmt: str, *more: str) -> bytes:
    target = tmp_path / f"report.{fmt}"
    result = export(runner, "--format", fmt, "-o", str(target), *more)
    assert result.exit_code == 0, result.stderr
    return target.read_bytes()


def visible_ids(filled) -> list[int]:
    return sorted(filled.ids[key] for key in TEXTS if key != "c6")


def test_html_file_has_the_cluster_labels_and_no_script_element(filled, runner, tmp_path):
    data = to_file(runner, tmp_path, "html")
    tags: list[str] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append(tag)
    parser.feed(data.decode("utf-8"))

    assert "script" not in tags
    assert b"&lt;script&gt;" in data
    for label in ("Financement solidaire", "Turismo comunitario", "Skills &amp; training"):
        assert label.encode() in data


def test_markdown_file_has_the_cluster_labels_and_syntheses(filled, runner, tmp_path):
    text = to_file(runner, tmp_path, "md").decode("utf-8")

    assert "Financement solidaire" in text
    assert "Community tourism divides the room" in text
    assert "<script" not in text


def test_pdf_file_opens_and_contains_the_script_as_text(filled, runner, tmp_path):
    reader = pypdf.PdfReader(io.BytesIO(to_file(runner, tmp_path, "pdf")))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)

    assert SCRIPT in text
    assert HIDDEN not in text


def test_docx_file_has_the_cluster_labels_as_headings(filled, runner, tmp_path):
    document = docx.Document(io.BytesIO(to_file(runner, tmp_path, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]

    assert set(LABELS) <= set(headings)
    assert document.tables


def test_json_file_is_the_report_in_the_language_asked_for(filled, runner, tmp_path):
    report = json.loads(to_file(runner, tmp_path, "json", "--lang", "fr"))

    assert report["language"] == "fr"
    assert report["questions"][0]["text"] == question_text(1, "fr")
    assert report["questions"][0]["participation"]["contributions"] == len(visible_ids(filled))


def test_csv_file_has_one_row_per_visible_contribution(filled, runner, tmp_path):
    rows = list(csv.DictReader(io.StringIO(to_file(runner, tmp_path, "csv").decode("utf-8-sig"))))

    assert sorted(int(row["contribution_id"]) for row in rows) == visible_ids(filled)


def test_markdown_goes_to_stdout_without_o(filled, runner):
    result = export(runner, "--format", "md")

    assert result.exit_code == 0
    assert "Financement solidaire" in result.stdout
    assert "Community tourism divides the room" in result.stdout


def test_json_goes_to_stdout_without_o(filled, runner):
    result = export(runner, "--format", "json", "--lang", "es")

    assert result.exit_code == 0
    report = json.loads(result.stdout_bytes)
    assert [q["text"] for q in report["questions"]] == [question_text(p, "es") for p in range(1, 6)]


def test_csv_goes_to_stdout_without_o(filled, runner):
    result = export(runner, "--format", "csv")

    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(visible_ids(filled))


def test_unknown_session_exits_non_zero_with_one_line(demo_session, runner):
    result = runner.invoke("export", "no-such-session", "--format", "json")

    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("deliberate: ")
    assert result.stdout == ""


@pytest.mark.parametrize("fmt", ["xls", "txt"])
def test_bad_format_exits_non_zero(demo_session, runner, fmt):
    result = export(runner, "--format", fmt)

    assert result.exit_code != 0
    assert result.stdout == ""


def test_unwritable_output_exits_non_zero_with_one_line(demo_session, runner, tmp_path):
    result = export(runner, "--format", "json", "-o", str(tmp_path / "missing" / "report.json"))

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
