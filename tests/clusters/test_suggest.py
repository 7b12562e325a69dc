"""Tests for the suggested themes (pure clustering of contributions, no Flask, no fixtures)."""

import random
from collections import Counter

from deliberate.clusters.suggest import MAX_LABEL_CHARS, Suggestion, suggest_clusters

# Five themes, contributions mixed across French, Spanish and English, as a panel would write them.
THEMES: dict[str, list[str]] = {
    "financing": [
        "Les coopératives n'ont pas accès au crédit bancaire classique, il faut des fonds de garantie.",
        "Le financement des coopératives reste le principal frein : les banques exigent trop de garanties.",
        "Créer un fonds d'investissement solidaire pour financer les coopératives naissantes.",
        "La finance solidaire et les prêts à taux zéro devraient soutenir les entreprises coopératives.",
        "El financiamiento de las cooperativas depende demasiado de créditos bancarios caros.",
        "Proponemos un fondo de garantía público para que las cooperativas accedan al crédito.",
        "Los microcréditos y la banca ética pueden financiar a las cooperativas pequeñas.",
        "Cooperatives struggle to get bank credit; we need public guarantee funds and patient capital.",
        "Financing for cooperatives should include zero-interest loans and ethical banks.",
        "Investment funds dedicated to cooperative financing would reduce dependence on bank credit.",
    ],
    "training": [
        "La formation des jeunes aux métiers de l'économie sociale doit commencer dès le lycée.",
        "Il manque des formations professionnelles pour développer les compétences des salariés.",
        "Former les formateurs : les compétences en gestion coopérative ne s'improvisent pas.",
        "Des programmes de formation continue et d'apprentissage pour les travailleurs.",
        "La formación profesional de los jóvenes es clave para adquirir nuevas competencias.",
        "Necesitamos programas de formación y capacitación en gestión para los trabajadores.",
        "Las universidades deberían ofrecer formación en competencias cooperativas.",
        "Training young people and workers in professional skills is the first priority.",
        "We need vocational training programmes and apprenticeships to build management skills.",
        "Universities should offer training and skills development in cooperative management.",
    ],
    "circular": [
        "Le recyclage des déchets électroniques peut créer des emplois locaux dans l'économie circulaire.",
        "Réduire les déchets : réparation, réemploi et recyclage doivent devenir la norme.",
        "L'économie circulaire passe par des ressourceries et le recyclage des matériaux.",
        "Valoriser les déchets plastiques grâce au recyclage et au compostage des biodéchets.",
        "La economía circular debe priorizar el reciclaje y la reducción de residuos.",
        "Los recicladores de base deben ser reconocidos en la gestión de residuos sólidos.",
        "Reciclaje de plásticos y compostaje de residuos orgánicos en los barrios.",
        "The circular economy needs repair cafés, reuse and recycling of materials.",
        "Recycling electronic waste and plastic waste creates local green jobs.",
        "Waste reduction and recycling should be organised with local circular economy networks.",
    ],
    "governance": [
        "La gouvernance locale doit associer les collectivités territoriales et les associations.",
        "Construire des alliances entre les acteurs du territoire : mairies, associations, entreprises.",
        "Les municipalités devraient co-construire les politiques publiques avec les acteurs locaux.",
        "Une gouvernance participative où les citoyens et les élus locaux décident ensemble.",
        "La gobernanza local requiere alianzas entre municipios, asociaciones y actores del territorio.",
        "Los gobiernos locales deben construir políticas públicas con los actores sociales.",
        "Alianzas entre actores públicos y privados para una gobernanza participativa del territorio.",
        "Local governance works when municipalities and associations build alliances.",
        "Public policies should be co-constructed with local actors and municipal governments.",
        "Participatory governance: citizens, local authorities and associations deciding together.",
    ],
    "housing": [
        "Les coopératives d'habitants permettent un logement abordable et partagé.",
        "Le logement social manque : il faut encourager l'habitat participatif et les loyers modérés.",
        "Les loyers explosent en ville, l'habitat coopératif est une alternative au marché.",
        "Réhabiliter les logements vacants pour loger les familles à loyer modéré.",
        "Las cooperativas de vivienda ofrecen viviendas asequibles frente a la especulación.",
        "El alquiler es demasiado caro; necesitamos más vivienda social y cooperativas de vivienda.",
        "Rehabilitar viviendas vacías para alojar a familias con alquileres bajos.",
        "Housing cooperatives provide affordable homes and protect tenants from rising rents.",
        "Affordable housing requires social housing, rent control and cooperative housing models.",
        "Empty homes should be renovated and rented at affordable rents to families.",
    ],
}

# Each text gets an id; the theme is kept aside to measure purity.
FIXTURE: list[tuple[int, str]] = []
TRUTH: dict[int, str] = {}
for _theme, _texts in THEMES.items():
    for _text in _texts:
        _cid = 100 + len(FIXTURE)
        FIXTURE.append((_cid, _text))
        TRUTH[_cid] = _theme
# Interleave themes so that input order does not give the clustering a hint.
FIXTURE = FIXTURE[0::2] + FIXTURE[1::2]

#: Minimum purity asserted on the fixture (fraction of contributions in their cluster's majority theme).
PURITY_THRESHOLD = 0.8


def _purity(suggestions: list[Suggestion]) -> float:
    """Fraction of contributions that belong to the majority theme of their suggestion."""
    majority = sum(
        Counter(TRUTH[cid] for cid in s.contribution_ids).most_common(1)[0][1] for s in suggestions
    )
    return majority / sum(len(s.contribution_ids) for s in suggestions)


def test_fixture_clusters_are_pure_across_languages() -> None:
    suggestions = suggest_clusters(FIXTURE)
    assert _purity(suggestions) >= PURITY_THRESHOLD


def test_purity_does_not_depend_on_input_order() -> None:
    shuffled = list(FIXTURE)
    random.Random(7).shuffle(shuffled)
    assert _purity(suggest_clusters(shuffled)) >= PURITY_THRESHOLD


def test_number_of_clusters_is_close_to_number_of_themes() -> None:
    suggestions = suggest_clusters(FIXTURE)
    assert len(THEMES) - 2 <= len(suggestions) <= len(THEMES) + 3


def test_every_id_appears_exactly_once() -> None:
    suggestions = suggest_clusters(FIXTURE)
    ids = [cid for s in suggestions for cid in s.contribution_ids]
    assert sorted(ids) == sorted(cid for cid, _ in FIXTURE)


def test_labels_are_non_empty_and_short() -> None:
    for suggestion in suggest_clusters(FIXTURE):
        assert suggestion.label.strip()
        assert len(suggestion.label) <= MAX_LABEL_CHARS


def test_suggestions_are_ordered_largest_first() -> None:
    sizes = [len(s.contribution_ids) for s in suggest_clusters(FIXTURE)]
    assert sizes == sorted(sizes, reverse=True)


def test_ids_inside_a_suggestion_keep_input_order() -> None:
    position = {cid: i for i, (cid, _) in enumerate(FIXTURE)}
    for suggestion in suggest_clusters(FIXTURE):
        positions = [position[cid] for cid in suggestion.contribution_ids]
        assert positions == sorted(positions)


def test_same_input_gives_same_suggestions() -> None:
    assert suggest_clusters(FIXTURE, random_state=3) == suggest_clusters(FIXTURE, random_state=3)


def test_max_clusters_is_respected() -> None:
    assert len(suggest_clusters(FIXTURE, max_clusters=3)) <= 3


def test_empty_input_gives_no_suggestion() -> None:
    assert suggest_clusters([]) == []


def test_single_contribution_gives_one_suggestion() -> None:
    suggestions = suggest_clusters([(7, "Le financement des coopératives par les banques.")])
    assert [s.contribution_ids for s in suggestions] == [[7]]
    assert suggestions[0].label


def test_fewer_than_four_contributions_give_one_suggestion() -> None:
    suggestions = suggest_clusters([(1, "Recycling waste"), (2, "Training skills"), (3, "Bank credit")])
    assert [s.contribution_ids for s in suggestions] == [[1, 2, 3]]


def test_duplicate_texts_do_not_crash_and_stay_together() -> None:
    contributions = [(i, "Plus de crédit pour les coopératives !") for i in range(10)]
    suggestions = suggest_clusters(contributions)
    assert [s.contribution_ids for s in suggestions] == [list(range(10))]


def test_texts_without_words_do_not_crash() -> None:
    contributions = [(1, ""), (2, "!!!"), (3, "🙂🙂"), (4, "..."), (5, "   "), (6, "?!")]
    suggestions = suggest_clusters(contributions)
    assert sorted(cid for s in suggestions for cid in s.contribution_ids) == [1, 2, 3, 4, 5, 6]
    assert all(s.label for s in suggestions)


def test_texts_without_words_mixed_with_real_ones_keep_every_id() -> None:
    contributions = [*FIXTURE[:20], (1, ""), (2, "👍"), (3, "+1")]
    suggestions = suggest_clusters(contributions)
    ids = sorted(cid for s in suggestions for cid in s.contribution_ids)
    assert ids == sorted(cid for cid, _ in contributions)


def test_stop_words_only_texts_do_not_crash() -> None:
    contributions = [(1, "the and of"), (2, "le la les"), (3, "el los las"), (4, "and the"), (5, "de des")]
    suggestions = suggest_clusters(contributions)
    assert sorted(cid for s in suggestions for cid in s.contribution_ids) == [1, 2, 3, 4, 5]
    assert all(s.label for s in suggestions)
