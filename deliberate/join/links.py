"""What the session page adds for the hall: its short link and QR code, the review and the report."""

from deliberate.access import MODERATING, REVIEWS
from deliberate.join.views import join_url, qr_svg
from deliberate.review.services import approved_version
from deliberate.sessions.models import PanelSession


def session_page_extras(session: PanelSession, role: str) -> dict:
    staff = role in MODERATING
    link = join_url(session) if staff else None
    return {
        "join_link": link,
        "join_qr": qr_svg(link, scale=4) if link else None,
        "may_review": role in MODERATING | REVIEWS,
        "report_approved": approved_version(session) is not None,
        "moderator": staff,
        "question": None,
    }
