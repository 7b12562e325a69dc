"""The account mails, sent from a job in the reader's language (the job runs in it)."""

from flask import current_app
from flask_babel import gettext as _

from deliberate import mail
from deliberate.accounts import verification
from deliberate.accounts.models import User
from deliberate.extensions import db


def verification_mail(user_id: int, base: str, next_path: str = "") -> None:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None or user.email_verified_at is not None:
        return
    hours = current_app.config["EMAIL_VERIFICATION_HOURS"]
    body = _(
        "Hello %(name)s,\n\n"
        "To confirm that %(email)s is your address on Deliberate, open this link (it works for "
        "%(hours)s hours):\n\n%(link)s\n\n"
        "If you did not ask for this, you can ignore this message.",
        name=user.name,
        email=user.email,
        hours=hours,
        link=verification.link_for(user, base, next_path),
    )
    mail.send(user.email, _("Confirm your e-mail address"), body)


def signup_mail(fields: dict, base: str) -> None:
    """The link that creates the account (sign-up by mail first), or, when the address already has an
    account, a note to its owner: the person signing up is told the same either way."""
    from deliberate.accounts.services import find_by_email

    email = fields["email"]
    hours = current_app.config["EMAIL_VERIFICATION_HOURS"]
    if find_by_email(email) is not None:
        body = _(
            "Hello,\n\n"
            "Someone, perhaps you, tried to sign up on Deliberate with %(email)s, which already has an "
            "account. To log in:\n\n%(link)s\n\n"
            "If it was not you, you can ignore this message: nothing was changed.",
            email=email,
            link=f"{base}/login",
        )
        mail.send(email, _("You already have an account"), body)
        return
    body = _(
        "Hello %(name)s,\n\n"
        "To finish signing up on Deliberate with %(email)s, open this link (it works for %(hours)s "
        "hours):\n\n%(link)s\n\n"
        "If you did not sign up, you can ignore this message: no account is made without it.",
        name=fields["name"],
        email=email,
        hours=hours,
        link=f"{base}/signup/{verification.signup_token(fields)}",
    )
    mail.send(email, _("Finish signing up"), body)
