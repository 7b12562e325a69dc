"""Draft syntheses that cite: a starting point the moderator edits, built offline from the data.

A draft says what the theme is about, how many contributions in which languages, and the most supported
and most contested points. Every sentence that reports a point cites its sources as ``#id``, and every
quoted text is a contribution's own text, verbatim (only shortened, with an ellipsis, never reworded):
nothing is invented. The draft is computed, never stored; it is the moderator's once they save it as
the synthesis (``PATCH``), and a draft until then. It is written in the language the job runs in (the
one the moderator chose), through the catalogues like every other text.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from flask_babel import gettext as _
from flask_babel import ngettext

from deliberate.access import MODERATING
from deliberate.accounts.models import User
from deliberate.clusters import embeddings, themes
from deliberate.clusters.models import Cluster
from deliberate.errors import forbidden
from deliberate.extensions import db
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import Question

#: Longest quotation, in characters (longer texts are cut at a word, with an ellipsis).
QUOTE_CHARS = 240
#: Points shown under "most supported" and "most contested".
POINTS = 3
#: A point is contested only with at least this many votes, both ways.
CONTESTED_MIN_VOTES = 4


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The contribution's own text, whitespace folded, cut at a word when too long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _check(role: str) -> None:
    if role not in MODERATING:
        raise forbidden(_("Only moderators write syntheses."))


def _visible(question_id: int, cluster_id: int | None = None) -> list[Contribution]:
    query = db.select(Contribution).where(
        Contribution.question_id == question_id, Contribution.hidden.is_(False)
    )
    if cluster_id is not None:
        query = query.where(Contribution.cluster_id == cluster_id)
    return list(db.session.scalars(query.order_by(Contribution.id)))


def _central(contributions: list[Contribution]) -> Contribution:
    """The most representative contribution: nearest the theme's centre by meaning when embedded,
    else the most voted on."""
    vectors = embeddings.vectors(c.id for c in contributions)
    embedded = [c for c in contributions if c.id in vectors]
    if len(embedded) >= 2:
        points = themes.centred(np.vstack([vectors[c.id] for c in embedded]))
        centre = points.mean(axis=0)
        return embedded[int(np.argmax(points @ centre))]
    return max(contributions, key=lambda c: (c.agree + c.disagree, -c.id))


def _languages(contributions: list[Contribution]) -> str:
    counts = Counter(c.language for c in contributions).most_common()
    return ", ".join(f"{lang.upper()} {n}" for lang, n in counts)


def _point(c: Contribution) -> str:
    votes = ngettext("%(num)d agree", "%(num)d agree", c.agree) + ", "
    votes += ngettext("%(num)d disagree", "%(num)d disagree", c.disagree)
    return f"- “{quote(c.text)}” (#{c.id}; {votes})"


def _supported(contributions: list[Contribution]) -> list[Contribution]:
    ranked = sorted(contributions, key=lambda c: (-(c.agree - c.disagree), -c.agree, c.id))
    return [c for c in ranked if c.agree > c.disagree][:POINTS]


def _contested(contributions: list[Contribution]) -> list[Contribution]:
    split = [c for c in contributions if min(c.agree, c.disagree) * 2 >= CONTESTED_MIN_VOTES]
    ranked = sorted(split, key=lambda c: (-min(c.agree, c.disagree) / max(c.agree, c.disagree), c.id))
    return ranked[:POINTS]


def _body(label: str, contributions: list[Contribution]) -> list[str]:
    if not contributions:
        return [_("No visible contribution yet.")]
    central = _central(contributions)
    lines = [
        ngettext(
            "“%(label)s” gathers %(num)d contribution (%(languages)s).",
            "“%(label)s” gathers %(num)d contributions (%(languages)s).",
            len(contributions),
            label=label,
            languages=_languages(contributions),
        ),
        "",
        _("What it is about, in the words of #%(id)s:", id=central.id) + f" “{quote(central.text)}”",
    ]
    supported = _supported(contributions)
    if supported:
        lines += ["", _("Most supported:"), *(_point(c) for c in supported)]
    contested = _contested(contributions)
    if contested:
        lines += ["", _("Most contested:"), *(_point(c) for c in contested)]
    return lines


def for_cluster(actor: User, role: str, cluster: Cluster) -> str:
    """A draft synthesis of one cluster, in Markdown."""
    _check(role)
    return "\n".join(_body(cluster.label, _visible(cluster.question_id, cluster.id))).strip() + "\n"


def for_question(actor: User, role: str, question: Question) -> str:
    """A draft synthesis of a question: its size and languages, then one paragraph per cluster."""
    _check(role)
    everything = _visible(question.id)
    clusters = list(
        db.session.scalars(
            db.select(Cluster)
            .where(Cluster.question_id == question.id)
            .order_by(Cluster.position, Cluster.id)
        )
    )
    if not everything:
        return _("No visible contribution yet.") + "\n"
    lines = [
        ngettext(
            "%(num)d contribution (%(languages)s), in %(clusters)s.",
            "%(num)d contributions (%(languages)s), in %(clusters)s.",
            len(everything),
            languages=_languages(everything),
            clusters=ngettext("%(num)d cluster", "%(num)d clusters", len(clusters)),
        )
    ]
    by_cluster: dict[int, list[Contribution]] = {}
    for c in everything:
        if c.cluster_id is not None:
            by_cluster.setdefault(c.cluster_id, []).append(c)
    for cluster in clusters:
        inside = by_cluster.get(cluster.id, [])
        if not inside:
            continue
        central = _central(inside)
        best = _supported(inside)[:1]
        sentence = ngettext(
            "**%(label)s** (%(num)d contribution): “%(quote)s” (#%(id)s)",
            "**%(label)s** (%(num)d contributions): “%(quote)s” (#%(id)s)",
            len(inside),
            label=cluster.label,
            quote=quote(central.text, 160),
            id=central.id,
        )
        if best and best[0].id != central.id:
            sentence += "; " + _(
                "most supported: “%(quote)s” (#%(id)s)", quote=quote(best[0].text, 160), id=best[0].id
            )
        lines += ["", sentence + "."]
    unclustered = sum(c.cluster_id is None for c in everything)
    if unclustered:
        lines += [
            "",
            ngettext(
                "%(num)d contribution is in no cluster yet.",
                "%(num)d contributions are in no cluster yet.",
                unclustered,
            ),
        ]
    return "\n".join(lines).strip() + "\n"
