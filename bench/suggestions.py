"""Benchmark the suggested themes on synthetic multilingual contributions.

Run from a checkout::

    python bench/suggestions.py [--n 1000] [--runs 3] [--seed 0]

Contributions are generated from eight theme vocabularies (French, Spanish, English) poured into random
sentence templates with a seeded RNG, so runs are reproducible. The script prints the median time of
``suggest_clusters`` and, measured in the same run, a baseline (plain TF-IDF + KMeans with k fixed to the
true number of themes), so that the overhead of choosing k and building labels is visible. It also
prints the purity of the suggestion against the generating themes, as a sanity check.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deliberate.clusters.suggest import suggest_clusters  # noqa: E402

# theme -> language -> phrases that can fill a template slot.
THEMES: dict[str, dict[str, list[str]]] = {
    "financing": {
        "fr": [
            "l'accès au crédit",
            "un fonds de garantie",
            "le financement des coopératives",
            "les prêts solidaires",
            "la finance éthique",
            "les banques coopératives",
            "le microcrédit",
        ],
        "es": [
            "el acceso al crédito",
            "un fondo de garantía",
            "el financiamiento de las cooperativas",
            "los préstamos solidarios",
            "la banca ética",
            "el microcrédito",
            "la inversión social",
        ],
        "en": [
            "access to credit",
            "a guarantee fund",
            "financing for cooperatives",
            "solidarity loans",
            "ethical banking",
            "microcredit",
            "patient capital for social enterprises",
        ],
    },
    "training": {
        "fr": [
            "la formation professionnelle",
            "les compétences des jeunes",
            "l'apprentissage",
            "la formation des formateurs",
            "les écoles de l'économie sociale",
            "la formation continue",
        ],
        "es": [
            "la formación profesional",
            "las competencias de los jóvenes",
            "la capacitación técnica",
            "la formación de formadores",
            "las escuelas de economía social",
            "la formación continua",
        ],
        "en": [
            "vocational training",
            "skills for young people",
            "apprenticeships",
            "training the trainers",
            "schools of social economy",
            "lifelong training and skills",
        ],
    },
    "circular": {
        "fr": [
            "le recyclage des déchets",
            "l'économie circulaire",
            "le réemploi",
            "les ressourceries",
            "le compostage des biodéchets",
            "la réduction des déchets plastiques",
        ],
        "es": [
            "el reciclaje de residuos",
            "la economía circular",
            "la reutilización",
            "los recicladores",
            "el compostaje de residuos orgánicos",
            "la reducción de plásticos",
        ],
        "en": [
            "waste recycling",
            "the circular economy",
            "reuse and repair",
            "repair cafés",
            "composting organic waste",
            "reducing plastic waste",
        ],
    },
    "governance": {
        "fr": [
            "la gouvernance locale",
            "les alliances entre acteurs",
            "les collectivités territoriales",
            "la co-construction des politiques publiques",
            "la participation citoyenne",
        ],
        "es": [
            "la gobernanza local",
            "las alianzas entre actores",
            "los gobiernos municipales",
            "la co-construcción de políticas públicas",
            "la participación ciudadana",
        ],
        "en": [
            "local governance",
            "alliances between actors",
            "municipal governments",
            "co-construction of public policies",
            "citizen participation",
        ],
    },
    "housing": {
        "fr": [
            "le logement abordable",
            "les coopératives d'habitants",
            "l'habitat participatif",
            "les loyers modérés",
            "les logements vacants",
        ],
        "es": [
            "la vivienda asequible",
            "las cooperativas de vivienda",
            "el alquiler social",
            "las viviendas vacías",
            "la especulación inmobiliaria",
        ],
        "en": [
            "affordable housing",
            "housing cooperatives",
            "rent control",
            "empty homes",
            "community land trusts",
        ],
    },
    "agriculture": {
        "fr": [
            "l'agriculture paysanne",
            "les circuits courts",
            "les semences paysannes",
            "la souveraineté alimentaire",
            "les marchés de producteurs",
        ],
        "es": [
            "la agricultura campesina",
            "los circuitos cortos",
            "las semillas nativas",
            "la soberanía alimentaria",
            "los mercados de productores",
        ],
        "en": [
            "small-scale farming",
            "short food supply chains",
            "farmers' seeds",
            "food sovereignty",
            "farmers' markets",
        ],
    },
    "digital": {
        "fr": [
            "les plateformes numériques coopératives",
            "les logiciels libres",
            "la fracture numérique",
            "les données des usagers",
            "l'inclusion numérique",
        ],
        "es": [
            "las plataformas digitales cooperativas",
            "el software libre",
            "la brecha digital",
            "los datos de los usuarios",
            "la inclusión digital",
        ],
        "en": [
            "platform cooperatives",
            "free software",
            "the digital divide",
            "users' data",
            "digital inclusion",
        ],
    },
    "gender": {
        "fr": [
            "l'égalité femmes-hommes",
            "le leadership des femmes",
            "les coopératives de femmes",
            "l'autonomie économique des femmes",
            "les violences faites aux femmes",
        ],
        "es": [
            "la igualdad de género",
            "el liderazgo de las mujeres",
            "las cooperativas de mujeres",
            "la autonomía económica de las mujeres",
            "la violencia de género",
        ],
        "en": [
            "gender equality",
            "women's leadership",
            "women's cooperatives",
            "women's economic empowerment",
            "gender-based violence",
        ],
    },
}

# Short framings: in real contributions most words carry the theme, the framing varies a lot.
TEMPLATES: dict[str, list[str]] = {
    "fr": [
        "Il faut {a} et {b}.",
        "{a}, {b} : voilà nos priorités.",
        "Nous proposons {a} avec {b}.",
        "{a} reste un défi ; {b} pourrait aider.",
        "Sans {a}, pas de {b}.",
        "{a} et {b}, {c}.",
        "Je pense à {a}, mais aussi à {b}.",
        "Chez nous, {a} a marché ; {b} manque encore.",
        "Pourquoi pas {a} ? Et {b} ?",
        "Le débat doit porter sur {a}, {b} et {c}.",
        "{a} d'abord, puis {b}.",
        "Question : comment relier {a} et {b} ?",
    ],
    "es": [
        "Hay que impulsar {a} y {b}.",
        "{a}, {b}: esas son nuestras prioridades.",
        "Proponemos {a} con {b}.",
        "{a} sigue siendo un reto; {b} podría ayudar.",
        "Sin {a}, no hay {b}.",
        "{a} y {b}, {c}.",
        "Pienso en {a}, pero también en {b}.",
        "En nuestra región {a} funcionó; falta {b}.",
        "¿Por qué no {a}? ¿Y {b}?",
        "El debate debe tratar {a}, {b} y {c}.",
        "Primero {a}, luego {b}.",
        "Pregunta: ¿cómo vincular {a} y {b}?",
    ],
    "en": [
        "We need {a} and {b}.",
        "{a}, {b}: those are our priorities.",
        "We propose {a} with {b}.",
        "{a} is still a challenge; {b} could help.",
        "Without {a}, no {b}.",
        "{a} and {b}, {c}.",
        "I am thinking of {a}, but also of {b}.",
        "In our region {a} worked; {b} is missing.",
        "Why not {a}? And {b}?",
        "The debate should cover {a}, {b} and {c}.",
        "First {a}, then {b}.",
        "Question: how do we link {a} and {b}?",
    ],
}

# A little cross-theme noise, as in real discussions.
NOISE: dict[str, list[str]] = {
    "fr": ["Merci pour cet échange.", "Les jeunes doivent être impliqués.", "C'est une question d'échelle."],
    "es": ["Gracias por el intercambio.", "Hay que involucrar a los jóvenes.", "Es una cuestión de escala."],
    "en": ["Thanks for the exchange.", "Young people must be involved.", "It is a question of scale."],
}


def generate(n: int, seed: int) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """Return ``n`` (id, text) contributions and the theme each one was generated from."""
    rng = random.Random(seed)
    themes = list(THEMES)
    contributions: list[tuple[int, str]] = []
    truth: dict[int, str] = {}
    for cid in range(1, n + 1):
        theme = rng.choice(themes)
        lang = rng.choice(("fr", "es", "en"))
        a, b, c = rng.sample(THEMES[theme][lang], 3)
        text = rng.choice(TEMPLATES[lang]).format(a=a, b=b, c=c)
        text = text[0].upper() + text[1:]
        if rng.random() < 0.2:
            text += " " + rng.choice(NOISE[lang])
        contributions.append((cid, text))
        truth[cid] = theme
    return contributions, truth


def baseline(contributions: list[tuple[int, str]], k: int) -> list[int]:
    """Bare scikit-learn cost: character TF-IDF + KMeans with k given (no LSA, no choice of k, no labels)."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), strip_accents="unicode", sublinear_tf=True
    )
    matrix = vectorizer.fit_transform([text for _, text in contributions])
    return KMeans(n_clusters=k, n_init=1, random_state=0).fit_predict(matrix).tolist()


def median_time(function: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time over ``runs`` calls, and the last result."""
    times = []
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate contributions, time and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of contributions (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement, median kept (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed for the synthetic contributions")
    args = parser.parse_args(argv)

    contributions, truth = generate(args.n, args.seed)
    suggest_clusters(contributions[:50])  # warm up imports and caches outside the measurement

    elapsed, result = median_time(lambda: suggest_clusters(contributions), args.runs)
    suggestions = list(result)  # type: ignore[call-overload]
    base_elapsed, _ = median_time(lambda: baseline(contributions, len(THEMES)), args.runs)

    majority = sum(
        Counter(truth[cid] for cid in s.contribution_ids).most_common(1)[0][1] for s in suggestions
    )
    out = sys.stdout
    out.write(f"contributions            : {args.n} ({len(THEMES)} generating themes, seed {args.seed})\n")
    out.write(f"suggest_clusters median  : {elapsed:.3f} s over {args.runs} runs\n")
    out.write(
        f"baseline median          : {base_elapsed:.3f} s (char TF-IDF + KMeans, k={len(THEMES)} fixed)\n"
    )
    out.write(f"overhead vs baseline     : {elapsed - base_elapsed:+.3f} s (x{elapsed / base_elapsed:.1f})\n")
    out.write(f"suggested clusters       : {len(suggestions)}\n")
    out.write(f"purity                   : {majority / args.n:.3f}\n")
    for suggestion in suggestions:
        out.write(f"  {len(suggestion.contribution_ids):5d}  {suggestion.label}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
