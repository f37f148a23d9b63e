"""The directory window: people and organisations, searched, filtered, added, edited, merged."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.core.pseudonyms import fold
from alliance_desktop.services import members
from alliance_desktop.services.members import OrganisationData, PersonData
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.members.common import (
    ask,
    current_record,
    records_table,
    search_field,
    selected_records,
    warn,
)
from alliance_desktop.ui.members.forms import OrganisationDialog, PersonDialog
from alliance_desktop.ui.members.models import (
    GREY,
    Column,
    RecordsModel,
    day,
    yes_no,
)

_INACTIVE: Final = GREY


def people_columns() -> list[Column[PersonData]]:
    """The columns of the people table."""
    return [
        Column(t("Nom", "Last name"), lambda p: p.last_name, lambda p: fold(p.last_name)),
        Column(t("Prénom", "First name"), lambda p: p.first_name),
        # The whole text on hover, for a long name cut at the column's widest.
        Column(
            t("Organisation", "Organisation"),
            lambda p: p.organisation,
            tooltip=lambda p: p.organisation or None,
        ),
        Column(t("Fonction", "Function"), lambda p: p.function or "", tooltip=lambda p: p.function),
        Column(t("Courriel", "E-mail"), lambda p: p.email or ""),
        Column(t("Téléphone", "Phone"), lambda p: p.phone or ""),
        Column(
            t("Nommé·e", "Named"),
            lambda p: yes_no(p.consent_named),
            tooltip=lambda _p: t(
                "Accepte d'être nommé·e dans les comptes-rendus", "Agrees to be named in minutes"
            ),
        ),
        Column(t("Photos", "Photos"), lambda p: yes_no(p.consent_photo)),
        Column(
            t("Active", "Active"),
            lambda p: yes_no(p.active),
            background=lambda p: None if p.active else _INACTIVE.lighter(170),
        ),
    ]


def organisation_columns() -> list[Column[OrganisationData]]:
    """The columns of the organisations table."""
    return [
        Column(t("Nom", "Name"), lambda o: o.name),
        Column(t("Sigle", "Short name"), lambda o: o.short_name or ""),
        Column(t("Type", "Kind"), lambda o: label(o.kind)),
        Column(t("Membre", "Member"), lambda o: yes_no(o.is_member)),
        Column(t("Depuis", "Since"), lambda o: day(o.member_since), lambda o: o.member_since),
        Column(t("Personnes", "People"), lambda o: str(o.people), lambda o: o.people, True),
        Column(
            t("Active", "Active"),
            lambda o: yes_no(o.active),
            background=lambda o: None if o.active else _INACTIVE.lighter(170),
        ),
        Column(t("Contact", "Contact"), lambda o: (o.contact or "").replace("\n", " ")),
    ]


def _kind_filter(parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(t("Type d'organisation", "Kind of organisation"))
    combo.addItem(t("Tous les types", "All kinds"), None)
    for k in e.OrganisationKind:
        combo.addItem(label(k), k)
    return combo


class DirectoryWindow(QDialog):
    """People and organisations of the Alliance.

    Signals:
        changed: the directory was changed (another screen may refresh).
        record_requested: the person's record (RGPD) was asked for; carries the PersonData.
    """

    changed = Signal()
    record_requested = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """The directory of ``db``, people first."""
        super().__init__(parent)
        self.setObjectName("membersDirectory")
        self.setWindowTitle(t("Annuaire des membres", "Members' directory"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._db = db
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._people_tab(), t("&Personnes", "&People"))
        self.tabs.addTab(self._organisations_tab(), t("&Organisations", "&Organisations"))
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        self.reload()
        # Wider where the screen allows: nine columns, organisations' full names among them.
        screen = self.screen().availableGeometry().width()
        self.resize(min(1400, max(1100, screen - 60)), 620)

    # --- building -----------------------------------------------------------------------

    def _people_tab(self) -> QWidget:
        page = QWidget(self)
        self.people_model: RecordsModel[PersonData] = RecordsModel(people_columns(), self)
        self.people_view, self.people_proxy = records_table(
            page, "peopleTable", t("Personnes", "People"), self.people_model, stretch=2
        )
        self.people_search = search_field(
            page,
            t("Rechercher un nom, une organisation, un courriel… (Ctrl+F)", "Search… (Ctrl+F)"),
            self.people_proxy.set_query,
        )
        self.people_search.setObjectName("peopleSearch")
        self.people_kind = _kind_filter(page)
        self.people_kind.currentIndexChanged.connect(lambda _i: self.reload_people())
        self.people_active = QCheckBox(t("Actives seulement", "Active only"), page)
        self.people_active.toggled.connect(lambda _b: self.reload_people())
        top = QHBoxLayout()
        top.addWidget(self.people_search, 1)
        top.addWidget(self.people_kind)
        top.addWidget(self.people_active)
        self.add_person_button = QPushButton(t("&Ajouter…", "&Add…"), page)
        self.add_person_button.clicked.connect(self.add_person)
        self.edit_person_button = QPushButton(t("&Modifier…", "&Edit…"), page)
        self.edit_person_button.clicked.connect(self.edit_person)
        self.toggle_person_button = QPushButton(t("&Désactiver", "&Deactivate"), page)
        self.toggle_person_button.clicked.connect(self.toggle_person)
        self.merge_button = QPushButton(t("&Fusionner les deux fiches…", "&Merge the two…"), page)
        self.merge_button.clicked.connect(self.merge_selected)
        self.record_button = QPushButton(t("Fiche et &données (RGPD)…", "Record and &data…"), page)
        self.record_button.clicked.connect(self._open_record)
        buttons = QHBoxLayout()
        for b in (
            self.add_person_button,
            self.edit_person_button,
            self.toggle_person_button,
            self.merge_button,
            self.record_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.people_view, 1)
        layout.addLayout(buttons)
        self.people_view.doubleClicked.connect(lambda _i: self.edit_person())
        self.people_view.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_people_buttons()
        )
        return page

    def _organisations_tab(self) -> QWidget:
        page = QWidget(self)
        self.org_model: RecordsModel[OrganisationData] = RecordsModel(organisation_columns(), self)
        self.org_view, self.org_proxy = records_table(
            page, "organisationsTable", t("Organisations", "Organisations"), self.org_model
        )
        self.org_search = search_field(
            page,
            t("Rechercher une organisation… (Ctrl+F)", "Search… (Ctrl+F)"),
            self.org_proxy.set_query,
        )
        self.org_search.setObjectName("organisationSearch")
        self.org_kind = _kind_filter(page)
        self.org_kind.currentIndexChanged.connect(lambda _i: self.reload_organisations())
        self.members_only = QCheckBox(t("Membres seulement", "Members only"), page)
        self.members_only.toggled.connect(lambda _b: self.reload_organisations())
        top = QHBoxLayout()
        top.addWidget(self.org_search, 1)
        top.addWidget(self.org_kind)
        top.addWidget(self.members_only)
        self.add_org_button = QPushButton(t("A&jouter…", "A&dd…"), page)
        self.add_org_button.clicked.connect(self.add_organisation)
        self.edit_org_button = QPushButton(t("Mo&difier…", "E&dit…"), page)
        self.edit_org_button.clicked.connect(self.edit_organisation)
        self.toggle_org_button = QPushButton(t("Dés&activer", "Deac&tivate"), page)
        self.toggle_org_button.clicked.connect(self.toggle_organisation)
        buttons = QHBoxLayout()
        for b in (self.add_org_button, self.edit_org_button, self.toggle_org_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.org_view, 1)
        layout.addLayout(buttons)
        self.org_view.doubleClicked.connect(lambda _i: self.edit_organisation())
        self.org_view.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_org_buttons()
        )
        return page

    # --- reading ------------------------------------------------------------------------

    def set_database(self, db: Database) -> None:
        """Show another database's directory."""
        self._db = db
        self.reload()

    def reload(self) -> None:
        """Read both tables again."""
        self.reload_people()
        self.reload_organisations()

    def reload_people(self) -> None:
        """Read the people again with the filters chosen."""
        kind = self.people_kind.currentData()
        try:
            people = members.list_people(
                self._db,
                kind=kind if isinstance(kind, e.OrganisationKind) else None,
                include_inactive=not self.people_active.isChecked(),
            )
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.people_model.set_records(people)
        self._update_people_buttons()
        self._update_status()

    def reload_organisations(self) -> None:
        """Read the organisations again with the filters chosen."""
        kind = self.org_kind.currentData()
        try:
            orgs = members.list_organisations(
                self._db,
                kind=kind if isinstance(kind, e.OrganisationKind) else None,
                members_only=self.members_only.isChecked(),
            )
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.org_model.set_records(orgs)
        self._update_org_buttons()
        self._update_status()

    def _update_status(self) -> None:
        people = self.people_model.records()
        orgs = self.org_model.records()
        members_count = sum(1 for o in orgs if o.is_member)
        self.status.setText(
            t(
                f"{len(people)} personne(s), {len(orgs)} organisation(s) dont "
                f"{members_count} membre(s).",
                f"{len(people)} people, {len(orgs)} organisation(s), {members_count} member(s).",
            )
        )

    def _focus_search(self) -> None:
        field = self.people_search if self.tabs.currentIndex() == 0 else self.org_search
        field.setFocus()
        field.selectAll()

    def _update_people_buttons(self) -> None:
        chosen = selected_records(self.people_view, self.people_model)
        self.edit_person_button.setEnabled(len(chosen) == 1)
        self.record_button.setEnabled(len(chosen) == 1)
        self.merge_button.setEnabled(len(chosen) == 2)
        self.toggle_person_button.setEnabled(len(chosen) == 1)
        if len(chosen) == 1:
            self.toggle_person_button.setText(
                t("&Désactiver", "&Deactivate")
                if chosen[0].active
                else t("&Réactiver", "&Reactivate")
            )

    def _update_org_buttons(self) -> None:
        chosen = selected_records(self.org_view, self.org_model)
        self.edit_org_button.setEnabled(len(chosen) == 1)
        self.toggle_org_button.setEnabled(len(chosen) == 1)
        if len(chosen) == 1:
            self.toggle_org_button.setText(
                t("Dés&activer", "Deac&tivate")
                if chosen[0].active
                else t("Ré&activer", "Reac&tivate")
            )

    # --- writing ------------------------------------------------------------------------

    def _select_person(self, person: PersonData) -> None:
        for row, p in enumerate(self.people_model.records()):
            if p.id == person.id:
                index = self.people_proxy.mapFromSource(self.people_model.index(row, 0))
                self.people_view.setCurrentIndex(index)
                self.people_view.selectRow(index.row())
                return

    def add_person(self) -> PersonData | None:
        """Ask for a new person and add them."""
        dialog = PersonDialog(self, members.organisation_choices(self._db))
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                done = members.add_person(self._db, dialog.fields())
            except KnownError as exc:
                warn(dialog, str(exc))
                continue
            self.reload_people()
            self._select_person(done.people[0])
            self.changed.emit()
            return done.people[0]
        return None

    def edit_person(self) -> None:
        """Edit (rectify) the selected person."""
        person = current_record(self.people_view, self.people_model)
        if person is None or person.erased:
            return
        dialog = PersonDialog(self, members.organisation_choices(self._db), person)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                done = members.update_person(self._db, person.id, dialog.fields())
            except KnownError as exc:
                warn(dialog, str(exc))
                continue
            self._replace_person(done.people[0])
            self.changed.emit()
            return

    def _replace_person(self, person: PersonData) -> None:
        for row, p in enumerate(self.people_model.records()):
            if p.id == person.id:
                self.people_model.replace_record(row, person)
        self._update_people_buttons()

    def toggle_person(self) -> None:
        """Deactivate the selected person (or reactivate them)."""
        person = current_record(self.people_view, self.people_model)
        if person is None:
            return
        try:
            done = members.set_person_active(self._db, person.id, not person.active)
        except KnownError as exc:
            warn(self, str(exc))
            return
        self._replace_person(done.people[0])
        self.changed.emit()

    def merge_selected(self) -> None:
        """Merge the two selected records of one person, keeping all their attendance."""
        chosen = selected_records(self.people_view, self.people_model)
        if len(chosen) != 2:
            return
        keep, other = chosen
        question = t(
            f"Fusionner « {other.full_name} » ({other.organisation or '—'}) dans "
            f"« {keep.full_name} » ({keep.organisation or '—'}) ? Toutes les présences sont "
            "gardées ; la seconde fiche disparaît.",
            f"Merge “{other.full_name}” into “{keep.full_name}”? All attendance is kept; the "
            "second record goes.",
        )
        if not ask(self, t("Fusionner", "Merge"), question, t("Fusionner", "Merge")):
            return
        try:
            members.merge_people(self._db, keep.id, other.id)
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.reload_people()
        self._select_person(keep)
        self.changed.emit()

    def _open_record(self) -> None:
        person = current_record(self.people_view, self.people_model)
        if person is not None:
            self.record_requested.emit(person)

    def add_organisation(self) -> OrganisationData | None:
        """Ask for a new organisation and add it."""
        dialog = OrganisationDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                done = members.add_organisation(self._db, dialog.fields())
            except KnownError as exc:
                warn(dialog, str(exc))
                continue
            self.reload_organisations()
            self.changed.emit()
            return done.organisations[0]
        return None

    def edit_organisation(self) -> None:
        """Edit the selected organisation."""
        org = current_record(self.org_view, self.org_model)
        if org is None:
            return
        dialog = OrganisationDialog(self, org)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                members.update_organisation(self._db, org.id, dialog.fields())
            except KnownError as exc:
                warn(dialog, str(exc))
                continue
            self.reload()
            self.changed.emit()
            return

    def toggle_organisation(self) -> None:
        """Deactivate the selected organisation (or reactivate it)."""
        org = current_record(self.org_view, self.org_model)
        if org is None:
            return
        try:
            members.set_organisation_active(self._db, org.id, not org.active)
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.reload_organisations()
        self.changed.emit()
