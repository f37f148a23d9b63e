"""Présences: the expected members as a checklist, type-ahead, newcomers, live counts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import clock
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import counted, label
from alliance_desktop.services.attendance import (
    AttendanceFields,
    AttendeeData,
    Newcomer,
    OrganisationChoice,
    add_newcomer,
    attendance_sheet,
    check_in_fields,
    count,
    organisations,
    set_attendance,
    sheet_order,
)
from alliance_desktop.services.workshop import Changes
from alliance_desktop.ui.undo import ServiceCommand
from alliance_desktop.ui.widgets import (
    ChoiceDelegate,
    FoldedFilter,
    fit_columns,
    setup_table,
    stretch_column,
)
from alliance_desktop.ui.workshop_context import WorkshopContext
from alliance_desktop.ui.workshop_models import RecordTableModel, TableColumn

CHECK, NAME, ORGANISATION, ROLE, STATUS, ARRIVED, LEFT = range(7)

# Keys on a line of the sheet: what status each one gives.
_STATUS_KEYS: Final = {
    Qt.Key.Key_E: e.AttendanceStatus.EXCUSED,
    Qt.Key.Key_A: e.AttendanceStatus.ABSENT,
    Qt.Key.Key_I: e.AttendanceStatus.INVITED,
}


def _time(value: dt.time | None) -> str:
    return clock(value) if value is not None else ""


def parse_time(text: str) -> dt.time | None:
    """« 17:05 », « 17h05 », « 17 h », « 1705 » as a time; "" as None.

    Raises:
        KnownError: the text is not a time of day.
    """
    cleaned = text.strip().lower().replace(" ", "").replace("h", ":")
    if not cleaned:
        return None
    if ":" not in cleaned and cleaned.isdigit() and len(cleaned) in (3, 4):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    hours, _, minutes = cleaned.partition(":")
    try:
        return dt.time(int(hours), int(minutes or 0))
    except ValueError:
        raise KnownError(
            t(
                f"« {text} » n'est pas une heure : écrivez par exemple 17:05.",
                f"“{text}” is not a time of day: write for instance 17:05.",
            )
        ) from None


def attendance_columns() -> list[TableColumn[AttendeeData]]:
    """The sheet's columns."""
    return [
        TableColumn(lambda: "", lambda a: "", check=lambda a: a.present),
        TableColumn(lambda: t("Nom", "Name"), lambda a: a.name),
        TableColumn(lambda: t("Organisation", "Organisation"), lambda a: a.organisation),
        TableColumn(lambda: t("Rôle", "Role"), lambda a: label(a.role), editable=True),
        TableColumn(lambda: t("Statut", "Status"), lambda a: label(a.status), editable=True),
        TableColumn(lambda: t("Arrivée", "Arrived"), lambda a: _time(a.arrived_at), editable=True),
        TableColumn(lambda: t("Départ", "Left"), lambda a: _time(a.left_at), editable=True),
    ]


class SheetView(QTableView):
    """The sheet, with its keys: Space checks in or out, E excused, A absent, I invited.

    Signals:
        line_key: a key for the current line; carries "toggle" or a status.
    """

    line_key = Signal(object)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space and the status letters act on the current line."""
        if self.state() != QTableView.State.EditingState and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if event.key() == Qt.Key.Key_Space:
                self.line_key.emit("toggle")
                event.accept()
                return
            status = _STATUS_KEYS.get(Qt.Key(event.key()))
            if status is not None:
                self.line_key.emit(status)
                event.accept()
                return
        super().keyPressEvent(event)


class SearchEdit(QLineEdit):
    """The type-ahead line: ↓ goes to the sheet, Escape empties the line.

    Signals:
        down: ↓ was pressed.
    """

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """↓ leaves for the sheet; Escape clears."""
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class NewcomerForm(QFrame):
    """The few fields for someone nobody expected, filled without leaving the sheet.

    Signals:
        submitted: Enter or « Ajouter »; carries the Newcomer.
        cancelled: Escape or « Annuler ».
    """

    submitted = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """Empty fields; :meth:`set_organisations` fills the choice of organisations."""
        super().__init__(parent)
        self.setObjectName("newcomerForm")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._orgs: list[OrganisationChoice] = []
        self.first_name = QLineEdit(self)
        self.first_name.setObjectName("newcomerFirstName")
        self.last_name = QLineEdit(self)
        self.last_name.setObjectName("newcomerLastName")
        self.organisation = QComboBox(self)
        self.organisation.setObjectName("newcomerOrganisation")
        self.organisation.setEditable(True)
        self.organisation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.organisation.lineEdit()
        assert line is not None  # an editable combo box has one
        self.organisation_line: QLineEdit = line
        self.organisation_line.setPlaceholderText(
            t("Organisation connue ou nouvelle", "Known or new organisation")
        )
        self.kind = QComboBox(self)
        for kind in e.OrganisationKind:
            self.kind.addItem(label(kind), kind)
        self.kind.setCurrentIndex(self.kind.findData(e.OrganisationKind.OTHER))
        self.role = QComboBox(self)
        for role in e.Role:
            self.role.addItem(label(role), role)
        self.role.setCurrentIndex(self.role.findData(e.Role.NEWCOMER))
        # Asked here, while the person is in the room: unticked, they are counted in the
        # minutes but never named (GDPR consent is opt-in). Space ticks, Enter adds.
        self.consent_named = QCheckBox(
            t(
                "Accepte d'être nommé·e dans les &comptes-rendus",
                "A&grees to be named in the minutes",
            ),
            self,
        )
        self.consent_named.setObjectName("newcomerConsentNamed")
        self.consent_photo = QCheckBox(
            t("Accepte d'apparaître sur les p&hotos", "Agrees to appear in p&hotos"), self
        )
        self.consent_photo.setObjectName("newcomerConsentPhoto")
        self.add_button = QPushButton(t("Ajouter", "Add"), self)
        self.add_button.setDefault(True)
        self.cancel_button = QPushButton(t("Annuler", "Cancel"), self)
        form = QFormLayout()
        form.addRow(t("&Prénom", "&First name"), self.first_name)
        form.addRow(t("No&m", "Last na&me"), self.last_name)
        form.addRow(t("O&rganisation", "O&rganisation"), self.organisation)
        form.addRow(
            t("&Type d'organisation (si nouvelle)", "Organisation &kind (if new)"), self.kind
        )
        form.addRow(t("Rô&le", "Ro&le"), self.role)
        form.addRow(t("Accord", "Consent"), self.consent_named)
        form.addRow("", self.consent_photo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        title = QLabel(t("Nouveau participant", "New participant"), self)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._submit)
        self.cancel_button.clicked.connect(self.cancelled)
        for field in (self.first_name, self.last_name, self.organisation_line):
            field.returnPressed.connect(self._submit)

    def set_organisations(self, orgs: list[OrganisationChoice]) -> None:
        """The organisations offered (type-ahead matches inside names too)."""
        self._orgs = orgs
        self.organisation.clear()
        self.organisation.addItem("", None)
        for org in orgs:
            self.organisation.addItem(org.name, org.id)
        completer = QCompleter([o.name for o in orgs], self.organisation)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.organisation.setCompleter(completer)
        self.organisation.setCurrentIndex(0)

    def start(self, typed: str) -> None:
        """Show the form, the name split from what was typed in the search line."""
        first, _, last = typed.strip().partition(" ")
        self.first_name.setText(first)
        self.last_name.setText(last)
        self.organisation.setCurrentIndex(0)
        self.organisation.setEditText("")
        self.role.setCurrentIndex(self.role.findData(e.Role.NEWCOMER))
        self.consent_named.setChecked(False)
        self.consent_photo.setChecked(False)
        self.show()
        target = self.last_name if first and not last else self.first_name
        if first and last:
            target = self.organisation_line
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def newcomer(self) -> Newcomer:
        """What the fields say."""
        typed = self.organisation.currentText().strip()
        known = next((o for o in self._orgs if o.name == typed), None)
        return Newcomer(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            role=e.Role(self.role.currentData()),
            organisation_id=known.id if known is not None else None,
            organisation_name=None if known is not None else typed or None,
            organisation_kind=e.OrganisationKind(self.kind.currentData()),
            consent_named=self.consent_named.isChecked(),
            consent_photo=self.consent_photo.isChecked(),
        )

    def _submit(self) -> None:
        self.submitted.emit(self.newcomer())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape closes the form; Enter adds from any field (a tick box, a list)."""
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = QApplication.focusWidget()
            if isinstance(focus, QLineEdit) or (
                isinstance(focus, QComboBox) and focus.isEditable()
            ):
                return  # a text field has already said returnPressed: added once
            if focus is self.cancel_button:
                self.cancelled.emit()
            else:
                self._submit()
            event.accept()
            return
        super().keyPressEvent(event)


class AttendanceTab(QWidget):
    """The attendance sheet of the session.

    Signals:
        counts_changed: the number of people present changed.
    """

    counts_changed = Signal()

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """An empty sheet; :meth:`load` fills it."""
        super().__init__(parent)
        self.setObjectName("attendanceTab")
        self.context = context
        self.model: RecordTableModel[AttendeeData] = RecordTableModel(
            attendance_columns(),
            search_text=lambda a: a.search_key,
            order=sheet_order,
            emphasis=lambda a: a.present,
            parent=self,
        )
        self.model.cell_edited.connect(self._cell_edited)
        self.proxy = FoldedFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = SearchEdit(self)
        self.search.setObjectName("attendanceSearch")
        self.search.setPlaceholderText(
            t(
                "Tapez un nom ou une organisation… (Entrée : pointer la première ligne)",
                "Type a name or an organisation… (Enter: check in the first line)",
            )
        )
        self.search.setAccessibleName(t("Rechercher un participant", "Find a participant"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(t("+ &Nouveau participant", "+ &New participant"), self)
        self.new_button.setObjectName("newcomerButton")
        self.view = SheetView(self)
        self._setup_view()
        self.form = NewcomerForm(self)
        self.form.hide()
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("attendanceCounts")
        self.counts_label.setWordWrap(True)
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counts_label)

        self.search.textChanged.connect(self.proxy.set_query)
        self.search.textChanged.connect(lambda _text: self.view.scrollToTop())
        self.search.returnPressed.connect(self._search_entered)
        self.search.down.connect(self._to_sheet)
        self.new_button.clicked.connect(lambda: self.form.start(self.search.text()))
        self.form.submitted.connect(self.add_newcomer)
        self.form.cancelled.connect(self._close_form)
        self.view.line_key.connect(self._line_key)

    def _setup_view(self) -> None:
        view = self.view
        setup_table(view, "attendanceSheet", t("Feuille de présence", "Attendance sheet"))
        view.setModel(self.proxy)
        stretch_column(view, NAME)
        stretch_column(view, ORGANISATION)
        view.setItemDelegateForColumn(ROLE, ChoiceDelegate(list(e.Role), view))
        view.setItemDelegateForColumn(STATUS, ChoiceDelegate(list(e.AttendanceStatus), view))

    # --- content ---------------------------------------------------------------------

    def load(self) -> None:
        """Read the sheet of the session the context names."""
        ctx = self.context
        try:
            lines = attendance_sheet(ctx.db, ctx.meeting_id)
            orgs = organisations(ctx.db)
        except KnownError as exc:
            ctx.sink.report_error(str(exc))
            lines, orgs = [], []
        self.model.set_records(lines)
        fit_columns(
            self.view,
            {
                ROLE: [label(role) for role in e.Role],
                STATUS: [label(status) for status in e.AttendanceStatus],
                ARRIVED: ["00:00", t("Arrivée", "Arrived")],
                LEFT: ["00:00", t("Départ", "Left")],
            },
        )
        self.form.set_organisations(orgs)
        self.form.hide()
        self.search.clear()
        self._update_counts()

    def apply(self, changes: Changes) -> None:
        """Show the lines a service call changed."""
        for line in changes.upserted_of(AttendeeData):
            self.model.upsert(line)
        self._update_counts()

    def lines(self) -> list[AttendeeData]:
        """Every line of the sheet."""
        return self.model.records()

    def present(self) -> int:
        """How many people are checked in."""
        return sum(line.present for line in self.model.records())

    def focus_first(self) -> None:
        """Typing starts in the type-ahead line."""
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_counts(self) -> None:
        c = count(self.model.records())
        present = counted(e.AttendanceStatus.PRESENT, c.present)
        roles = [counted(role, c.by_role[role]) for role in e.Role if c.by_role[role]]
        if roles:
            present += f" ({' · '.join(roles)})"
        parts = [present, counted(e.AttendanceStatus.EXCUSED, c.excused)]
        if c.absent:
            parts.append(counted(e.AttendanceStatus.ABSENT, c.absent))
        kinds = [
            f"{label(kind) if kind is not None else t('sans organisation', 'no organisation')} {n}"
            for kind, n in sorted(c.by_kind.items(), key=lambda kv: -kv[1])
        ]
        text = " · ".join(parts)
        if kinds:
            text += "\n" + t("Par type d'organisation : ", "By kind of organisation: ")
            text += " · ".join(kinds)
        self.counts_label.setText(text)
        self.counts_changed.emit()

    # --- actions ---------------------------------------------------------------------

    def _line_at(self, proxy_row: int) -> AttendeeData | None:
        source = self.proxy.mapToSource(self.proxy.index(proxy_row, 0))
        return self.model.record(source.row())

    def _current(self) -> AttendeeData | None:
        index = self.view.currentIndex()
        return self._line_at(index.row()) if index.isValid() else None

    def set_fields(self, person_id: uuid.UUID, fields: AttendanceFields, what: str) -> bool:
        """Change one line, undoably; False if it failed."""
        row = self.model.row_of(person_id)
        old = self.model.record(row)
        if old is None:
            return False
        before = AttendanceFields.of(old)
        if before == fields:
            return True
        ctx = self.context
        db, meeting_id = ctx.db, ctx.meeting_id
        command = ServiceCommand(
            what,
            lambda: set_attendance(db, meeting_id, person_id, fields),
            lambda: set_attendance(db, meeting_id, person_id, before),
            ctx.sink,
        )
        ctx.stack.push(command)
        return not command.failed

    def toggle(self, person_id: uuid.UUID) -> bool:
        """Check a person in (arrival: now), or out again if they were checked in."""
        line = self.model.record(self.model.row_of(person_id))
        if line is None:
            return False
        fields = check_in_fields(line, self.context.now().time())
        what = (
            t("pointage", "check-in")
            if fields.status == e.AttendanceStatus.PRESENT
            else t("annulation d'un pointage", "check-out")
        )
        return self.set_fields(person_id, fields, what)

    def _line_key(self, key: object) -> None:
        line = self._current()
        if line is None:
            return
        if key == "toggle":
            self.toggle(line.id)
        elif isinstance(key, e.AttendanceStatus):
            fields = AttendanceFields(line.role, key, line.arrived_at, line.left_at)
            if key != e.AttendanceStatus.PRESENT:
                fields = AttendanceFields(line.role, key, None, None)
            self.set_fields(line.id, fields, t("changement de statut", "status change"))

    def _cell_edited(self, person_id: object, column: int, value: Any) -> None:
        assert isinstance(person_id, uuid.UUID)
        line = self.model.record(self.model.row_of(person_id))
        if line is None:
            return
        fields = AttendanceFields.of(line)
        try:
            if column == CHECK:
                self.toggle(person_id)
                return
            # Values cross Qt as plain strings: they come back as enumeration values here.
            if column == ROLE:
                fields = AttendanceFields(e.Role(str(value)), *_rest(fields))
            elif column == STATUS:
                status = e.AttendanceStatus(str(value))
                arrived = fields.arrived_at
                if status == e.AttendanceStatus.PRESENT and arrived is None:
                    arrived = self.context.now().time().replace(second=0, microsecond=0)
                fields = AttendanceFields(fields.role, status, arrived, fields.left_at)
            elif column == ARRIVED:
                fields = AttendanceFields(
                    fields.role, fields.status, parse_time(str(value)), fields.left_at
                )
            elif column == LEFT:
                fields = AttendanceFields(
                    fields.role, fields.status, fields.arrived_at, parse_time(str(value))
                )
            else:
                return
        except KnownError as exc:
            self.context.sink.report_error(str(exc))
            return
        self.set_fields(person_id, fields, t("modification d'une présence", "attendance change"))

    def _search_entered(self) -> None:
        if self.proxy.rowCount() == 0:
            self.form.start(self.search.text())
            return
        line = self._line_at(0)
        if line is not None and self.toggle(line.id):
            self.search.clear()

    def _to_sheet(self) -> None:
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, NAME))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_newcomer(self, newcomer: Newcomer) -> bool:
        """Record a newcomer as present now; the sheet shows them at once."""
        ctx = self.context
        try:
            changes = add_newcomer(ctx.db, ctx.meeting_id, newcomer, ctx.now().time())
        except KnownError as exc:
            ctx.sink.report_error(str(exc))
            return False
        self.form.hide()
        self.search.clear()
        ctx.sink.apply_changes(changes)
        try:
            self.form.set_organisations(organisations(ctx.db))
        except KnownError as exc:
            ctx.sink.report_error(str(exc))
        for line in changes.upserted_of(AttendeeData):
            row = self.proxy.mapFromSource(self.model.index(self.model.row_of(line.id), NAME))
            self.view.setCurrentIndex(row)
            self.view.scrollTo(row)
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _close_form(self) -> None:
        self.form.hide()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)


def _rest(fields: AttendanceFields) -> tuple[e.AttendanceStatus, dt.time | None, dt.time | None]:
    return fields.status, fields.arrived_at, fields.left_at
