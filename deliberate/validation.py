"""Small checks on untrusted input, shared by the API, the socket events and the CLI."""

import re
import unicodedata
from typing import Any

from flask_babel import format_number
from flask_babel import gettext as _

from deliberate.errors import invalid
from deliberate.labels import field_name

# The largest id both databases accept in an integer column; larger numbers cannot name anything.
MAX_ID = 2**31 - 1
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def storable(value: str, field: str) -> str:
    """Text the databases can store: no NUL (PostgreSQL refuses it), no lone surrogates (not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(
            _("%(field)s contains characters that are not valid text.", field=field_name(field))
        ) from None
    if "\x00" in value:
        raise invalid(_("%(field)s contains characters that are not valid text.", field=field_name(field)))
    return value


# Control characters (ESC, BEL, BS, ...) would reach the exports and a terminal through
# ``deliberate export``; newlines and tabs are text. A carriage return ends a line like a newline.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that show nothing on their own: spaces, format characters (U+200B, U+202E, U+FEFF),
# combining marks and controls.
INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cn", "Co", "Cs"})


def clean(value: str) -> str:
    """``value`` without control characters (newlines and tabs kept, CR LF made LF)."""
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def visible(value: str) -> bool:
    return any(unicodedata.category(ch) not in INVISIBLE for ch in value)


def text(value: Any, field: str, *, min_length: int = 1, max_length: int) -> str:
    """A trimmed string between the limits with something visible in it, or an ``invalid`` error."""
    if not isinstance(value, str):
        raise invalid(_("%(field)s must be a string.", field=field_name(field)))
    storable(value, field)
    value = clean(value).strip()
    if not min_length <= len(value) <= max_length:
        limits = {"min": min_length, "max": max_length}
        raise invalid(
            _("%(field)s must be %(min)s to %(max)s characters long.", field=field_name(field), **limits)
        )
    if min_length > 0 and not visible(value):
        raise invalid(_("%(field)s must contain visible characters.", field=field_name(field)))
    return value


def optional_text(value: Any, field: str, *, max_length: int) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return text(value, field, max_length=max_length)


def identifier(value: Any, field: str) -> int:
    """A positive integer id (booleans are not ids, even though Python says they are ints)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise invalid(_("%(field)s must be a positive integer.", field=field_name(field)))
    return value


def optional_identifier(value: Any, field: str) -> int | None:
    return None if value is None else identifier(value, field)


def email(value: Any) -> str:
    value = text(value, "email", max_length=254).lower()
    if not EMAIL.match(value):
        raise invalid(_("This is not a valid e-mail address."))
    return value


def choice(value: Any, field: str, choices: tuple[str, ...] | frozenset[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        if field in ("language", "lang"):
            from deliberate.i18n import language_name

            names = ", ".join(sorted(language_name(code) for code in choices))
        else:
            names = ", ".join(sorted(choices))
        raise invalid(_("%(field)s must be one of %(choices)s.", field=field_name(field), choices=names))
    return value


FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def flag(value: Any, field: str, default: bool = False) -> bool:
    """A yes/no option: a JSON boolean, or in a query string 1/0, true/false, yes/no; absent: default."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in FLAGS:
        return FLAGS[value.strip().lower()]
    raise invalid(_("%(field)s must be true or false.", field=field))


MAX_SYNTHESIS = 50_000


def synthesis(value: Any) -> str:
    """A synthesis: Markdown text (possibly empty) of at most MAX_SYNTHESIS characters."""
    if not isinstance(value, str) or len(value) > MAX_SYNTHESIS:
        raise invalid(
            _(
                "The synthesis must be Markdown text of at most %(max)s characters.",
                max=format_number(MAX_SYNTHESIS),
            )
        )
    return clean(storable(value, "synthesis")).strip()
