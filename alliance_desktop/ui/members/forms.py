"""The forms of the directory: an organisation, a person (with their consent)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services.members import (
    OrganisationData,
    OrganisationFields,
    PersonData,
    PersonFields,
)

# QDateEdit has no empty state: its minimum date stands for « not given ».
_NO_DATE = QDate(1900, 1, 1)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class OrganisationDialog(QDialog):
    """Add or edit an organisation: name, short name, kind, membership, contact."""

    def __init__(self, parent: QWidget | None, current: OrganisationData | None = None) -> None:
        """A form filled with ``current`` (empty for a new organisation)."""
        super().__init__(parent)
        self.setObjectName("organisationDialog")
        self.setWindowTitle(
            t("Nouvelle organisation", "New organisation")
            if current is None
            else t("Modifier l'organisation", "Edit the organisation")
        )
        self.name = QLineEdit(self)
        self.name.setObjectName("organisationName")
        self.short_name = QLineEdit(self)
        self.kind = QComboBox(self)
        for k in e.OrganisationKind:
            self.kind.addItem(label(k), k)
        self.is_member = QCheckBox(t("Membre de l'Alliance", "Member of the Alliance"), self)
        self.member_since = QDateEdit(self)
        self.member_since.setDisplayFormat("dd/MM/yyyy")
        self.member_since.setCalendarPopup(True)
        self.member_since.setMinimumDate(_NO_DATE)
        self.member_since.setSpecialValueText(t("—", "—"))
        self.member_since.setDate(_NO_DATE)
        self.contact = QPlainTextEdit(self)
        self.contact.setTabChangesFocus(True)
        self.contact.setMaximumHeight(70)
        form = QFormLayout()
        form.addRow(t("&Nom :", "&Name:"), self.name)
        form.addRow(t("&Sigle :", "&Short name:"), self.short_name)
        form.addRow(t("&Type :", "&Kind:"), self.kind)
        form.addRow("", self.is_member)
        form.addRow(t("Membre &depuis :", "Member &since:"), self.member_since)
        form.addRow(t("&Contact :", "&Contact:"), self.contact)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        if current is not None:
            self.name.setText(current.name)
            self.short_name.setText(current.short_name or "")
            self.kind.setCurrentIndex(list(e.OrganisationKind).index(current.kind))
            self.is_member.setChecked(current.is_member)
            if current.member_since is not None:
                d = current.member_since
                self.member_since.setDate(QDate(d.year, d.month, d.day))
            self.contact.setPlainText(current.contact or "")
        self.name.setFocus()

    def fields(self) -> OrganisationFields:
        """What the form holds."""
        qd = self.member_since.date()
        since = None if qd == _NO_DATE else dt.date(qd.year(), qd.month(), qd.day())
        kind = self.kind.currentData()
        return OrganisationFields(
            name=self.name.text(),
            short_name=self.short_name.text() or None,
            kind=kind if isinstance(kind, e.OrganisationKind) else e.OrganisationKind.OTHER,
            is_member=self.is_member.isChecked(),
            member_since=since,
            contact=self.contact.toPlainText() or None,
        )


class PersonDialog(QDialog):
    """Add or edit (rectify) a person: names, organisation, function, contact, consent."""

    def __init__(
        self,
        parent: QWidget | None,
        organisations: Sequence[tuple[uuid.UUID, str]],
        current: PersonData | None = None,
    ) -> None:
        """A form filled with ``current`` (empty for a new person)."""
        super().__init__(parent)
        self.setObjectName("personDialog")
        self.setWindowTitle(
            t("Nouvelle personne", "New person")
            if current is None
            else t("Modifier la fiche", "Edit the record")
        )
        self.first_name = QLineEdit(self)
        self.first_name.setObjectName("firstName")
        self.last_name = QLineEdit(self)
        self.last_name.setObjectName("lastName")
        self.organisation = QComboBox(self)
        self.organisation.setObjectName("personOrganisation")
        self.organisation.addItem(t("(aucune)", "(none)"), None)
        for oid, name in organisations:
            self.organisation.addItem(name, oid)
        self.function = QLineEdit(self)
        self.email = QLineEdit(self)
        self.email.setObjectName("personEmail")
        self.phone = QLineEdit(self)
        self.consent_named = QCheckBox(
            t(
                "Accepte d'être nommé·e dans les comptes-rendus",
                "Agrees to be named in the minutes",
            ),
            self,
        )
        self.consent_named.setObjectName("consentNamed")
        self.consent_photo = QCheckBox(
            t("Accepte d'apparaître sur les photos", "Agrees to appear in photos"), self
        )
        self.consent_photo.setObjectName("consentPhoto")
        hint = QLabel(
            t(
                "Sans accord, la personne est comptée mais pas nommée, et n'est pas montrée.",
                "Without consent, the person is counted but not named, and not shown.",
            ),
            self,
        )
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(t("&Prénom :", "&First name:"), self.first_name)
        form.addRow(t("&Nom :", "&Last name:"), self.last_name)
        form.addRow(t("&Organisation :", "&Organisation:"), self.organisation)
        form.addRow(t("&Fonction :", "&Function:"), self.function)
        form.addRow(t("&Courriel :", "&E-mail:"), self.email)
        form.addRow(t("&Téléphone :", "&Phone:"), self.phone)
        form.addRow("", self.consent_named)
        form.addRow("", self.consent_photo)
        form.addRow("", hint)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        if current is not None:
            self.first_name.setText(current.first_name)
            self.last_name.setText(current.last_name)
            at = self.organisation.findData(current.organisation_id)
            if at < 0 and current.organisation_id is not None:
                # A deactivated organisation is not offered, but a person may still be in it.
                self.organisation.addItem(current.organisation, current.organisation_id)
                at = self.organisation.count() - 1
            self.organisation.setCurrentIndex(max(at, 0))
            self.function.setText(current.function or "")
            self.email.setText(current.email or "")
            self.phone.setText(current.phone or "")
            self.consent_named.setChecked(current.consent_named)
            self.consent_photo.setChecked(current.consent_photo)
        self.first_name.setFocus()

    def fields(self) -> PersonFields:
        """What the form holds."""
        org = self.organisation.currentData()
        return PersonFields(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            organisation_id=org if isinstance(org, uuid.UUID) else None,
            function=self.function.text() or None,
            email=self.email.text() or None,
            phone=self.phone.text() or None,
            consent_named=self.consent_named.isChecked(),
            consent_photo=self.consent_photo.isChecked(),
        )
