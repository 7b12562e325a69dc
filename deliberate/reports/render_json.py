"""The JSON report: all the data of the report, exactly in its documented shape."""

import json


def render_json(report: dict, labels: dict[str, str]) -> bytes:
    # labels are ignored: JSON is for programs, which read keys, not headings.
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")
