"""The contract's JSON shapes of a room: question, contribution, cluster, state."""

from deliberate import translation
from deliberate.clusters import synthesis as markdown
from deliberate.clusters.models import Cluster
from deliberate.dbtypes import iso
from deliberate.privacy.names import display_name
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import Question
from deliberate.translation import services as translation_services


def question_view(question: Question, language: str) -> dict:
    view = {
        "id": question.id,
        "position": question.position,
        "text": question.localised_text(language),
        "texts": dict(question.text),
        "status": question.status,
        "synthesis": question.synthesis or "",
        "synthesis_html": markdown.render(question.synthesis or ""),
    }
    if translation.enabled():
        view["translations"] = translation_services.for_question(question)
    return view


def contribution_fields(contribution: Contribution, author: str) -> dict:
    """What the room, the report (and so its CSV) all say of a contribution, in one shape."""
    return {
        "id": contribution.id,
        "text": contribution.text,
        "author": author,
        "role": contribution.author_role,
        "language": contribution.language,
        "created_at": iso(contribution.created_at),
        "agree": contribution.agree,
        "disagree": contribution.disagree,
        "cluster_id": contribution.cluster_id,
    }


def contribution_view(
    contribution: Contribution, my_vote: int | None = None, translations: dict | None = None
) -> dict:
    """``translations`` (from ``translation.services.for_contributions``) spares a query per row."""
    view = {
        "id": contribution.id,
        "question_id": contribution.question_id,
        **contribution_fields(contribution, display_name(contribution.author)),
        "my_vote": my_vote,
        "hidden": contribution.hidden,
    }
    if translation.enabled():
        if translations is None:
            translations = translation_services.for_contribution(contribution)
        view["translations"] = translations
    return view


def hidden_stub(contribution: Contribution) -> dict:
    """What people who may not see hidden contributions hear of one being hidden: only that it is."""
    return {"id": contribution.id, "question_id": contribution.question_id, "hidden": True}


def cluster_view(cluster: Cluster) -> dict:
    view = {
        "id": cluster.id,
        "question_id": cluster.question_id,
        "label": cluster.label,
        "synthesis": cluster.synthesis or "",
        "synthesis_html": markdown.render(cluster.synthesis or ""),
        "position": cluster.position,
    }
    if translation.enabled():
        view["translations"] = translation_services.for_cluster(cluster)
    return view
