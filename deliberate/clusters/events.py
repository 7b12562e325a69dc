"""Socket.IO events of clustering; same shape as the room's (parse, check role, service, commit, ack)."""

from flask_babel import gettext as _
from flask_login import current_user

from deliberate.access import require_role
from deliberate.clusters import services
from deliberate.errors import invalid
from deliberate.rooms.events import handler
from deliberate.rooms.services import get_contribution
from deliberate.sessions.services import get_question


@handler("cluster_create")
def cluster_create(payload: dict) -> dict:
    question = get_question(payload.get("question_id"))
    role = require_role(current_user, question.session)
    cluster = services.create(
        current_user, role, question, payload.get("label"), payload.get("contribution_ids")
    )
    return {"cluster": services.with_support(cluster)}


@handler("cluster_assign")
def cluster_assign(payload: dict) -> dict:
    if "cluster_id" not in payload:
        raise invalid(_("Say which theme (or none, to take the contribution out of its theme)."))
    contribution = get_contribution(payload.get("contribution_id"))
    role = require_role(current_user, contribution.question.session)
    contribution = get_contribution(contribution.id, role)
    services.assign(current_user, role, contribution, payload.get("cluster_id"))
    return {}


@handler("cluster_assign_many")
def cluster_assign_many(payload: dict) -> dict:
    """Several contributions into one cluster: an existing one (``cluster_id``, null to unassign) or a
    new one (``label``), in one transaction."""
    question = get_question(payload.get("question_id"))
    role = require_role(current_user, question.session)
    if "label" in payload:
        cluster = services.create(current_user, role, question, payload.get("label"))
        cluster_id = cluster.id
    elif "cluster_id" in payload:
        cluster_id = payload.get("cluster_id")
    else:
        raise invalid(_("Give cluster_id (null to unassign) or label (a new cluster)."))
    moved = services.assign_many(current_user, role, question, payload.get("contribution_ids"), cluster_id)
    return {"cluster_id": cluster_id, "contribution_ids": moved}


@handler("suggestion_accept")
def suggestion_accept(payload: dict) -> dict:
    """A suggested theme accepted: its unclustered contributions go into ``cluster_id`` or a new
    cluster of ``label``; contributions already in a cluster stay there, and accepting twice creates
    nothing more."""
    question = get_question(payload.get("question_id"))
    role = require_role(current_user, question.session)
    cluster, moved, created = services.accept_suggestion(
        current_user,
        role,
        question,
        payload.get("label"),
        payload.get("contribution_ids"),
        payload.get("cluster_id"),
    )
    return {"cluster": services.with_support(cluster), "contribution_ids": moved, "created": created}


@handler("cluster_merge")
def cluster_merge(payload: dict) -> dict:
    cluster = services.get_cluster(payload.get("cluster_id"))
    role = require_role(current_user, cluster.question.session)
    target = services.merge(current_user, role, cluster, payload.get("into_id"))
    return {"cluster": services.with_support(target)}


@handler("cluster_delete")
def cluster_delete(payload: dict) -> dict:
    cluster = services.get_cluster(payload.get("cluster_id"))
    role = require_role(current_user, cluster.question.session)
    services.delete(current_user, role, cluster)
    return {}
