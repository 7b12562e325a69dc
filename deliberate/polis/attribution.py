"""The CC BY 4.0 attribution that must travel with any copy of Pol.is open data or report made from it."""

from pathlib import Path

STATEMENT = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under "
    "CC BY 4.0 with Attribution to The Computational Democracy Project. The data and more information "
    "about how the data was collected can be found at the following link(s):"
)
OPEN_DATA = "https://github.com/compdemocracy/openData"
# The case study of each conversation of the openData repository we know, by its folder name there.
CASE_STUDIES = {
    "15-per-hour-seattle": "https://compdemocracy.org/case-studies/2014-seattle-15-per-hour",
    "brexit-consensus": "https://compdemocracy.org/case-studies/2017-brexit-consensus",
    "scoop-hivemind.biodiversity": "https://compdemocracy.org/case-studies/2019-scoop-hivemind-biodiversity",
}
# Written next to an export, and read back on import, so the statement survives a round trip.
FILE = "ATTRIBUTION.txt"
_MAX_FILE = 4000


def attribution_for(directory: Path) -> str:
    """The statement with the conversation's own link, a saved one, or the openData repository's."""
    link = CASE_STUDIES.get(directory.name)
    if link:
        return f"{STATEMENT} {link}"
    saved = directory / FILE
    if saved.is_file():
        try:
            text = " ".join(saved.read_text(encoding="utf-8")[:_MAX_FILE].split())
        except (OSError, UnicodeDecodeError):
            text = ""
        if text.startswith(STATEMENT):
            return text
    return f"{STATEMENT} {OPEN_DATA}"
