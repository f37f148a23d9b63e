"""Every value of the vocabulary has its own French and English label."""

from enum import StrEnum

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.core.labels import label

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
