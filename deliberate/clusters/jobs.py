"""Suggested themes as a job: computed in a worker, never in the server's event loop."""

from flask_babel import gettext as _

from deliberate import jobs
from deliberate.access import role_in
from deliberate.accounts.models import User
from deliberate.clusters import drafts, embeddings, services, suggestions
from deliberate.clusters.synthesis import references
from deliberate.errors import forbidden
from deliberate.extensions import db
from deliberate.i18n import current_language
from deliberate.sessions.services import get_question

SUGGEST = "deliberate.clusters.jobs.suggest"
DRAFT = "deliberate.clusters.jobs.draft"
SIMILAR = "deliberate.clusters.jobs.similar"


def suggest(question_id: int, user_id: int) -> dict:
    """The suggestions for the question, as the asker (role checked again: it may have changed)."""
    question = get_question(question_id)
    actor = db.session.get(User, user_id)
    role = role_in(actor, question.session)
    if role is None:
        raise forbidden(_("Register for this session first."))
    jobs.progress(0, 1)
    return suggestions.suggest(actor, role, question, current_language()).view()


def embed(question_id: int) -> dict:
    """Embed the question's contributions that have no vector yet (idempotent), then tell the staff
    which existing cluster each new unclustered one fits (``cluster_suggestion`` events)."""
    embedded = embeddings.ensure(question_id)
    live = suggestions.live(question_id, embedded)
    db.session.commit()
    return {"embedded": len(embedded), "suggested": len(live), "features": embeddings.features()}


def draft(kind: str, object_id: int, user_id: int) -> dict:
    """A draft synthesis of a cluster or a question, in the language the job runs in (the asker's
    choice); not stored: the moderator edits it and saves it as the synthesis."""
    actor = db.session.get(User, user_id)
    if kind == "cluster":
        cluster = services.get_cluster(object_id)
        question, text = cluster.question, None
    else:
        question, cluster = get_question(object_id), None
    role = role_in(actor, question.session)
    if role is None:
        raise forbidden(_("Register for this session first."))
    jobs.progress(0, 1)
    if cluster is not None:
        text = drafts.for_cluster(actor, role, cluster)
    else:
        text = drafts.for_question(actor, role, question)
    return {"markdown": text, "draft": True, "language": current_language(), "cited": references(text)}


def similar(question_id: int, text: str, user_id: int) -> dict:
    """Contributions that already say what an author is about to post (registered people)."""
    question = get_question(question_id)
    if role_in(db.session.get(User, user_id), question.session) is None:
        raise forbidden(_("Register for this session first."))
    return {"similar": suggestions.similar(question.id, text)}
