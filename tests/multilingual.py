"""A mixed-language question for the suggested themes: six themes, each written in French, Spanish and
English by paraphrase (the same idea said differently, not translated word for word), so that a
clustering which groups by language or by shared spelling fails, and one which groups by meaning holds.

Themes were chosen whose key words share little across the three languages (logement / vivienda /
housing, garde d'enfants / guardería / childcare): character n-grams cannot carry them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: theme -> language -> contributions.
THEMES: dict[str, dict[str, list[str]]] = {
    "housing": {
        "fr": [
            "Les loyers ont tellement grimpé que les familles modestes quittent le centre-ville.",
            "Il faut construire davantage de logements sociaux près des quartiers où l'on travaille.",
            "Les appartements vides devraient être réquisitionnés pour loger les sans-abri.",
            "Encadrer les prix de location pour que se loger ne coûte plus la moitié d'un salaire.",
        ],
        "es": [
            "Alquilar un piso se ha vuelto imposible para los jóvenes con sueldos normales.",
            "Necesitamos más vivienda pública asequible cerca de los lugares de trabajo.",
            "Hay miles de casas vacías mientras mucha gente duerme en la calle.",
            "Limitar el precio de los arriendos para que la vivienda no se coma el salario.",
        ],
        "en": [
            "Rents are so high that ordinary families are being pushed out of the city.",
            "Build more affordable homes close to where people actually have jobs.",
            "Vacant flats should be used to give homeless people a roof.",
            "Cap rent increases so that a home does not eat half of a monthly wage.",
        ],
    },
    "transport": {
        "fr": [
            "Les bus passent trop rarement le soir, impossible de rentrer sans voiture.",
            "Le métro devrait être gratuit pour les étudiants et les retraités.",
            "Des pistes cyclables protégées encourageraient les gens à laisser la voiture.",
            "Les trains de banlieue sont toujours en retard et bondés aux heures de pointe.",
        ],
        "es": [
            "Los autobuses casi no pasan por la noche y sin coche no se puede volver.",
            "El transporte público debería ser gratuito para estudiantes y jubilados.",
            "Con carriles bici seguros mucha gente dejaría el automóvil en casa.",
            "Los trenes de cercanías llegan tarde y van llenos en hora punta.",
        ],
        "en": [
            "Buses hardly run in the evening, so you cannot get home without a car.",
            "Public transit should be free for students and pensioners.",
            "Safe, separated bike lanes would get people out of their cars.",
            "Commuter trains are always late and packed during rush hour.",
        ],
    },
    "childcare": {
        "fr": [
            "Trouver une place en crèche relève du miracle, les parents attendent des années.",
            "La garde des jeunes enfants coûte si cher que beaucoup de mères arrêtent de travailler.",
            "Il faudrait des horaires de crèche adaptés aux parents qui travaillent tard.",
            "Former et mieux payer les assistantes maternelles pour qu'elles restent dans le métier.",
        ],
        "es": [
            "Conseguir plaza en una guardería es casi imposible, las listas de espera son eternas.",
            "El cuidado de los niños pequeños es tan caro que muchas madres dejan su empleo.",
            "Las guarderías deberían abrir en horarios que sirvan a quienes trabajan por turnos.",
            "Hay que pagar mejor a las cuidadoras infantiles para que no abandonen la profesión.",
        ],
        "en": [
            "Getting a nursery place for a toddler is nearly impossible; waiting lists last years.",
            "Childcare is so expensive that many mothers give up their jobs.",
            "Daycare opening hours should suit parents who work late shifts.",
            "Nannies and childminders need better pay and training so they stay in the job.",
        ],
    },
    "water": {
        "fr": [
            "Les nappes phréatiques baissent chaque été, il faut limiter l'arrosage des golfs.",
            "L'eau du robinet doit rester un service public, pas une affaire de multinationales.",
            "Réparer les fuites des canalisations éviterait de perdre un tiers de l'eau potable.",
            "Récupérer l'eau de pluie dans chaque immeuble pour affronter les sécheresses.",
        ],
        "es": [
            "Los acuíferos se secan cada verano; hay que restringir el riego de los campos de golf.",
            "El agua potable tiene que ser gestionada por lo público y no por empresas privadas.",
            "Arreglar las tuberías rotas evitaría que se pierda un tercio del agua.",
            "Cada edificio debería recoger la lluvia para resistir las sequías.",
        ],
        "en": [
            "Groundwater drops every summer, so golf courses should stop watering their lawns.",
            "Drinking water must stay publicly managed, not sold to private companies.",
            "Fixing leaking pipes would save a third of the water we treat.",
            "Every building should harvest rainwater to cope with droughts.",
        ],
    },
    "health": {
        "fr": [
            "Il faut attendre six mois pour voir un dermatologue, les déserts médicaux s'étendent.",
            "Les urgences de l'hôpital débordent, les soignants sont épuisés.",
            "Installer des maisons de santé dans les villages pour attirer les médecins.",
            "Les consultations chez le dentiste devraient être remboursées intégralement.",
        ],
        "es": [
            "Para ver a un especialista hay que esperar meses; faltan médicos en los pueblos.",
            "Las urgencias del hospital están colapsadas y el personal sanitario agotado.",
            "Abrir centros de salud en las zonas rurales para que los doctores se queden.",
            "El seguro público debería cubrir por completo al dentista.",
        ],
        "en": [
            "You wait half a year to see a specialist; rural areas have no doctors left.",
            "Hospital emergency rooms are overflowing and nurses are exhausted.",
            "Open health centres in villages so that physicians want to settle there.",
            "Dental care should be fully covered by public health insurance.",
        ],
    },
    "digital": {
        "fr": [
            "Dans les campagnes, la connexion internet est si lente qu'on ne peut pas télétravailler.",
            "Les démarches administratives en ligne laissent de côté les personnes âgées.",
            "Offrir des ordinateurs et des cours d'informatique aux familles qui n'en ont pas.",
            "La fibre optique devrait arriver dans chaque hameau, pas seulement en ville.",
        ],
        "es": [
            "En el campo la conexión a internet es tan mala que no se puede teletrabajar.",
            "Los trámites por la web dejan atrás a los mayores que no saben usar un móvil.",
            "Regalar portátiles y clases de informática a los hogares que no tienen.",
            "La banda ancha tiene que llegar a todas las aldeas y no solo a las ciudades.",
        ],
        "en": [
            "Broadband in the countryside is too slow to work from home.",
            "Online-only government forms leave elderly people behind.",
            "Give laptops and computer lessons to households that cannot afford them.",
            "High-speed fibre should reach every hamlet, not just the cities.",
        ],
    },
}


def contributions(first_id: int = 1) -> list[tuple[int, str, str, str]]:
    """``(id, text, language, theme)``, themes and languages interleaved so order gives no hint."""
    rows = [
        (theme, language, text)
        for theme, by_language in THEMES.items()
        for language, texts in by_language.items()
        for text in texts
    ]
    rows = rows[0::3] + rows[1::3] + rows[2::3]
    return [(first_id + i, text, language, theme) for i, (theme, language, text) in enumerate(rows)]


def purity(groups: Iterable[Iterable[int]], truth: dict[int, str]) -> float:
    """Share of grouped contributions that belong to the majority theme of their group."""
    groups = [list(group) for group in groups if group]
    total = sum(len(group) for group in groups)
    if not total:
        return 0.0
    return sum(Counter(truth[i] for i in group).most_common(1)[0][1] for group in groups) / total


def coverage(groups: Iterable[Iterable[int]], all_ids: Iterable[int]) -> float:
    """Share of the contributions that some group holds."""
    everyone = set(all_ids)
    held = {i for group in groups for i in group} & everyone
    return len(held) / len(everyone) if everyone else 0.0
