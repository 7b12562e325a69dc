"""A crowded room for browser tests and the room-page benchmark: a session of its own whose one
question holds thousands of contributions (in French, Spanish and English, with accents), inserted in
bulk into a running server's database, so that preparing 2,000 takes a second, not 2,000 posts.
"""

import uuid
from datetime import UTC, datetime, timedelta

WORDS = {
    "fr": [
        "économie sociale",
        "coopératives",
        "circuits courts",
        "formation",
        "financement solidaire",
        "déchets",
    ],
    "es": ["economía social", "cooperativas", "circuitos cortos", "formación", "financiación", "reciclaje"],
    "en": [
        "social economy",
        "cooperatives",
        "short supply chains",
        "training",
        "solidarity finance",
        "waste",
    ],
}
OPENINGS = {
    "fr": "Il faut soutenir {w} dans chaque région, idée n° {i}.",
    "es": "Hay que apoyar {w} en cada región, idea n.º {i}.",
    "en": "We should support {w} in every region, idea no. {i}.",
}


def text_of(i: int) -> tuple[str, str]:
    """The text and language of the crowd's contribution number ``i`` (0-based)."""
    language = ("fr", "es", "en")[i % 3]
    words = WORDS[language][(i // 3) % len(WORDS[language])]
    return OPENINGS[language].format(w=words, i=i), language


def seed(database_url: str, instance: str, secret_key: str, members: dict[str, str], count: int) -> dict:
    """A new session (code ``crowd-…``) with one open question holding ``count`` contributions.

    ``members``: e-mail → role of the accounts to register (created if missing). Returns ``{code, question_id,
    members: {e-mail: user id}}``."""
    from sqlalchemy import insert, select

    from deliberate.accounts.models import User
    from deliberate.app import create_app
    from deliberate.extensions import db
    from deliberate.rooms.models import Contribution
    from deliberate.sessions.models import PanelSession, Question, Registration

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secret_key,
            "ASYNC_MODE": "threading",
            "MESSAGE_QUEUE": None,
            "INSTANCE_PATH": instance,
        }
    )
    tag = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with app.app_context():
        title = {lang: f"Crowd {tag}" for lang in ("en", "fr", "es")}
        session = PanelSession(code=f"crowd-{tag}", title=title, languages=["en", "fr", "es"])
        db.session.add(session)
        db.session.flush()
        texts = {
            "en": "What should cities do?",
            "fr": "Que doivent faire les villes ?",
            "es": "¿Qué deben hacer?",
        }
        question = Question(session_id=session.id, position=1, text=texts, status="open")
        db.session.add(question)
        authors = [
            {
                "email": f"crowd-{tag}-{n}@crowd.invalid",
                "name": f"Voix {n}",
                "password_hash": None,
                "created_at": now,
            }
            for n in range(20)
        ]
        db.session.execute(insert(User), authors)
        author_ids = list(db.session.scalars(select(User.id).where(User.email.like(f"crowd-{tag}-%"))))
        known = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(members))).all())
        missing = [email for email in members if email not in known]
        if missing:  # a benchmark's moderator: logged in with a signed cookie, no password
            db.session.execute(
                insert(User),
                [
                    {"email": e, "name": e.split("@")[0], "password_hash": None, "created_at": now}
                    for e in missing
                ],
            )
            known = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(members))).all())
        db.session.execute(
            insert(Registration),
            [
                {"user_id": uid, "session_id": session.id, "role": "attendee", "created_at": now}
                for uid in author_ids
            ]
            + [
                {"user_id": known[email], "session_id": session.id, "role": role, "created_at": now}
                for email, role in members.items()
            ],
        )
        db.session.flush()
        rows = []
        for i in range(count):
            text, language = text_of(i)
            rows.append(
                {
                    "question_id": question.id,
                    "author_id": author_ids[i % len(author_ids)],
                    "author_role": "panelist" if i % 10 == 0 else "attendee",
                    "text": text,
                    "language": language,
                    "agree": (i * 7) % 13,
                    "disagree": (i * 5) % 7,
                    "created_at": now - timedelta(seconds=count - i),
                }
            )
        db.session.execute(insert(Contribution), rows)
        db.session.commit()
        result = {"code": session.code, "question_id": question.id, "members": known}
        db.engine.dispose()
    return result
