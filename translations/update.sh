#!/usr/bin/env bash
# Refresh the UI translation catalogues after adding, changing or removing a UI string.
#
#   translations/update.sh                          # from anywhere in the checkout
#   PYTHON=/path/to/venv/bin/python translations/update.sh
#
# It needs only a Python with Babel and Jinja2 installed (pip install -e '.[test]'), not `pybabel` on PATH:
#   1. extract  every _(), gettext(), lazy_gettext() and _l() string of deliberate/**.py and
#               templates/**.html (see babel.cfg) into translations/messages.pot;
#   2. update   translations/<lang>/LC_MESSAGES/messages.po for en, fr and es: new strings arrive empty,
#               changed ones are marked "#, fuzzy", removed ones are dropped;
#   3. fill     the English catalogue (msgstr = msgid), so that English is literally complete too;
#   4. compile  every messages.po into messages.mo (the .mo files are committed; the app reads them).
#
# Then translate the empty and fuzzy entries of fr and es (delete the "#, fuzzy" line once checked), run
# this script again to compile them, and run `python -m pytest tests/test_translations.py`: it fails while a
# string lacks a translation or the .pot or a .mo is out of date.
#
# Keep the extract options below in step with EXTRACT_OPTIONS in tests/test_translations.py.
# A new language: `$PYTHON -m babel.messages.frontend init -i translations/messages.pot -d translations -l xx`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
pybabel() { "$PYTHON" -m babel.messages.frontend "$@"; }

pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext \
    --ignore-dirs=".* _* venv tests bench node_modules build dist instance" \
    --add-location=file --add-comments=TRANSLATORS: \
    --project=Deliberate --version=0.1.0 --copyright-holder="Deliberate contributors" \
    -o translations/messages.pot .

pybabel --quiet update -i translations/messages.pot -d translations --ignore-obsolete

"$PYTHON" - <<'EOF'
from babel.messages.pofile import read_po, write_po

path = "translations/en/LC_MESSAGES/messages.po"
with open(path, "rb") as f:
    catalog = read_po(f, locale="en")
for message in catalog:
    if message.id and (message.fuzzy or not any(message.string if message.pluralizable else [message.string])):
        message.string = message.id
        message.flags.discard("fuzzy")
with open(path, "wb") as f:
    write_po(f, catalog)
EOF

pybabel compile -d translations --statistics
