"""Helpers of the translation tests."""


class Tagging:
    """A provider whose every translation names its target language: ``[es] original``."""

    name = "fake"

    def supports(self, source, target):
        return source != target

    def translate(self, texts, source, target):
        return [f"[{target}] {t}" for t in texts]


def translations_of(app, kind, object_id):
    """The stored rows of one text, by target language."""
    from deliberate.extensions import db
    from deliberate.translation.models import Translation

    with app.app_context():
        rows = db.session.scalars(
            db.select(Translation).where(Translation.kind == kind, Translation.object_id == object_id)
        ).all()
        return {
            r.language: {
                "text": r.text,
                "provider": r.provider,
                "pivot": r.pivot,
                "source": r.source_language,
            }
            for r in rows
        }
