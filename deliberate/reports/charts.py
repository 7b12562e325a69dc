"""Inline SVG charts for reports, drawn by hand so HTML, PDF and a browser show the same thing.

Every text that reaches the SVG goes through ``_text`` (XML-escaped, control characters removed):
cluster labels are typed by moderators and may contain markup.
"""

import re
from xml.sax.saxutils import escape

from deliberate.reports.labels import count, short_time

WIDTH = 640
AGREE_COLOUR = "#1f6fb2"  # blue/orange rather than green/red: readable by colour-blind readers
DISAGREE_COLOUR = "#d9822b"
CONTRIBUTION_COLOUR = "#1f6fb2"
VOTE_COLOUR = "#6b7785"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"'


def support_chart(clusters: list[dict], labels: dict[str, str]) -> str:
    """Horizontal bars, one per cluster: agree then disagree, stacked, on one shared scale."""
    title = labels["support_chart"]
    if not clusters:
        return no_data_chart(title, labels)
    label_w, row_h, top = 210, 26, 30
    bar_w = WIDTH - label_w - 90
    scale = max(max(c["agree"] + c["disagree"] for c in clusters), 1)
    height = top + row_h * len(clusters) + 6
    parts = [
        _open(title, height),
        _legend([(labels["agree"], AGREE_COLOUR), (labels["disagree"], DISAGREE_COLOUR)]),
    ]
    for row, cluster in enumerate(clusters):
        y = top + row * row_h
        agree_w = bar_w * cluster["agree"] / scale
        disagree_w = bar_w * cluster["disagree"] / scale
        parts.append(
            f"<g><title>{_text(cluster['label'])}</title>"
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" fill="#222">'
            f"{_text(_shorten(cluster['label'], 30))}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{agree_w:.1f}" height="16" fill="{AGREE_COLOUR}"/>'
            f'<rect x="{label_w + agree_w:.1f}" y="{y + 4}" width="{disagree_w:.1f}" height="16" '
            f'fill="{DISAGREE_COLOUR}"/>'
            f'<text x="{label_w + agree_w + disagree_w + 6:.1f}" y="{y + 16}" font-size="11" fill="#333">'
            f"{cluster['agree']} / {cluster['disagree']}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def activity_chart(activity: list[dict], labels: dict[str, str]) -> str:
    """Two aligned bar strips (contributions, votes) per time bucket.

    Separate strips with their own maximum, because votes usually outnumber contributions tenfold
    and would flatten them on a shared axis.
    """
    title = labels["activity_chart"]
    if not activity or not any(b["contributions"] or b["votes"] for b in activity):
        return no_data_chart(title, labels)
    left, strip_h, top = 120, 60, 30
    plot_w = WIDTH - left - 10
    height = top + 2 * (strip_h + 14) + 18
    strips = [("contributions", CONTRIBUTION_COLOUR), ("votes", VOTE_COLOUR)]
    parts = [_open(title, height), _legend([(labels[key], colour) for key, colour in strips])]
    step = plot_w / len(activity)
    for index, (key, colour) in enumerate(strips):
        base = top + index * (strip_h + 14) + strip_h
        peak = max(max(b[key] for b in activity), 1)
        parts.append(
            f'<text x="{left - 8}" y="{base - strip_h + 12}" text-anchor="end" font-size="11" fill="#333">'
            f"{_text(labels[key])}</text>"
            f'<text x="{left - 8}" y="{base - strip_h + 26}" text-anchor="end" font-size="10" fill="#555">'
            f"max {peak}</text>"
            f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#999" stroke-width="1"/>'
        )
        for slot, bucket in enumerate(activity):
            bar_h = strip_h * bucket[key] / peak
            parts.append(
                f'<rect x="{left + slot * step + step * 0.1:.1f}" y="{base - bar_h:.1f}" '
                f'width="{max(step * 0.8, 1):.1f}" height="{bar_h:.1f}" fill="{colour}">'
                f"<title>{_text(short_time(bucket['t'], labels))}: "
                f"{count(bucket[key], labels)}</title></rect>"
            )
    parts.append(_time_axis(activity, left, step, height - 4, labels))
    parts.append("</svg>")
    return "".join(parts)


GROUP_COLOURS = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a")


def opinion_map_chart(section: dict, labels: dict[str, str]) -> str:
    """The opinion map: each placed participant a point, coloured by group (no names)."""
    title = labels["opinion_map"]
    points = section.get("points") or []
    if not points:
        return no_data_chart(title, labels)
    size, top = 360, 28
    span = max(max(abs(p[0]) for p in points), max(abs(p[1]) for p in points), 1e-6) * 1.1
    scale = (size / 2) / span
    names = {g["id"]: (g["name"], g["size"]) for g in section["groups"]}
    legend = [
        (f"{labels['opinion_group']} {name} ({count})", GROUP_COLOURS[gid % len(GROUP_COLOURS)])
        for gid, (name, count) in names.items()
    ]
    parts = [_open(title, top + size + 6), _legend(legend)]
    cx, cy = WIDTH / 2, top + size / 2
    parts.append(
        f'<rect x="{cx - size / 2:.1f}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#ccc"/>'
    )
    for x, y, group in points:
        parts.append(
            f'<circle cx="{cx + x * scale:.1f}" cy="{cy - y * scale:.1f}" r="3" '
            f'fill="{GROUP_COLOURS[group % len(GROUP_COLOURS)]}" fill-opacity="0.7"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def no_data_chart(title: str, labels: dict[str, str]) -> str:
    return (
        f"{_open(title, 40)}"
        f'<text x="{WIDTH / 2}" y="25" text-anchor="middle" font-size="12" fill="#555">'
        f"{_text(labels['no_data'])}</text></svg>"
    )


def _time_axis(activity: list[dict], left: int, step: float, y: float, labels: dict[str, str]) -> str:
    # First, middle and last bucket only: enough to read the time span without crowding.
    slots = sorted({0, len(activity) // 2, len(activity) - 1})
    return "".join(
        f'<text x="{left + slot * step + step / 2:.1f}" y="{y}" text-anchor="middle" font-size="10" '
        f'fill="#333">{_text(short_time(activity[slot]["t"], labels))}</text>'
        for slot in slots
    )


def _open(title: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" {_FONT}><title>{_text(title)}</title>'
    )


def _legend(entries: list[tuple[str, str]]) -> str:
    parts, x = [], 10
    for name, colour in entries:
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 17}" y="16" font-size="11" fill="#222">{_text(name)}</text>'
        )
        x += 30 + 7 * len(name)
    return "".join(parts)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(value: object) -> str:
    return escape(_CONTROL.sub("", str(value)), {'"': "&quot;"})
