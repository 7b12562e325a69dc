"""Which language a person sees: ``?lang=`` (remembered), their account's, the browser's, English."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}


def select_locale() -> str:
    if not has_request_context():
        return "en"  # the CLI and background work speak English
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


def asked_language() -> str:
    """The language a request asks for with ``?lang=`` when it is one of ours, else the reader's."""
    from deliberate.config import LANGUAGES

    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else current_language()


def language_name(code: str) -> str:
    """``code``'s name in the reader's language ("espagnol", "Spanish"), for use inside a sentence."""
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name(current_language()) or code
    except (ValueError, TypeError):
        return code
