"""The demo session: panel 1.3.2 of UCLG's LESD committee, from the seed document."""

from deliberate.extensions import db
from deliberate.sessions import demo_content as c
from deliberate.sessions.models import PanelSession
from deliberate.sessions.services import SessionDraft, save_session


def ensure_demo() -> tuple[PanelSession, bool]:
    """Create the demo session unless it exists. Returns (session, created); the caller commits."""
    existing = db.session.scalar(db.select(PanelSession).where(PanelSession.code == c.DEMO_CODE))
    if existing is not None:
        return existing, False
    draft = SessionDraft(
        code=c.DEMO_CODE,
        languages=list(c.DEMO_LANGUAGES),
        original_language=c.DEMO_ORIGINAL_LANGUAGE,
        title=dict(c.DEMO_TITLE),
        description=dict(c.DEMO_DESCRIPTION),
        summary=dict(c.DEMO_SUMMARY),
        details={
            **{key: dict(texts) for key, texts in c.DEMO_DETAILS.items()},
            "platform": dict(c.DEMO_PLATFORM),
        },
        date=c.DEMO_DATE,
        start_time=c.DEMO_START_TIME,
        end_time=c.DEMO_END_TIME,
        timezone=c.DEMO_TIMEZONE,
        questions=[dict(q) for q in c.DEMO_QUESTIONS],
    )
    return save_session(draft, actor=None), True
