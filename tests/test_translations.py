"""The English, French and Spanish catalogues are complete, up to date with the source, and compiled.

After adding or changing a UI string, run ``translations/update.sh``, translate what it leaves empty or
fuzzy in fr and es, and run it again: these tests say which strings are missing.
"""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = ["en", "fr", "es"]

# The same options as translations/update.sh: keep the two in step.
EXTRACT_OPTIONS = [
    "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
    "--ignore-dirs=.* _* venv tests bench node_modules build dist instance",
    "--add-location=file", "--add-comments=TRANSLATORS:",
]  # fmt: skip

# %(name)s-style and bare % conversions, %% escapes, {name} fields (filled in by the JavaScript), #123
# contribution references in Markdown help texts.
PLACEHOLDER = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}|#\d+"
)
ROOM_CONFIG = re.compile(r'<script type="application/json" id="room-config">(.*?)</script>', re.S)


def read_catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def keys(catalog) -> set:
    return {(message.context, message.id) for message in catalog if message.id}


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


@pytest.fixture(scope="module")
def template():
    return read_catalog(POT)


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request):
    return request.param, read_catalog(po_path(request.param))


def test_template_lists_exactly_the_strings_of_the_source(tmp_path):
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", *EXTRACT_OPTIONS,
         "-o", str(extracted), "."],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip

    in_source, committed = keys(read_catalog(extracted)), keys(read_catalog(POT))
    new, gone = in_source - committed, committed - in_source

    assert not new, f"new strings in the source: run translations/update.sh: {sorted(new)}"
    assert not gone, f"strings gone from the source: run translations/update.sh: {sorted(gone)}"


def test_extraction_finds_strings_of_python_code_templates_and_the_room_script_config(template):
    found = keys(template)

    for text in ["Password", "Log in", "Question %(n)s", "Offline — reconnecting…", "%(n)s disagree"]:
        assert (None, text) in found


def test_catalogue_has_exactly_the_strings_of_the_template(template, catalog):
    language, messages = catalog

    assert keys(messages) == keys(template), f"{language}: run translations/update.sh"


def test_every_string_is_translated(template, catalog):
    language, messages = catalog
    untranslated = [
        message.id
        for message in template
        if message.id
        and (
            (found := messages.get(message.id, message.context)) is None
            or found.fuzzy
            or not all(text.strip() for text in strings(found))
        )
    ]

    assert not messages.fuzzy, f"{language}: the catalogue header is marked fuzzy, so it would not compile"
    assert not untranslated, f"{language}: missing or fuzzy translations: {untranslated}"


def test_translations_keep_the_placeholders_of_the_original(catalog):
    language, messages = catalog
    mismatched = []
    for message in messages:
        if not message.id:
            continue
        originals = ids(message)
        for form, text in enumerate(strings(message)):
            # Plural forms: the first follows the singular msgid, the others msgid_plural.
            expected = sorted(PLACEHOLDER.findall(originals[min(form, len(originals) - 1)]))
            stray_percent = PLACEHOLDER.sub("", text).count("%")
            if text and (sorted(PLACEHOLDER.findall(text)) != expected or stray_percent):
                mismatched.append((message.id, text))

    assert not mismatched, f"{language}: placeholders differ from the original: {mismatched}"


def test_french_puts_a_no_break_space_before_double_punctuation_and_inside_guillemets():
    """French typography: '… :' and '« … »' never break at the space (a plain space would let a colon
    or a closing guillemet start a line)."""
    loose = re.compile(r" [:;!?»]|« ")
    messages = read_catalog(po_path("fr"))
    wrong = [text for message in messages if message.id for text in strings(message) if loose.search(text)]
    assert not wrong, f"plain spaces where French wants no-break ones: {wrong}"


def test_compiled_catalogue_matches_its_source(catalog):
    language, messages = catalog
    mo = po_path(language).with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run translations/update.sh"

    fresh = io.BytesIO()
    write_mo(fresh, messages)
    fresh.seek(0)
    with mo.open("rb") as f:
        committed = read_mo(f)

    def contents(compiled):
        # A plural message's id and strings are lists in a read .mo: tuples, to be dictionary keys.
        return {(m.context, tuple(ids(m))): tuple(strings(m)) for m in compiled if m.id}

    assert contents(committed) == contents(read_mo(fresh)), f"{mo} is out of date: run translations/update.sh"


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", ["Se connecter", "Mot de passe", "Créer un compte"]), ("es", ["Iniciar sesión", "Contraseña"])],
)
def test_login_page_is_translated_and_says_its_language(client, language, words):
    page = client.get("/login", query_string={"lang": language}).get_data(as_text=True)

    assert f'<html lang="{language}">' in page
    for word in words:
        assert word in page
    assert "Password" not in page


class _Fields(dict):
    """Fills %(name)s placeholders with {name}, as templates/rooms/room.html does for the JavaScript."""

    def __missing__(self, key):
        return "{" + key + "}"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_room_script_strings_are_translated(login, make_member, demo_session, language):
    translated = {
        message.string % _Fields() if message.python_format else message.string
        for message in read_catalog(po_path(language))
        if message.id and not message.pluralizable  # the page's strings are singular; plurals are apart
    }
    http = login(make_member("moderator"))

    page = http.get(f"/s/{demo_session.code}/q/1", query_string={"lang": language}).get_data(as_text=True)

    config = json.loads(ROOM_CONFIG.search(page)[1])
    untranslated = {key: text for key, text in config["strings"].items() if text not in translated}
    assert not untranslated
