"""Clusters of a question: create, rename, write a synthesis, assign, merge, delete, suggest.

Services check the actor's role, flush, and leave the room's events in the outbox.
"""

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import Row, func, update

from deliberate import validation
from deliberate.access import MODERATING, SEES_HIDDEN, may_cluster
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.clusters import synthesis as markdown
from deliberate.clusters.models import Cluster
from deliberate.clusters.support import support, with_support
from deliberate.errors import forbidden, invalid, not_found
from deliberate.extensions import db
from deliberate.realtime import outbox
from deliberate.rooms.models import Contribution
from deliberate.rooms.services import bump_seq
from deliberate.rooms.views_model import contribution_view
from deliberate.sessions.models import Question
from deliberate.translation import services as translations

MAX_LABEL = 120
MAX_BATCH = 5000  # contributions moved by one event


def get_cluster(cluster_id: object) -> Cluster:
    cluster_id = validation.identifier(cluster_id, "cluster_id")
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        raise not_found(_("No such cluster."))
    return cluster


def _require_clusterer(role: str, question: Question) -> None:
    if not may_cluster(role, question.session):
        raise forbidden(_("You may not cluster contributions in this session."))


def _publish_cluster(cluster: Cluster) -> None:
    outbox.publish(cluster.question_id, "cluster", with_support(cluster))


def _publish_assignment(contribution: Contribution) -> None:
    view = contribution_view(contribution)
    outbox.publish(contribution.question_id, "contribution", view, "staff" if contribution.hidden else "all")


def create(
    actor: User, role: str, question: Question, label: object, contribution_ids: object = None
) -> Cluster:
    """A new cluster; with ``contribution_ids`` (an accepted suggestion) those move into it at once."""
    _require_clusterer(role, question)
    label = validation.text(label, "label", max_length=MAX_LABEL)
    last = db.session.scalar(db.select(func.max(Cluster.position)).where(Cluster.question_id == question.id))
    cluster = Cluster(question_id=question.id, label=label, position=(last or 0) + 1)
    db.session.add(cluster)
    db.session.flush()
    bump_seq(question)
    _publish_cluster(cluster)
    translations.cluster_written(cluster, synthesis=False)
    if contribution_ids is not None:
        # In bulk, as cluster_assign_many: one UPDATE and one cluster_assigned, whatever the number.
        assign_many(actor, role, question, contribution_ids, cluster.id)
    return cluster


def _contributions_of(question: Question, role: str, contribution_ids: object) -> list[Row]:
    """(id, cluster_id, hidden) of the question's contributions with those ids; one unknown (or hidden
    from ``role``) refuses all. Plain rows, not objects: a batch can hold thousands."""
    if not isinstance(contribution_ids, list) or len(contribution_ids) > MAX_BATCH:
        raise invalid(_("Give the contributions as a list of their ids."))
    ids = {validation.identifier(i, "contribution_ids") for i in contribution_ids}
    query = db.select(Contribution.id, Contribution.cluster_id, Contribution.hidden).where(
        Contribution.id.in_(ids), Contribution.question_id == question.id
    )
    if role not in SEES_HIDDEN:  # hidden ones do not exist for them
        query = query.where(Contribution.hidden.is_(False))
    found = db.session.execute(query).all()
    if len(found) != len(ids):
        raise not_found(_("Some of those contributions are not in this question."))
    return found


def _cluster_of(question: Question, cluster_id: object) -> Cluster | None:
    """The target of an assignment: a cluster of the same question, or None (unclustered)."""
    if cluster_id is None:
        return None
    target = get_cluster(cluster_id)
    if target.question_id != question.id:
        raise invalid(_("That cluster belongs to another question."))
    return target


def _publish_supports(question_id: int, cluster_ids: set[int | None]) -> None:
    figures = support(question_id)
    for cid in sorted(cluster_ids - {None}):
        outbox.publish(question_id, "cluster", with_support(db.session.get(Cluster, cid), figures))


def assign_many(
    actor: User, role: str, question: Question, contribution_ids: object, cluster_id: object
) -> list[int]:
    """Move several contributions into one cluster (or out of any) in one change and one broadcast.

    Returns the ids that moved (those already there are left alone)."""
    _require_clusterer(role, question)
    target = _cluster_of(question, cluster_id)
    target_id = target.id if target else None
    moved = [c for c in _contributions_of(question, role, contribution_ids) if c.cluster_id != target_id]
    if not moved:
        return []
    previous = {c.cluster_id for c in moved}
    ids = sorted(c.id for c in moved)
    db.session.execute(update(Contribution).where(Contribution.id.in_(ids)).values(cluster_id=target_id))
    bump_seq(question)
    visible = sorted(c.id for c in moved if not c.hidden)
    payload = {"question_id": question.id, "cluster_id": target_id}
    if visible == ids:
        outbox.publish(question.id, "cluster_assigned", {**payload, "contribution_ids": ids})
    else:  # attendees never hear the ids of hidden contributions
        outbox.publish(question.id, "cluster_assigned", {**payload, "contribution_ids": ids}, "staff")
        if visible:
            outbox.publish(
                question.id, "cluster_assigned", {**payload, "contribution_ids": visible}, "public"
            )
    _publish_supports(question.id, previous | {target_id})
    return ids


def assign(actor: User, role: str, contribution: Contribution, cluster_id: object) -> Contribution:
    question = contribution.question
    _require_clusterer(role, question)
    target = _cluster_of(question, cluster_id)
    previous = contribution.cluster_id
    if previous == (target.id if target else None):
        return contribution
    contribution.cluster_id = target.id if target else None
    db.session.flush()
    bump_seq(question)
    _publish_assignment(contribution)
    _publish_supports(question.id, {previous, contribution.cluster_id})
    return contribution


def merge(actor: User, role: str, cluster: Cluster, into_id: object) -> Cluster:
    """Move every contribution of ``cluster`` into the other one, then remove ``cluster``."""
    question = cluster.question_id
    _require_clusterer(role, cluster.question)
    target = get_cluster(into_id)
    if target.id == cluster.id:
        raise invalid(_("A cluster cannot be merged into itself."))
    if target.question_id != question:
        raise invalid(_("Both clusters must belong to the same question."))
    db.session.execute(
        update(Contribution).where(Contribution.cluster_id == cluster.id).values(cluster_id=target.id)
    )
    if cluster.synthesis and not target.synthesis:
        target.synthesis = cluster.synthesis
        translations.cluster_written(target, label=False)
    db.session.delete(cluster)
    db.session.flush()
    bump_seq(target.question)
    record("clusters_merged", actor, target.question.session_id, cluster=cluster.label, into=target.label)
    outbox.publish(
        question, "cluster_deleted", {"id": cluster.id, "question_id": question, "into_id": target.id}
    )
    _publish_cluster(target)
    return target


def delete(actor: User, role: str, cluster: Cluster) -> None:
    """Remove a cluster; its contributions go back to "unclustered"."""
    question = cluster.question
    _require_clusterer(role, question)
    db.session.execute(
        update(Contribution).where(Contribution.cluster_id == cluster.id).values(cluster_id=None)
    )
    db.session.delete(cluster)
    db.session.flush()
    bump_seq(question)
    outbox.publish(
        question.id, "cluster_deleted", {"id": cluster.id, "question_id": question.id, "into_id": None}
    )


def update_cluster(actor: User, role: str, cluster: Cluster, changes: dict) -> Cluster:
    """Rename a cluster or change its synthesis (moderators; renaming also for whoever may cluster)."""
    question = cluster.question
    if not changes or not set(changes) <= {"label", "synthesis"}:
        raise invalid(_("Give label and/or synthesis, nothing else."))
    if "synthesis" in changes and role not in MODERATING:
        raise forbidden(_("Only moderators write syntheses."))
    _require_clusterer(role, question)
    if "label" in changes:
        cluster.label = validation.text(changes["label"], "label", max_length=MAX_LABEL)
    if "synthesis" in changes:
        cluster.synthesis = validation.synthesis(changes["synthesis"])
    db.session.flush()
    bump_seq(question)
    _publish_cluster(cluster)
    translations.cluster_written(cluster, label="label" in changes, synthesis="synthesis" in changes)
    return cluster


def accept_suggestion(
    actor: User, role: str, question: Question, label: object, contribution_ids: object, cluster_id: object
) -> tuple[Cluster, list[int], bool]:
    """Accept a suggested theme: only its contributions that are in no cluster move.

    Into ``cluster_id`` when the suggestion names one; otherwise into a new cluster, unless the question
    already has a cluster of that label (that one is used), or none of them is unclustered any more
    (a suggestion accepted twice: the cluster most of them are in is the answer, nothing is created).
    Returns the cluster, the ids that moved, and whether the cluster is new."""
    _require_clusterer(role, question)
    label = validation.text(label, "label", max_length=MAX_LABEL)
    wanted = _contributions_of(question, role, contribution_ids)
    free = [c.id for c in wanted if c.cluster_id is None]
    target = _cluster_of(question, cluster_id)
    if target is None:
        target = db.session.scalar(
            db.select(Cluster)
            .where(Cluster.question_id == question.id, func.lower(Cluster.label) == label.lower())
            .order_by(Cluster.id)
            .limit(1)
        )
    if target is None and not free:
        held = Counter(c.cluster_id for c in wanted if c.cluster_id is not None)
        if held:
            return db.session.get(Cluster, held.most_common(1)[0][0]), [], False
    created = target is None
    if created:
        target = create(actor, role, question, label)
    moved = assign_many(actor, role, question, free, target.id) if free else []
    return target, moved, created


def contribution_ids(question: Question) -> set[int]:
    """Ids of every contribution of the question (hidden ones too: moderators may cite them)."""
    return set(db.session.scalars(db.select(Contribution.id).where(Contribution.question_id == question.id)))


def coverage(question: Question) -> dict:
    """Which clusters and which languages no synthesis of the question mentions yet (by ``#id``).

    Only references to the question's visible contributions count: a ``#id`` that is not one of them
    covers nothing. ``contributions`` and ``written`` let the panel tell "nothing to cover yet" and
    "nothing written yet" from "everything covered"."""
    clusters = db.session.scalars(db.select(Cluster).where(Cluster.question_id == question.id)).all()
    texts = [question.synthesis or ""] + [c.synthesis or "" for c in clusters]
    rows = db.session.execute(
        db.select(Contribution.id, Contribution.cluster_id, Contribution.language).where(
            Contribution.question_id == question.id, Contribution.hidden.is_(False)
        )
    ).all()
    visible = {cid for cid, _, _ in rows}
    mentioned = {cid for text in texts for cid in markdown.references(text)} & visible
    cited_clusters = {cl for cid, cl, _ in rows if cid in mentioned and cl is not None}
    cited_languages = {lang for cid, _, lang in rows if cid in mentioned}
    present_languages = sorted({lang for _, _, lang in rows})
    written = {c.id for c in clusters if c.synthesis}
    return {
        "clusters_not_mentioned": [
            c.id for c in clusters if c.id not in cited_clusters and c.id not in written
        ],
        "clusters_without_synthesis": [c.id for c in clusters if not c.synthesis],
        "languages_not_mentioned": [lang for lang in present_languages if lang not in cited_languages],
        "mentioned_contributions": sorted(mentioned),
        "contributions": len(rows),
        "written": bool(written or (question.synthesis or "").strip()),
    }
