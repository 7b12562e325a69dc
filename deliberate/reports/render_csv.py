"""The CSV report: one row per contribution, for spreadsheets."""

import csv
import io
from collections.abc import Iterator

# Machine names, not translated: scripts and pivot tables depend on them.
COLUMNS = (
    "question_position",
    "question_text",
    "contribution_id",
    "text",
    "author",
    "role",
    "language",
    "created_at",
    "agree",
    "disagree",
    "cluster_id",
    "cluster_label",
    # Opinion groups: rank in the consensus / divisive lists, the groups it represents (A, B...),
    # and per group "name:agree/disagree/votes" separated by "|" (see docs/API.md).
    "opinion_consensus_rank",
    "opinion_divisive_rank",
    "opinion_representative_of",
    "opinion_group_votes",
)
# A spreadsheet runs a cell starting with these as a formula (=HYPERLINK(...) exfiltration, DDE).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: dict, labels: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for question in report["questions"]:
        opinions = opinion_columns(question.get("opinion_groups"))
        for contribution in contributions_of(question):
            row = {
                **opinions.get(contribution["id"], {}),
                **contribution,
                "contribution_id": contribution["id"],
                "question_position": question["position"],
                "question_text": question["text"],
            }
            writer.writerow([neutralise(row.get(column)) for column in COLUMNS])
    # The BOM makes Excel read the file as UTF-8 instead of the local code page.
    return out.getvalue().encode("utf-8-sig")


def opinion_columns(section: dict | None) -> dict[int, dict]:
    """contribution id → its opinion group columns."""
    columns: dict[int, dict] = {}
    if not section:
        return columns
    for key in ("consensus", "divisive"):
        for rank, c in enumerate(section[key], 1):
            entry = columns.setdefault(c["contribution_id"], {})
            entry[f"opinion_{key}_rank"] = rank
            entry["opinion_group_votes"] = "|".join(
                f"{g['name']}:{g.get('agree', 0)}/{g.get('disagree', 0)}/{g.get('votes', 0)}"
                for g in c["groups"]
            )
    for group in section["groups"]:
        for r in group["representative"]:
            entry = columns.setdefault(r["contribution_id"], {})
            entry["opinion_representative_of"] = "|".join(
                filter(None, [entry.get("opinion_representative_of"), group["name"]])
            )
    return columns


def contributions_of(question: dict) -> Iterator[dict]:
    """Each contribution of a question once: the rankings repeat some of them."""
    seen: set[int] = set()
    for cluster in question["clusters"]:
        for contribution in cluster["contributions"]:
            if contribution["id"] not in seen:
                seen.add(contribution["id"])
                yield contribution
    for contribution in question["unclustered"]:
        if contribution["id"] not in seen:
            seen.add(contribution["id"])
            yield contribution


def neutralise(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
