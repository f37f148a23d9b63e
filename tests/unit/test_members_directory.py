"""The directory: organisations and people added, edited, deactivated, searched; consent rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.pseudonyms import (
    ERASED_NAME,
    MentionFinder,
    PersonName,
    Pseudonymiser,
    erase_mentions,
    fold,
)
from alliance_desktop.services import members, privacy
from alliance_desktop.services.members import OrganisationFields, PersonFields
from alliance_desktop.storage.database import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "alliance.sqlite3")
    yield database
    database.close()


def test_organisations_add_edit_deactivate_and_filter(db: Database) -> None:
    metro = members.add_organisation(
        db,
        OrganisationFields(
            "Clermont Auvergne Métropole",
            "Métropole",
            e.OrganisationKind.PUBLIC_AUTHORITY,
            True,
            dt.date(2024, 2, 6),
            "Standard 04 73 98 34 00",
        ),
    ).organisations[0]
    members.add_organisation(db, OrganisationFields("LPO", kind=e.OrganisationKind.ASSOCIATION))
    members.add_organisation(db, OrganisationFields("GRDF", kind=e.OrganisationKind.COMPANY))
    with pytest.raises(KnownError, match="existe déjà"):
        members.add_organisation(db, OrganisationFields("  lpo "))
    with pytest.raises(KnownError):
        members.add_organisation(db, OrganisationFields("   "))
    assert [o.name for o in members.list_organisations(db, query="metropole")] == [metro.name]
    assert [o.name for o in members.list_organisations(db, query="associat")] == ["LPO"]
    assert [o.name for o in members.list_organisations(db, members_only=True)] == [metro.name]
    assert [o.name for o in members.list_organisations(db, kind=e.OrganisationKind.COMPANY)] == [
        "GRDF"
    ]
    changed = members.update_organisation(
        db,
        metro.id,
        OrganisationFields("Clermont Auvergne Métropole", kind=e.OrganisationKind.OTHER),
    ).organisations[0]
    assert changed.kind is e.OrganisationKind.OTHER and changed.short_name is None
    members.set_organisation_active(db, metro.id, False)
    names = [o.name for o in members.list_organisations(db, include_inactive=False)]
    assert names == ["GRDF", "LPO"]
    assert not members.get_organisation(db, metro.id).active


def test_people_add_edit_deactivate_search(db: Database) -> None:
    lpo = members.add_organisation(db, OrganisationFields("LPO")).organisations[0]
    a = members.add_person(
        db,
        PersonFields(
            " Hélène ", "Martin", lpo.id, "Chargée  de mission", "H.Martin@Exemple.org ", "06 01"
        ),
    ).people[0]
    assert (a.first_name, a.function, a.email, a.phone) == (
        "Hélène",
        "Chargée de mission",
        "h.martin@exemple.org",
        "06 01",
    )
    members.add_person(db, PersonFields("Paul", "Durand"))
    with pytest.raises(KnownError, match="Adresse"):
        members.add_person(db, PersonFields("X", "Y", email="pas une adresse"))
    with pytest.raises(KnownError, match="Téléphone"):
        members.add_person(db, PersonFields("X", "Y", phone="appeler"))
    with pytest.raises(KnownError, match="nom"):
        members.add_person(db, PersonFields("  ", ""))
    assert [p.last_name for p in members.list_people(db, query="HELENE lpo")] == ["Martin"]
    assert [p.last_name for p in members.list_people(db, query="exemple.org")] == ["Martin"]
    assert [p.last_name for p in members.list_people(db, organisation_id=lpo.id)] == ["Martin"]
    members.set_person_active(db, a.id, False)
    assert [p.last_name for p in members.list_people(db, include_inactive=False)] == ["Durand"]
    assert [p.id for p in members.find_people(db, "h.martin@EXEMPLE.org")] == [a.id]
    assert [p.id for p in members.find_people(db, "helene martin")] == [a.id]
    assert [p.id for p in members.find_people(db, a.id.hex)] == [a.id]
    assert members.find_people(db, "martine") == []


def test_consent_defaults_to_no_and_changes_are_audited(db: Database) -> None:
    p = members.add_person(db, PersonFields("Camille", "Exemple")).people[0]
    assert not p.consent_named and not p.consent_photo
    changed = members.set_consent(db, p.id, named=True).people[0]
    assert changed.consent_named and not changed.consent_photo
    members.set_consent(db, p.id, named=True)  # no change: nothing audited
    entries = privacy.audit_log(db)
    assert [(a.action, a.detail) for a in entries] == [("consent", "consent_named")]
    fields = PersonFields("Camille", "Exemple", email="c@exemple.org", consent_named=True)
    members.update_person(db, p.id, fields)
    assert privacy.audit_log(db)[0].action == "rectify"
    assert privacy.audit_log(db)[0].detail == "email"


def test_merging_consent_keeps_the_safer_answer(db: Database) -> None:
    a = members.add_person(db, PersonFields("Camille", "Exemple", consent_named=True)).people[0]
    b = members.add_person(
        db, PersonFields("Camille", "Exemple", consent_named=False, consent_photo=True)
    ).people[0]
    kept = members.merge_people(db, a.id, b.id).people[0]
    assert not kept.consent_named and not kept.consent_photo
    with pytest.raises(KnownError):
        members.merge_people(db, a.id, a.id)


# -- finding names in texts, pseudonyms ----------------------------------------------------


def test_mentions_ignore_case_and_accents_but_not_ordinary_words() -> None:
    finder = MentionFinder(
        [PersonName(1, "Hélène", "Blanc", ("h.blanc@exemple.org",)), PersonName(2, "Li", "Ba")]
    )
    assert erase_mentions("HELENE BLANC a parlé", finder) == f"{ERASED_NAME} a parlé"
    assert erase_mentions("un mur blanc, M. Blanc", finder) == f"un mur blanc, M. {ERASED_NAME}"
    assert erase_mentions("écrire à H.Blanc@exemple.org.", finder).endswith("[adresse effacée].")
    # A name too short to be found alone is still found in full.
    assert erase_mentions("Ba et Li Ba", finder) == f"Ba et {ERASED_NAME}"
    assert not finder.mentions("Blancheur du mur")


def test_a_name_inside_a_hyphenated_word_is_someone_or_something_else() -> None:
    finder = MentionFinder([PersonName(1, "Jean", "Petit")])
    bird = "Oiseaux : Petit-duc scops, Moineau friquet."
    assert erase_mentions(bird, finder) == bird
    others = "Jean Petit-Martin et Marie Grand-Petit"
    assert erase_mentions(others, finder) == others
    assert erase_mentions("M. Petit et Jean Petit.", finder) == (
        f"M. {ERASED_NAME} et {ERASED_NAME}."
    )


def test_pseudonymiser_numbers_people_in_order() -> None:
    people = [PersonName("a", "Camille", "Exemple"), PersonName("b", "Dominique", "Fictif")]
    p = Pseudonymiser(people)
    assert (p.name("a"), p.name("b")) == ("Participant·e 1", "Participant·e 2")
    assert p.text("Dominique Fictif répond à Camille EXEMPLE") == (
        "Participant·e 2 répond à Participant·e 1"
    )
    assert Pseudonymiser(people, "en").name("b") == "Participant 2"


@given(st.text(max_size=60))
def test_erasing_mentions_never_fails_and_removes_the_name(noise: str) -> None:
    finder = MentionFinder([PersonName(1, "Zoé", "Quéméner")])
    out = erase_mentions(f"{noise} Zoé Quéméner {noise}", finder)
    assert "quemener" not in fold(out).replace(fold(noise), "")
