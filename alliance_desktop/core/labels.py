"""Human labels of the vocabulary, in French and English."""

from collections.abc import Sequence
from enum import StrEnum

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import language

# (French, English); French is what the Alliance writes in its own documents.
_PAIRS: tuple[tuple[StrEnum, tuple[str, str]], ...] = (
    (
        e.Theme.GES,
        (
            "Réduire les émissions de gaz à effet de serre",
            "Reduce greenhouse gas emissions",
        ),
    ),
    (e.Theme.EAU, ("Réduire les consommations d'eau", "Reduce water consumption")),
    (
        e.Theme.AIR,
        (
            "Réduire les émissions de polluants atmosphériques",
            "Reduce air pollutant emissions",
        ),
    ),
    (
        e.Theme.ADAPTATION,
        (
            "Réduire les vulnérabilités du territoire au changement climatique et s'adapter",
            "Reduce the territory's vulnerability to climate change and adapt",
        ),
    ),
    (e.Theme.BIODIVERSITE, ("Préserver la biodiversité", "Preserve biodiversity")),
    (
        e.Theme.ARTIFICIALISATION,
        (
            "Limiter l'artificialisation des espaces naturels ou agricoles "
            "et l'imperméabilisation des sols",
            "Limit the artificialisation of natural or farm land and soil sealing",
        ),
    ),
    (
        e.Theme.SOLIDAIRE,
        (
            "Inclure chacun et chacune dans une transition solidaire",
            "Include everyone in a fair transition",
        ),
    ),
    (e.Stage.ACCULTURATION, ("Acculturation", "Shared understanding")),
    (e.Stage.OBJECTIVES, ("Objectifs & indicateurs", "Objectives & indicators")),
    (e.Stage.LEVERS, ("Leviers d'action", "Action levers")),
    (e.SessionKind.WORKSHOP, ("Atelier", "Workshop")),
    (e.SessionKind.LAUNCH, ("Lancement", "Launch")),
    (e.SessionKind.RENCONTRES, ("Rencontres", "Open forum")),
    (e.SessionStatus.PLANNED, ("prévue", "planned")),
    (e.SessionStatus.RUNNING, ("en cours", "running")),
    (e.SessionStatus.CLOSED, ("close", "closed")),
    (e.Role.MEMBER, ("membre", "member")),
    (e.Role.EXPERT, ("intervenant·e", "speaker")),
    (e.Role.FACILITATOR, ("animateur·rice", "facilitator")),
    (e.Role.GRAPHIC_FACILITATOR, ("facilitateur·rice graphique", "graphic facilitator")),
    (e.Role.ELECTED, ("élu·e", "elected official")),
    (e.Role.STAFF, ("agent·e", "municipal staff")),
    (e.Role.RESIDENT, ("habitant·e", "resident")),
    (e.Role.NEWCOMER, ("nouveau participant", "new participant")),
    (e.AttendanceStatus.INVITED, ("invité·e", "invited")),
    (e.AttendanceStatus.PRESENT, ("présent·e", "present")),
    (e.AttendanceStatus.EXCUSED, ("excusé·e", "excused")),
    (e.AttendanceStatus.ABSENT, ("absent·e", "absent")),
    (e.ParticipationMode.VOLUNTEER, ("bénévole", "volunteer")),
    (e.ParticipationMode.PROFESSIONAL, ("temps professionnel", "work time")),
    (e.ContributorRole.SPEAKER, ("Intervenant", "Speaker")),
    (e.ContributorRole.CO_FACILITATOR, ("Co-animation", "Co-facilitation")),
    (e.ContributorRole.GRAPHIC_FACILITATOR, ("Facilitation graphique", "Graphic facilitation")),
    (e.PointKind.CONSENSUS, ("Consensus", "Consensus")),
    (e.PointKind.DISSENT, ("Dissensus", "Dissent")),
    (e.PointKind.OPEN_QUESTION, ("À éclaircir", "To clarify")),
    (e.FollowUp.OPEN, ("ouverte", "open")),
    (e.FollowUp.ANSWERED, ("répondue", "answered")),
    (e.FollowUp.CARRIED_OVER, ("reportée à la séance suivante", "carried to the next session")),
    (e.OrganisationKind.PUBLIC_AUTHORITY, ("collectivité", "public authority")),
    (e.OrganisationKind.PUBLIC_SERVICE, ("service public", "public service")),
    (e.OrganisationKind.COMPANY, ("entreprise", "company")),
    (e.OrganisationKind.ASSOCIATION, ("association", "association")),
    (e.OrganisationKind.EDUCATION, ("enseignement", "education")),
    (e.OrganisationKind.RESEARCH, ("recherche", "research")),
    (e.OrganisationKind.OTHER, ("autre", "other")),
    (e.ObjectiveKind.TARGET, ("valeur cible", "target value")),
    (e.ObjectiveKind.CHANGE, ("évolution par rapport à une année de référence", "change")),
    (e.ObjectiveKind.DIRECTION, ("tendance", "direction")),
    (e.Direction.UP, ("Hausse", "Increase")),
    (e.Direction.DOWN, ("Diminution", "Decrease")),
    (
        e.Direction.DOWN_OR_STABLE,
        ("Diminution ou au moins maintien", "Decrease or at least stable"),
    ),
    (e.Direction.STABLE, ("Maintien", "Stable")),
    (e.HarvestColumn.WHAT_IS_MISSING, ("Ce qui manque ?", "What is missing?")),
    (e.HarvestColumn.WHO_IS_MISSING, ("Ceux qui manquent ?", "Who is missing?")),
    (e.HarvestColumn.PARTNER_ACTIONS, ("Actions des partenaires", "Partners' actions")),
    (e.AttachmentKind.BOARD_PHOTO, ("Facilitation graphique", "Graphic facilitation board")),
    (e.AttachmentKind.OTHER, ("Pièce jointe", "Attachment")),
)

_SHORT_THEMES: dict[e.Theme, tuple[str, str]] = {
    e.Theme.GES: ("GES", "GHG"),
    e.Theme.EAU: ("Eau", "Water"),
    e.Theme.AIR: ("Air", "Air"),
    e.Theme.ADAPTATION: ("Adaptation", "Adaptation"),
    e.Theme.BIODIVERSITE: ("Biodiversité", "Biodiversity"),
    e.Theme.ARTIFICIALISATION: ("Artificialisation", "Land use"),
    e.Theme.SOLIDAIRE: ("Transition solidaire", "Fair transition"),
}


# Keyed by (class, value): members of different enumerations may share a value
# (Role.GRAPHIC_FACILITATOR and ContributorRole.GRAPHIC_FACILITATOR), and a StrEnum
# member hashes and compares as its plain string.
_LABELS: dict[tuple[type[StrEnum], str], tuple[str, str]] = {
    (type(member), member.value): words for member, words in _PAIRS
}


# Plural forms of the labels counted on screen (« 4 membres »), French then English.
_PLURALS: dict[tuple[type[StrEnum], str], tuple[str, str]] = {
    (type(member), member.value): words
    for member, words in (
        (e.Role.MEMBER, ("membres", "members")),
        (e.Role.EXPERT, ("intervenant·es", "speakers")),
        (e.Role.FACILITATOR, ("animateur·rices", "facilitators")),
        (e.Role.GRAPHIC_FACILITATOR, ("facilitateur·rices graphiques", "graphic facilitators")),
        (e.Role.ELECTED, ("élu·es", "elected officials")),
        (e.Role.STAFF, ("agent·es", "municipal staff")),
        (e.Role.RESIDENT, ("habitant·es", "residents")),
        (e.Role.NEWCOMER, ("nouveaux participants", "new participants")),
        (e.AttendanceStatus.INVITED, ("invité·es", "invited")),
        (e.AttendanceStatus.PRESENT, ("présent·es", "present")),
        (e.AttendanceStatus.EXCUSED, ("excusé·es", "excused")),
        (e.AttendanceStatus.ABSENT, ("absent·es", "absent")),
    )
}


def plural(n: int, fr: tuple[str, str], en: tuple[str, str], lang: str | None = None) -> str:
    """« 1 membre », « 4 membres »: ``n`` and the (singular, plural) words of the language.

    French keeps the singular for 0 and 1 (« 0 excusé »), English for 1 only. The number
    is tied to its word by a non-breaking space, so a wrapped line never splits them.
    """
    if (lang or language()) == "en":
        word = en[0] if n == 1 else en[1]
    else:
        word = fr[0] if n in (0, 1) else fr[1]
    return f"{n}\u00a0{word}"


def counted(value: StrEnum, n: int, lang: str | None = None) -> str:
    """``n`` and the label of ``value``, in the plural when needed (« 24 habitant·es »)."""
    key = (type(value), value.value)
    fr, en = _LABELS[key]
    fr_many, en_many = _PLURALS.get(key, (fr, en))
    return plural(n, (fr, fr_many), (en, en_many), lang)


def enumeration(items: Sequence[str], lang: str | None = None) -> str:
    """« A, B et C » in French, « A, B and C » in English: names read as a sentence."""
    if len(items) <= 1:
        return "".join(items)
    last = " and " if (lang or language()) == "en" else " et "
    return ", ".join(items[:-1]) + last + items[-1]


def label(value: StrEnum, lang: str | None = None) -> str:
    """The label of an enumeration value in ``lang`` (default: the current language)."""
    fr, en = _LABELS[(type(value), value.value)]
    return en if (lang or language()) == "en" else fr


def short_theme(theme: e.Theme, lang: str | None = None) -> str:
    """The short name of a theme, as used in lists and the sidebar."""
    fr, en = _SHORT_THEMES[theme]
    return en if (lang or language()) == "en" else fr
