"""Content of the demo panel session (panel 1.3.2, UCLG LESD Committee, 31 May 2021).

Taken from the seed document ``000_b7685ce45132b5f9.txt`` (the session sheet of panel 1.3.2,
"Mécanismes de diversification productive et nouveaux modèles productifs pour une réactivation
durable et cohérente"). French is the original language of the sheet and is kept as the seed gives
it, only rejoining a sentence that a page break had split; the English and Spanish texts are
translations of it. Every per-language text is a dict mapping a language code to the text;
texts of several paragraphs separate them with a blank line.
"""

DEMO_CODE: str = "uclg-1-3-2"
DEMO_LANGUAGES: tuple[str, ...] = ("fr", "en", "es")  # French first: it is the original
DEMO_ORIGINAL_LANGUAGE: str = "fr"
DEMO_DATE: str = "2021-05-31"  # ISO date
DEMO_START_TIME: str = "08:00"  # local time of the organisers, UTC-3
DEMO_END_TIME: str = "09:30"
DEMO_TIMEZONE: str = "UTC-3"

DEMO_PLATFORM: dict[str, str] = {
    "fr": "Streaming",
    "en": "Streaming",
    "es": "Streaming",
}

DEMO_TITLE: dict[str, str] = {
    "fr": (
        "Mécanismes de diversification productive et nouveaux modèles productifs pour une réactivation "
        "durable et cohérente."
    ),
    "en": (
        "Mechanisms for productive diversification and new production models for a sustainable and "
        "coherent recovery."
    ),
    "es": (
        "Mecanismos de diversificación productiva y nuevos modelos productivos para una reactivación "
        "sostenible y coherente."
    ),
}

DEMO_DETAILS: dict[str, dict[str, str]] = {
    "panel": {
        "fr": "Panel 1.3.2",
        "en": "Panel 1.3.2",
        "es": "Panel 1.3.2",
    },
    "thematic_line": {
        "fr": (
            "Ligne thématique 1 : Le territoire comme base de l'innovation et de la réactivation "
            "économique, sociale et environnementale."
        ),
        "en": (
            "Thematic line 1: The territory as a basis for innovation and for economic, social and "
            "environmental recovery."
        ),
        "es": (
            "Línea temática 1: El territorio como base de la innovación y de la reactivación "
            "económica, social y ambiental."
        ),
    },
    "sub_axis": {
        "fr": (
            "Sous-axe 1.3: Initiative privée et coresponsabilité dans la construction de territoires cohésifs"
        ),
        "en": "Sub-axis 1.3: Private initiative and co-responsibility in building cohesive territories",
        "es": (
            "Subeje 1.3: Iniciativa privada y corresponsabilidad en la construcción de territorios "
            "cohesionados"
        ),
    },
    "organisers": {
        "fr": "Comité LESD CGLU",
        "en": "UCLG LESD Committee",
        "es": "Comisión LESD de CGLU",
    },
    "schedule": {
        "fr": "31/05/21, 8:00 - 09:30 (UTC-3) / 13:00 - 14:30 (UTC+2)",
        "en": "31/05/21, 8:00 - 09:30 (UTC-3) / 13:00 - 14:30 (UTC+2)",
        "es": "31/05/21, 8:00 - 09:30 (UTC-3) / 13:00 - 14:30 (UTC+2)",
    },
    "capacity": {
        "fr": "Aucune limite",
        "en": "No limit",
        "es": "Sin límite",
    },
    "registration": {
        "fr": "Inscription obligatoire",
        "en": "Registration required",
        "es": "Inscripción obligatoria",
    },
}

DEMO_SUMMARY: dict[str, str] = {
    "fr": (
        "Les stratégies de réactivation d'une croissance productive durable sur le plan social, "
        "économique et environnemental nécessitent une approche territoriale intégrée, en particulier "
        "dans un contexte de crise civilisationnelle grave. Les ressources endogènes disponibles sur "
        "le territoire et les capacités installées constituent le potentiel pour générer des "
        "dynamiques d'innovation sociale.\n\n"
        "Dans le contexte actuel de crise sanitaire et de santé, il est essentiel de défendre la vie "
        "et de promouvoir des modèles alternatifs qui tiennent compte de l'importante dimension "
        "sociale et éthique de toutes les activités économiques et sociales. Les besoins des personnes "
        "et des communautés doivent être satisfaits et doivent primer sur l'objectif de profit ou de "
        "gain financier."
    ),
    "en": (
        "Strategies to revive socially, economically and environmentally sustainable productive growth "
        "require an integrated territorial approach, particularly in a context of severe "
        "civilisational crisis. The endogenous resources available in the territory and its installed "
        "capacities provide the potential to generate dynamics of social innovation.\n\n"
        "In the current context of the health crisis, it is essential to defend life and to promote "
        "alternative models that take into account the important social and ethical dimension of all "
        "economic and social activities. The needs of people and communities must be met and must take "
        "precedence over the pursuit of profit or financial gain."
    ),
    "es": (
        "Las estrategias de reactivación de un crecimiento productivo sostenible en lo social, lo "
        "económico y lo ambiental requieren un enfoque territorial integrado, en particular en un "
        "contexto de grave crisis civilizatoria. Los recursos endógenos disponibles en el territorio y "
        "las capacidades instaladas constituyen el potencial para generar dinámicas de innovación "
        "social.\n\n"
        "En el contexto actual de crisis sanitaria, es fundamental defender la vida y promover modelos "
        "alternativos que tengan en cuenta la importante dimensión social y ética de todas las "
        "actividades económicas y sociales. Las necesidades de las personas y de las comunidades deben "
        "satisfacerse y deben primar sobre el objetivo de lucro o de ganancia financiera."
    ),
}

DEMO_DESCRIPTION: dict[str, str] = {
    "fr": (
        "1. Conceptualisation de la session\n\n"
        "Face à la pandémie de Covid 19 qui aggrave la crise civilisationnelle actuelle (économique, "
        "sociale, politique, éthique et écologique), il est urgent de rechercher des solutions "
        "globales et durables. Dans cette perspective, l'impératif est de défendre la vie de manière "
        "intégrale et, pour cela, nous devons construire et promouvoir l'économie sociale et "
        "solidaire, en incorporant la dimension sociale et éthique dans toutes les activités "
        "économiques et sociales. Cela consiste à produire, échanger et consommer des biens et des "
        "services qui correspondent aux besoins économiques et sociaux de la communauté locale et "
        "internationale, en établissant des relations harmonieuses entre les êtres humains et la "
        "nature. Il s'agit de satisfaire les besoins des personnes et des communautés avant la "
        "recherche du profit ou du gain financier. Les unités économiques solidaires sont fondées sur "
        "un modèle de prise de décision démocratique et un système de gestion participatif et "
        "transparent.\n\n"
        "Par conséquent, l'approche du développement territorial à assumer doit être globale "
        "(économique, sociale, politique, culturelle et environnementale), durable (autogérée et "
        "respectueuse de la nature, récupérant les connaissances et les pratiques de collaboration qui "
        "persistent dans les communautés) et solidaire (développant des relations fraternelles et "
        "promouvant la protection sociale). Ces enjeux constituent un défi théorique et pratique "
        "permanent pour les expériences concrètes qui accompagnent les organisations de l'économie "
        "solidaire et de la protection sociale, ainsi que les différentes organisations sociales et "
        "entités publiques, dans la réalité concrète de chaque pays.\n\n"
        "Les stratégies de réactivation d'une croissance productive durable sur le plan social, "
        "économique et environnemental nécessitent une approche territoriale intégrée, en particulier "
        "dans un contexte de crise sanitaire et économique grave. Ces stratégies de réactivation "
        "dépendent, dans une large mesure, des ressources endogènes disponibles sur le territoire et "
        "des capacités installées, dont découle leur potentiel à générer des dynamiques d'innovation "
        "sociale.\n\n"
        "Les processus généralisés de décentralisation et l'attitude proactive de nombreux acteurs "
        "infranationaux, dans un contexte de crise sanitaire grave ayant un impact significatif sur la "
        "croissance et l'emploi, augmentent la présence et l'incidence politique des gouvernements "
        "locaux et régionaux tant dans le contexte national que dans l'arène internationale, où de "
        "nombreuses expériences locales sont partagées dans des espaces de réflexion et de dialogue. "
        "Les villes et les territoires acquièrent ainsi une plus grande importance sur la scène "
        "mondiale tout en promouvant des initiatives socio-économiques et productives à l'échelle "
        "locale ayant un grand impact.\n\n"
        "Parmi les initiatives ayant la plus grande composante et le plus grand impact local, se "
        "distinguent celles qui favorisent l'économie sociale et solidaire, l'économie circulaire, "
        "l'économie orange, le commerce de proximité, le commerce équitable, entre autres, qui "
        "complètent les ressources endogènes et permettent un haut degré de spécialisation et de "
        "diversification de l'activité économique des territoires.\n\n"
        "Certains éléments proposés pour la réactivation économique et sociale reposent sur des "
        "principes de base de participation, de coresponsabilité et de stratégie partagée qui évoluent "
        "d'une planification selon des critères fondamentalement économiques basés sur "
        "l'identification de projets spécifiques, de nature tangible et avec une approche sectorielle "
        "vers une nouvelle vision basée sur le développement humain, des modèles de gouvernance "
        "multi-acteurs et donnant la priorité aux processus immatériels (réseaux, recherche, "
        "connaissance, participation, gouvernance).\n\n"
        "Cette stratégie d'innovation sociale oriente la politique économique, mobilise et exploite "
        "les atouts et les possibilités de spécialisation, ainsi que le potentiel d'excellence du "
        "territoire, et implique les agents du système de recherche et d'innovation et la société dans "
        "son ensemble à partir d'approches intégrées. En bref, elle fait de l'innovation le principal "
        "moteur du changement structurel de l'économie du territoire.\n\n"
        "Le besoin de réactivation économique et sociale, dans le contexte actuel de pandémie, "
        "pourrait avoir dans la spécialisation intelligente certains avantages qui partent des "
        "capacités endogènes à partir d'une vision globale, et qui incorpore les activités "
        "traditionnelles et émergentes, dans le but de dynamiser et réactiver le développement "
        "territorial.\n\n"
        "2. Objectifs\n\n"
        "L'objectif de cette session est d'approfondir la perspective de la construction de relations "
        "de collaboration entre les acteurs sociaux, économiques et politiques, qui permettent la "
        "construction de marchés locaux durables et contribuent au développement harmonieux entre la "
        "campagne et la ville des territoires.\n\n"
        "La discussion favorisera l'échange et l'articulation des expériences et des propositions "
        "locales, dans la recherche de la génération de synergies nationales et internationales.\n\n"
        "En outre, ce panel permettra d'échanger des expériences et des réflexions sur les pratiques "
        "concrètes de défense contre la pandémie de Covid 19 et la mise en œuvre de modèles intégraux "
        "et durables d'organisations et de territoires."
    ),
    "en": (
        "1. Conceptualisation of the session\n\n"
        "Faced with the COVID-19 pandemic, which is aggravating the current civilisational crisis "
        "(economic, social, political, ethical and ecological), there is an urgent need to seek "
        "comprehensive and sustainable solutions. From this perspective, the imperative is to defend "
        "life in an integral manner and, to this end, we must build and promote the social and "
        "solidarity economy, incorporating the social and ethical dimension into all economic and "
        "social activities. This means producing, exchanging and consuming goods and services that "
        "meet the economic and social needs of the local and international community, while "
        "establishing harmonious relationships between human beings and nature. The aim is to meet the "
        "needs of people and communities before seeking profit or financial gain. Solidarity-based "
        "economic units are founded on a democratic decision-making model and a participatory and "
        "transparent management system.\n\n"
        "Consequently, the approach to territorial development to be adopted must be comprehensive "
        "(economic, social, political, cultural and environmental), sustainable (self-managed and "
        "respectful of nature, recovering the knowledge and collaborative practices that persist in "
        "communities) and solidarity-based (developing fraternal relationships and promoting social "
        "protection). These issues pose an ongoing theoretical and practical challenge for the "
        "concrete experiences that accompany solidarity economy and social protection organisations, "
        "as well as the various social organisations and public bodies, in the specific reality of "
        "each country.\n\n"
        "Strategies to revive socially, economically and environmentally sustainable productive growth "
        "require an integrated territorial approach, particularly in a context of severe health and "
        "economic crisis. These recovery strategies depend to a large extent on the endogenous "
        "resources available in the territory and on its installed capacities, from which their "
        "potential to generate dynamics of social innovation derives.\n\n"
        "Widespread decentralisation processes and the proactive stance of many subnational actors, in "
        "a context of severe health crisis with a significant impact on growth and employment, are "
        "increasing the presence and political influence of local and regional governments both at "
        "national level and in the international arena, where many local experiences are shared in "
        "spaces for reflection and dialogue. Cities and territories are thus gaining greater "
        "importance on the global stage while promoting high-impact socio-economic and productive "
        "initiatives at the local level.\n\n"
        "Among the initiatives with the strongest local component and the greatest local impact, those "
        "that foster the social and solidarity economy, the circular economy, the orange economy, "
        "local commerce and fair trade, among others, stand out: they complement endogenous resources "
        "and enable a high degree of specialisation and diversification of the territories' economic "
        "activity.\n\n"
        "Some of the elements proposed for economic and social recovery rest on basic principles of "
        "participation, co-responsibility and shared strategy, which are moving away from planning "
        "based on essentially economic criteria, centred on identifying specific, tangible projects "
        "with a sectoral approach, towards a new vision based on human development and "
        "multi-stakeholder governance models, one that prioritises intangible processes (networks, "
        "research, knowledge, participation, governance).\n\n"
        "This social innovation strategy guides economic policy, mobilises and harnesses the "
        "territory's assets and opportunities for specialisation, as well as its potential for "
        "excellence, and involves the actors of the research and innovation system and society as a "
        "whole through integrated approaches. In short, it makes innovation the main driver of "
        "structural change in the territory's economy.\n\n"
        "In the current pandemic context, the need for economic and social recovery could find certain "
        "advantages in smart specialisation, which builds on endogenous capacities from a "
        "comprehensive perspective and incorporates traditional and emerging activities, with the aim "
        "of energising and reviving territorial development.\n\n"
        "2. Objectives\n\n"
        "The aim of this session is to explore in greater depth the prospect of building collaborative "
        "relationships between social, economic and political actors that enable the construction of "
        "sustainable local markets and contribute to harmonious development between the countryside "
        "and the city in territories.\n\n"
        "The discussion will foster the exchange and linking of local experiences and proposals, with "
        "a view to generating national and international synergies.\n\n"
        "In addition, this panel will provide an opportunity to exchange experiences and reflections "
        "on concrete practices for protection against the COVID-19 pandemic and on the implementation "
        "of comprehensive and sustainable models for organisations and territories."
    ),
    "es": (
        "1. Conceptualización de la sesión\n\n"
        "Ante la pandemia de COVID-19, que agrava la actual crisis civilizatoria (económica, social, "
        "política, ética y ecológica), es urgente buscar soluciones globales y sostenibles. Desde esta "
        "perspectiva, el imperativo es defender la vida de manera integral y, para ello, debemos "
        "construir y promover la economía social y solidaria, incorporando la dimensión social y ética "
        "en todas las actividades económicas y sociales. Esto consiste en producir, intercambiar y "
        "consumir bienes y servicios que respondan a las necesidades económicas y sociales de la "
        "comunidad local e internacional, estableciendo relaciones armoniosas entre los seres humanos "
        "y la naturaleza. Se trata de satisfacer las necesidades de las personas y de las comunidades "
        "antes que buscar el lucro o la ganancia financiera. Las unidades económicas solidarias se "
        "basan en un modelo de toma de decisiones democrático y en un sistema de gestión participativo "
        "y transparente.\n\n"
        "Por consiguiente, el enfoque de desarrollo territorial que se adopte debe ser integral "
        "(económico, social, político, cultural y ambiental), sostenible (autogestionado y respetuoso "
        "con la naturaleza, que recupere los saberes y las prácticas de colaboración que persisten en "
        "las comunidades) y solidario (que desarrolle relaciones fraternas y promueva la protección "
        "social). Estas cuestiones constituyen un desafío teórico y práctico permanente para las "
        "experiencias concretas que acompañan a las organizaciones de la economía solidaria y de la "
        "protección social, así como a las distintas organizaciones sociales y entidades públicas, en "
        "la realidad concreta de cada país.\n\n"
        "Las estrategias de reactivación de un crecimiento productivo sostenible en lo social, lo "
        "económico y lo ambiental requieren un enfoque territorial integrado, en particular en un "
        "contexto de grave crisis sanitaria y económica. Estas estrategias de reactivación dependen, "
        "en gran medida, de los recursos endógenos disponibles en el territorio y de las capacidades "
        "instaladas, de los que se deriva su potencial para generar dinámicas de innovación social.\n\n"
        "Los procesos generalizados de descentralización y la actitud proactiva de numerosos actores "
        "subnacionales, en un contexto de grave crisis sanitaria con un impacto significativo en el "
        "crecimiento y el empleo, aumentan la presencia y la incidencia política de los gobiernos "
        "locales y regionales tanto en el ámbito nacional como en la arena internacional, donde se "
        "comparten numerosas experiencias locales en espacios de reflexión y diálogo. Las ciudades y "
        "los territorios adquieren así una mayor relevancia en el escenario mundial, al tiempo que "
        "impulsan iniciativas socioeconómicas y productivas de gran impacto a escala local.\n\n"
        "Entre las iniciativas con mayor componente e impacto local destacan las que impulsan la "
        "economía social y solidaria, la economía circular, la economía naranja, el comercio de "
        "proximidad y el comercio justo, entre otras, que complementan los recursos endógenos y "
        "permiten un alto grado de especialización y diversificación de la actividad económica de los "
        "territorios.\n\n"
        "Algunos de los elementos propuestos para la reactivación económica y social se basan en "
        "principios básicos de participación, corresponsabilidad y estrategia compartida, que "
        "evolucionan desde una planificación según criterios fundamentalmente económicos, basada en la "
        "identificación de proyectos específicos, de carácter tangible y con un enfoque sectorial, "
        "hacia una nueva visión basada en el desarrollo humano y en modelos de gobernanza multiactor, "
        "que prioriza los procesos intangibles (redes, investigación, conocimiento, participación, "
        "gobernanza).\n\n"
        "Esta estrategia de innovación social orienta la política económica, moviliza y aprovecha las "
        "fortalezas y las posibilidades de especialización, así como el potencial de excelencia del "
        "territorio, e implica a los agentes del sistema de investigación e innovación y a la sociedad "
        "en su conjunto a partir de enfoques integrados. En definitiva, convierte la innovación en el "
        "principal motor del cambio estructural de la economía del territorio.\n\n"
        "La necesidad de reactivación económica y social, en el contexto actual de pandemia, podría "
        "encontrar en la especialización inteligente algunas ventajas que parten de las capacidades "
        "endógenas desde una visión integral y que incorporan las actividades tradicionales y "
        "emergentes, con el fin de dinamizar y reactivar el desarrollo territorial.\n\n"
        "2. Objetivos\n\n"
        "El objetivo de esta sesión es profundizar en la perspectiva de la construcción de relaciones "
        "de colaboración entre los actores sociales, económicos y políticos que permitan construir "
        "mercados locales sostenibles y contribuyan al desarrollo armónico entre el campo y la ciudad "
        "en los territorios.\n\n"
        "El debate favorecerá el intercambio y la articulación de las experiencias y propuestas "
        "locales, en busca de generar sinergias nacionales e internacionales.\n\n"
        "Además, este panel permitirá intercambiar experiencias y reflexiones sobre las prácticas "
        "concretas de defensa frente a la pandemia de COVID-19 y sobre la puesta en marcha de modelos "
        "integrales y sostenibles de organizaciones y territorios."
    ),
}

DEMO_QUESTIONS: list[dict[str, str]] = [
    {
        "fr": (
            "Comment sont financés le transfert de modèles et le renforcement des capacités "
            "nécessaires à la transformation des processus productifs ?"
        ),
        "en": (
            "How are the transfer of models and the capacity-building needed to transform production "
            "processes financed?"
        ),
        "es": (
            "¿Cómo se financian la transferencia de modelos y el fortalecimiento de las capacidades "
            "necesarias para la transformación de los procesos productivos?"
        ),
    },
    {
        "fr": (
            "Quels mécanismes et incitations peuvent être orientés vers la promotion d'une activité "
            "productive durable liée à des plans de spécialisation et de diversification ?"
        ),
        "en": (
            "What mechanisms and incentives can be geared towards promoting sustainable productive "
            "activity linked to specialisation and diversification plans?"
        ),
        "es": (
            "¿Qué mecanismos e incentivos pueden orientarse a la promoción de una actividad productiva "
            "sostenible vinculada a planes de especialización y diversificación?"
        ),
    },
    {
        "fr": (
            "Compte tenu de la nécessité d'une réactivation économique et sociale, quels facteurs "
            "peuvent contribuer à promouvoir les processus de spécialisation intelligente et de "
            "diversification économique ?"
        ),
        "en": (
            "Given the need for economic and social recovery, what factors can help to promote smart "
            "specialisation and economic diversification processes?"
        ),
        "es": (
            "Dada la necesidad de una reactivación económica y social, ¿qué factores pueden contribuir "
            "a impulsar los procesos de especialización inteligente y de diversificación económica?"
        ),
    },
    {
        "fr": (
            "Quelles mesures garantissent la résilience et une redistribution adéquate en période de "
            "croissance ?"
        ),
        "en": "What measures ensure resilience and adequate redistribution in times of growth?",
        "es": (
            "¿Qué medidas garantizan la resiliencia y una redistribución adecuada en periodos de crecimiento?"
        ),
    },
    {
        "fr": (
            "Comment créer des alliances pour l'innovation sociale ? Quels acteurs devraient "
            "participer au processus et avec quels instruments de gouvernance ?"
        ),
        "en": (
            "How can alliances for social innovation be created? Which actors should take part in the "
            "process, and with what governance instruments?"
        ),
        "es": (
            "¿Cómo crear alianzas para la innovación social? ¿Qué actores deberían participar en el "
            "proceso y con qué instrumentos de gobernanza?"
        ),
    },
]
