"""The organiser's pages: create and edit sessions and their questions, grant roles, read the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from deliberate.access import require_organiser
from deliberate.accounts.services import find_by_email
from deliberate.audit import services as audit_log
from deliberate.config import LANGUAGES
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.sessions import exclusions, services
from deliberate.sessions.models import ROLES, PanelSession

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.before_request
def only_organisers():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    try:
        require_organiser(current_user)
    except DomainError:
        abort(403)


@bp.route("/")
def index():
    sessions = db.session.scalars(db.select(PanelSession).order_by(PanelSession.date.desc())).all()
    return render_template("organiser/index.html", sessions=sessions)


@bp.route("/sessions/new", methods=["GET", "POST"])
def new_session():
    return _edit(None)


@bp.route("/sessions/<code>/edit", methods=["GET", "POST"])
def edit_session(code: str):
    return _edit(services.get_session(code))


def _edit(session: PanelSession | None):
    draft = _draft_from_form(session) if request.method == "POST" else _draft_from_session(session)
    error = None
    if request.method == "POST" and request.form.get("action") == "add_question":
        draft.questions.append({})
    elif request.method == "POST":
        try:
            saved = services.save_session(draft, current_user, session)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            flash(_("The session is saved."))
            return redirect(url_for("organiser.roles", code=saved.code))
    return render_template(
        "organiser/edit.html", draft=draft, session=session, error=error, all_languages=LANGUAGES
    ), 400 if error else 200


def _draft_from_session(session: PanelSession | None) -> services.SessionDraft:
    if session is None:
        return services.SessionDraft(
            code="",
            languages=list(LANGUAGES),
            original_language="en",
            title={},
            questions=[{} for _ in range(services.DEFAULT_QUESTION_COUNT)],
        )
    return services.SessionDraft(
        code=session.code,
        languages=list(session.languages),
        original_language=session.original_language,
        title=dict(session.title),
        description=dict(session.description),
        summary=dict(session.summary),
        details=dict(session.details),
        date=session.date,
        start_time=session.start_time,
        end_time=session.end_time,
        timezone=session.timezone,
        attendees_may_cluster=session.attendees_may_cluster,
        publish_names=session.publish_names,
        attendees_see_opinion_groups=session.attendees_see_opinion_groups,
        requires_verified_email=session.requires_verified_email,
        projector_embeddable=session.projector_embeddable,
        questions=[dict(q.text) for q in session.questions],
    )


def _draft_from_form(session: PanelSession | None) -> services.SessionDraft:
    form = request.form
    languages = [lang for lang in LANGUAGES if lang in form.getlist("languages")]
    try:
        count = min(max(int(form.get("question_count") or 5), 1), 20)
    except ValueError:
        count = services.DEFAULT_QUESTION_COUNT

    def texts(prefix: str) -> dict[str, str]:
        return {lang: form.get(f"{prefix}_{lang}", "") for lang in LANGUAGES if form.get(f"{prefix}_{lang}")}

    return services.SessionDraft(
        code=form.get("code", ""),
        languages=languages,
        original_language=form.get("original_language", languages[0] if languages else "en"),
        title=texts("title"),
        description=texts("description"),
        summary=texts("summary"),
        date=form.get("date") or None,
        start_time=form.get("start_time") or None,
        end_time=form.get("end_time") or None,
        timezone=form.get("timezone") or None,
        attendees_may_cluster=form.get("attendees_may_cluster") == "on",
        publish_names=form.get("publish_names") == "on",
        attendees_see_opinion_groups=form.get("attendees_see_opinion_groups") == "on",
        requires_verified_email=form.get("requires_verified_email") == "on",
        projector_embeddable=form.get("projector_embeddable") == "on",
        questions=[texts(f"question{i}") for i in range(1, count + 1)],
        # The form does not edit the labelled facts (thematic line, organisers...): keep them.
        details=dict(session.details) if session is not None else {},
    )


@bp.route("/sessions/<code>/roles", methods=["GET", "POST"])
def roles(code: str):
    session = services.get_session(code)
    if request.method == "POST":
        user = find_by_email(request.form.get("email", ""))
        try:
            if user is None:
                raise DomainError("not_found", _("There is no account with that e-mail address."))
            action = request.form.get("action")
            if action == "revoke":
                services.revoke(session, user, current_user)
            elif action == "exclude":
                exclusions.exclude(session, user, current_user)
            elif action == "readmit":
                exclusions.readmit(session, user, current_user)
            else:
                services.grant(session, user, request.form.get("role"), current_user)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Roles updated."))
        return redirect(url_for("organiser.roles", code=session.code))
    return render_template(
        "organiser/roles.html",
        session=session,
        registrations=services.registrations(session),
        excluded=exclusions.excluded(session),
        roles=ROLES,
    )


@bp.route("/sessions/<code>/audit")
def audit(code: str):
    session = services.get_session(code)
    entries = audit_log.entries(session.id, newest_first=True, limit=500)
    return render_template("organiser/audit.html", session=session, entries=entries)
