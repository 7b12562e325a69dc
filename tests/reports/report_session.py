"""The demo session filled through the real services, for the report and review tests.

Question 1 gets contributions in fr, en and es (one of them HTML-looking, one hidden by the moderator),
three clusters with syntheses citing contributions as ``#id``, a question synthesis, and votes from
several people. The expected figures below follow from these votes; they are worked out by hand in the
comments so a change in the builder's arithmetic makes a test fail.

    contribution  author    lang  cluster         votes (+ agree, - disagree)        agree/disagree
    c1            Amina     fr    financing       Bruno+ Chloe+ Dario+ Pilar+ Vera-  4 / 1
    c2            Bruno     es    financing       Amina+ Chloe-                      1 / 1
    c3            Pilar     en    skills          Amina+ Bruno+ Vera+ Dario-         3 / 1
    c4 (script)   Chloe     en    financing       Pilar+ Amina- Bruno-               1 / 2
    c5            Dario     fr    -               (Mona+ then withdrawn to 0)        0 / 0
    c6 (hidden)   Troll     en    -               Bruno+ Vera+ Mona-                 not reported
    c7            Bruno     en    tourism         Amina+ Chloe+ Dario- Pilar- Vera-  2 / 3
    c8            Chloe     es    tourism         Amina+ Dario+                      2 / 0

Clusters (created in this order): financing {c1, c2, c4}: supporters Amina Bruno Chloe Dario Pilar = 5,
agree 6, disagree 4; skills {c3}: supporters Amina Bruno Vera = 3, agree 3, disagree 1; tourism {c7, c8}:
supporters Amina Chloe Dario = 3, agree 4, disagree 3. Report order: financing, tourism, skills.
"""

from types import SimpleNamespace

from deliberate.sessions.demo_content import DEMO_QUESTIONS

SCRIPT = '<script>alert("x")</script> & <b>bold</b>'
HIDDEN = "Hidden spam HIDDEN-MARKER-42 buy now"

TEXTS = {
    "c1": ("amina", "fr", "Il faut des fonds de garantie publics pour les coopératives."),
    "c2": ("bruno", "es", "La banca ética puede financiar cooperativas locales."),
    "c3": ("pilar", "en", "Train young workers in digital skills first."),
    "c4": ("chloe", "en", SCRIPT),
    "c5": ("dario", "fr", "Les marchés publics devraient favoriser l'économie sociale."),
    "c6": ("troll", "en", HIDDEN),
    "c7": ("bruno", "en", "Tourism is not a priority for local development."),
    "c8": ("chloe", "es", "Hay que apoyar el turismo comunitario."),
}

VOTES = {
    "c1": {"bruno": 1, "chloe": 1, "dario": 1, "pilar": 1, "vera": -1},
    "c2": {"amina": 1, "chloe": -1},
    "c3": {"amina": 1, "bruno": 1, "vera": 1, "dario": -1},
    "c4": {"pilar": 1, "amina": -1, "bruno": -1},
    "c6": {"bruno": 1, "vera": 1, "mona": -1},
    "c7": {"amina": 1, "chloe": 1, "dario": -1, "pilar": -1, "vera": -1},
    "c8": {"amina": 1, "dario": 1},
}

CLUSTERS = {
    "financing": ("Financement solidaire", ["c1", "c2", "c4"]),
    "skills": ("Skills & training", ["c3"]),
    "tourism": ("Turismo comunitario", ["c7", "c8"]),
}

PEOPLE = {
    "amina": ("attendee", "Amina"),
    "bruno": ("attendee", "Bruno"),
    "chloe": ("attendee", "Chloe"),
    "dario": ("attendee", "Dario"),
    "pilar": ("panelist", "Pilar"),
    "vera": ("attendee", "Vera"),
    "troll": ("attendee", "Troll"),
    "mona": ("moderator", "Mona"),
    "rita": ("rapporteur", "Rita"),
    "olga": ("organiser", "Olga"),
}


def question_text(position: int, language: str) -> str:
    """The demo question's text in ``language``, from the seed content (not from the database)."""
    return DEMO_QUESTIONS[position - 1][language]


def fill(app, demo_session, make_member) -> SimpleNamespace:
    """Fill question 1 of the demo session as described above; returns the ids and the people."""
    from deliberate.accounts.models import User
    from deliberate.clusters import services as clusters
    from deliberate.clusters.models import Cluster
    from deliberate.extensions import db
    from deliberate.rooms import services as rooms
    from deliberate.rooms.models import Contribution
    from deliberate.sessions.models import Question

    people = {key: make_member(role, name) for key, (role, name) in PEOPLE.items()}
    first = demo_session.questions[0]
    with app.app_context():

        def actor(key: str) -> tuple[User, str]:
            return db.session.get(User, people[key].id), PEOPLE[key][0]

        question = db.session.get(Question, first.id)
        ids: dict[str, int] = {}
        for key, (author, language, text) in TEXTS.items():
            contribution, _created = rooms.post(*actor(author), question, text, None, language)
            ids[key] = contribution.id
        db.session.commit()

        for key, votes in VOTES.items():
            for voter, value in votes.items():
                rooms.vote(*actor(voter), rooms.vote_target(ids[key]), value)
        # A vote withdrawn: a Vote row with value 0 that must count for nothing.
        rooms.vote(*actor("mona"), rooms.vote_target(ids["c5"]), 1)
        rooms.vote(*actor("mona"), rooms.vote_target(ids["c5"]), 0)
        db.session.commit()

        moderator = actor("mona")
        rooms.moderate(*moderator, db.session.get(Contribution, ids["c6"]), "hide")
        cluster_ids: dict[str, int] = {}
        for key, (label, members) in CLUSTERS.items():
            if key == "financing":  # one accepted suggestion (members moved at creation) ...
                cluster = clusters.create(*moderator, question, label, [ids[m] for m in members])
            else:  # ... the others assigned one by one
                cluster = clusters.create(*moderator, question, label)
                for member in members:
                    clusters.assign(*moderator, db.session.get(Contribution, ids[member]), cluster.id)
            cluster_ids[key] = cluster.id
        db.session.commit()

        syntheses = {
            "financing": f"Guarantee funds (#{ids['c1']}) and **ethical banks** (#{ids['c2']}) are favoured.",
            "skills": f"Training comes first (#{ids['c3']}), as does #{ids['c1']}; not #{ids['c6']}.",
            "tourism": f"Community tourism divides the room (#{ids['c7']}).",
        }
        for key, text in syntheses.items():
            clusters.update_cluster(
                *moderator, db.session.get(Cluster, cluster_ids[key]), {"synthesis": text}
            )
        question_synthesis = f"Overall: #{ids['c8']}, #{ids['c1']} and #{ids['c4']}."
        rooms.update_question(*moderator, question, {"synthesis": question_synthesis}, "en")
        db.session.commit()

    return SimpleNamespace(
        code=demo_session.code,
        session_id=demo_session.id,
        question_id=first.id,
        position=first.position,
        ids=ids,
        clusters=cluster_ids,
        syntheses=syntheses,
        question_synthesis=question_synthesis,
        people=people,
    )
