"""A small report as the builder makes it, for the renderer tests: two questions, one of them empty,
clusters with syntheses citing contributions, and untrusted texts (markup, a spreadsheet formula)."""

SCRIPT = '<script>alert(1)</script> & "quotes"'
FORMULA = '=HYPERLINK("http://evil.example","clic")'


def make_contribution(id, text, *, language="en", role="attendee", agree=0, disagree=0, cluster=None):
    return {
        "id": id,
        "text": text,
        "author": f"Person {id}",
        "role": role,
        "language": language,
        "created_at": "2026-11-27T09:05:00+00:00",
        "agree": agree,
        "disagree": disagree,
        "cluster_id": cluster[0] if cluster else None,
        "cluster_label": cluster[1] if cluster else None,
    }


def make_report() -> dict:
    financing, training = (3, "Financement solidaire"), (4, "Training <b>young</b> people")
    c101 = make_contribution(
        101, "Il faut des fonds de garantie publics.", language="fr", agree=9, cluster=financing
    )
    c102 = make_contribution(
        102,
        "La banca ética puede financiar cooperativas.",
        language="es",
        agree=5,
        disagree=1,
        role="panelist",
        cluster=financing,
    )
    c103 = make_contribution(103, SCRIPT, agree=3, disagree=4, cluster=financing)
    c104 = make_contribution(104, "Train young workers *first*.", agree=7, cluster=training)
    c105 = make_contribution(105, FORMULA, disagree=2, cluster=training)
    c106 = make_contribution(106, "- un punto suelto\n1. y otro", language="es", agree=1)
    first = {
        "id": 1,
        "position": 1,
        "text": "How should cooperatives be financed?",
        "status": "closed",
        "synthesis": "Participants favour **public guarantees** (#104).",
        "synthesis_html": "<p>Participants favour <strong>public guarantees</strong> "
        '(<a href="#c104" class="ref">#104</a><sup class="fn">[1]</sup>).</p>',
        "attribution": "Data from Pol.is, CC BY 4.0",
        "participation": {"participants": 12, "contributions": 6, "votes": 42},
        "clusters": [
            {
                "id": 3,
                "label": financing[1],
                "synthesis": "Guarantee funds (#101) and doubts (#103).",
                "synthesis_html": "<p>Guarantee funds "
                '(<a href="#c101" class="ref">#101</a><sup class="fn">[2]</sup>) and doubts '
                '(<a href="#c103" class="ref">#103</a><sup class="fn">[3]</sup>).</p>',
                "agree": 17,
                "disagree": 5,
                "supporters": 8,
                "contributions": [c101, c102, c103],
            },
            {
                "id": 4,
                "label": training[1],
                "synthesis": "",
                "synthesis_html": "",
                "agree": 7,
                "disagree": 2,
                "supporters": 5,
                "contributions": [c104, c105],
            },
        ],
        "unclustered": [c106],
        "most_agreed": [c101, c104, c102],
        "most_divisive": [c103, c105],
        "activity": [
            {"t": "2026-11-27T09:00:00+00:00", "contributions": 2, "votes": 10},
            {"t": "2026-11-27T09:05:00+00:00", "contributions": 3, "votes": 25},
            {"t": "2026-11-27T09:10:00+00:00", "contributions": 1, "votes": 7},
        ],
        "footnotes": [
            {"number": 1, "contribution_id": 104, "text": c104["text"], "agree": 7, "disagree": 0},
            {"number": 2, "contribution_id": 101, "text": c101["text"], "agree": 9, "disagree": 0},
            {"number": 3, "contribution_id": 103, "text": SCRIPT, "agree": 3, "disagree": 4},
        ],
    }
    empty = {
        "id": 2,
        "position": 2,
        "text": "¿Qué papel para los municipios?",
        "status": "open",
        "synthesis": "",
        "synthesis_html": "",
        "attribution": None,
        "participation": {"participants": 0, "contributions": 0, "votes": 0},
        "clusters": [],
        "unclustered": [],
        "most_agreed": [],
        "most_divisive": [],
        "activity": [],
        "footnotes": [],
    }
    return {
        "format_version": 1,
        "generated_at": "2026-11-27T10:00:00+00:00",
        "language": "en",
        "version": {"number": 2, "status": "approved", "submitted_at": "2026-11-28T08:30:00+00:00"},
        "session": {
            "code": "uclg-1-3-2",
            "title": "Social economy & local development",
            "description": "First paragraph.\n\nSecond paragraph.",
            "date": "2021-05-31",
            "start_time": "08:00",
            "end_time": "09:30",
            "timezone": "UTC-3",
            "languages": ["fr", "en", "es"],
            "details": [{"label": "Organisers", "value": "UCLG"}],
        },
        "questions": [first, empty],
    }
