"""Every value of the vocabulary has its own French and English label."""

from enum import StrEnum

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.core.labels import counted, enumeration, label, plural

ENUMS: list[type[StrEnum]] = [
    obj
    for obj in vars(e).values()
    if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
]


@pytest.mark.parametrize("cls", ENUMS, ids=lambda c: c.__name__)
def test_each_member_labelled_in_both_languages(cls: type[StrEnum]) -> None:
    for member in cls:
        assert label(member, "fr")
        assert label(member, "en")
    # Within one enumeration, no two members read the same to the user.
    assert len({label(m, "fr") for m in cls}) == len(cls)


def test_members_sharing_a_value_keep_their_own_label() -> None:
    assert e.Role.GRAPHIC_FACILITATOR.value == e.ContributorRole.GRAPHIC_FACILITATOR.value
    assert label(e.Role.GRAPHIC_FACILITATOR, "fr") != label(
        e.ContributorRole.GRAPHIC_FACILITATOR, "fr"
    )
    assert label(e.OrganisationKind.OTHER, "fr") == "autre"
    assert label(e.AttachmentKind.OTHER, "fr") == "Pièce jointe"


def test_counted_labels_take_the_plural() -> None:
    nb = "\u00a0"
    assert counted(e.Role.MEMBER, 4, "fr") == f"4{nb}membres"
    assert counted(e.Role.MEMBER, 1, "fr") == f"1{nb}membre"
    assert counted(e.Role.RESIDENT, 24, "fr") == f"24{nb}habitant·es"
    assert counted(e.Role.NEWCOMER, 1, "fr") == f"1{nb}nouveau participant"
    assert counted(e.Role.NEWCOMER, 3, "fr") == f"3{nb}nouveaux participants"
    assert counted(e.AttendanceStatus.EXCUSED, 0, "fr") == f"0{nb}excusé·e"  # French: 0 is singular
    assert counted(e.Role.MEMBER, 0, "en") == f"0{nb}members"
    assert counted(e.Role.RESIDENT, 1, "en") == f"1{nb}resident"
    assert counted(e.Role.STAFF, 2, "en") == f"2{nb}municipal staff"
    # A value without a plural of its own keeps its label.
    assert counted(e.OrganisationKind.OTHER, 2, "fr") == f"2{nb}autre"
    assert plural(2, ("note", "notes"), ("note", "notes"), "fr") == f"2{nb}notes"


def test_every_role_and_status_has_a_french_plural() -> None:
    for cls in (e.Role, e.AttendanceStatus):
        for member in cls:
            assert counted(member, 2, "fr") != f"2\u00a0{label(member, 'fr')}", member


def test_names_read_as_a_sentence() -> None:
    assert enumeration([], "fr") == ""
    assert enumeration(["CISCA"], "fr") == "CISCA"
    assert enumeration(["Métropole", "CISCA"], "fr") == "Métropole et CISCA"
    assert enumeration(["Métropole", "Ville", "CISCA"], "fr") == "Métropole, Ville et CISCA"
    assert enumeration(["Métropole", "Ville", "CISCA"], "en") == "Métropole, Ville and CISCA"
