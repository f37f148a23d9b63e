"""The Alliance's vocabulary as enumerations; values are the codes stored on disk."""

from enum import StrEnum


class Theme(StrEnum):
    """The seven themes of the Alliance, in the order the Alliance lists them."""

    GES = "ges"
    EAU = "eau"
    AIR = "air"
    ADAPTATION = "adaptation"
    BIODIVERSITE = "biodiversite"
    ARTIFICIALISATION = "artificialisation"
    SOLIDAIRE = "solidaire"


class Stage(StrEnum):
    """The three stages a theme goes through, one workshop each."""

    ACCULTURATION = "acculturation"
    OBJECTIVES = "objectives"
    LEVERS = "levers"


class SessionKind(StrEnum):
    """What sort of meeting a session is."""

    WORKSHOP = "workshop"
    LAUNCH = "launch"
    RENCONTRES = "rencontres"


class SessionStatus(StrEnum):
    """Where a session stands in its life."""

    PLANNED = "planned"
    RUNNING = "running"
    CLOSED = "closed"


class Role(StrEnum):
    """The role a person holds at one session."""

    MEMBER = "member"
    EXPERT = "expert"
    FACILITATOR = "facilitator"
    GRAPHIC_FACILITATOR = "graphic_facilitator"
    ELECTED = "elected"
    STAFF = "staff"
    RESIDENT = "resident"
    NEWCOMER = "newcomer"


class AttendanceStatus(StrEnum):
    """Whether an invited person came."""

    INVITED = "invited"
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class ParticipationMode(StrEnum):
    """On what time a person attends: the Alliance's two modes of participation."""

    VOLUNTEER = "volunteer"
    PROFESSIONAL = "professional"


class ContributorRole(StrEnum):
    """Who brings something to a session besides the participants."""

    SPEAKER = "speaker"
    CO_FACILITATOR = "co_facilitator"
    GRAPHIC_FACILITATOR = "graphic_facilitator"


class PointKind(StrEnum):
    """The three columns of the board."""

    CONSENSUS = "consensus"
    DISSENT = "dissent"
    OPEN_QUESTION = "open_question"


class FollowUp(StrEnum):
    """Follow-up of an active-listening note."""

    OPEN = "open"
    ANSWERED = "answered"
    CARRIED_OVER = "carried_over"


class OrganisationKind(StrEnum):
    """Kinds of organisation, for counts by kind."""

    PUBLIC_AUTHORITY = "public_authority"
    PUBLIC_SERVICE = "public_service"
    COMPANY = "company"
    ASSOCIATION = "association"
    EDUCATION = "education"
    RESEARCH = "research"
    OTHER = "other"


class ObjectiveKind(StrEnum):
    """The three shapes an objective takes in the Alliance's report."""

    TARGET = "target"  # an absolute value reached by a horizon year
    CHANGE = "change"  # a change in percent against a baseline year
    DIRECTION = "direction"  # a direction only


class Direction(StrEnum):
    """The direction an indicator should follow."""

    UP = "up"
    DOWN = "down"
    DOWN_OR_STABLE = "down_or_stable"
    STABLE = "stable"


class HarvestColumn(StrEnum):
    """The three columns of a harvest table at the Rencontres."""

    WHAT_IS_MISSING = "what_is_missing"
    WHO_IS_MISSING = "who_is_missing"
    PARTNER_ACTIONS = "partner_actions"


class AttachmentKind(StrEnum):
    """What an attached file is."""

    BOARD_PHOTO = "board_photo"
    OTHER = "other"
