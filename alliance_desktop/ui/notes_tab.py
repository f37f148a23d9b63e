"""Écoute active: fast transcription of the participants' notes and their follow-up."""

from __future__ import annotations

import uuid
from typing import Any, Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import short_date
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services.attendance import PersonChoice, fold, people
from alliance_desktop.services.workshop import (
    Changes,
    NoteData,
    add_note,
    delete_note,
    edit_note,
    restore_note,
    set_follow_up,
    sign_note,
)
from alliance_desktop.ui.undo import ServiceCommand, deleting
from alliance_desktop.ui.widgets import (
    ChoiceDelegate,
    EntryLine,
    fit_columns,
    setup_table,
    stretch_column,
)
from alliance_desktop.ui.workshop_context import WorkshopContext
from alliance_desktop.ui.workshop_models import RecordTableModel, TableColumn

TEXT, SIGNED, FOLLOW_UP, ANSWER = range(4)
ORIGIN = 4  # the carried-over table only

_FOLLOW_UP_KEYS: Final = {
    Qt.Key.Key_O: e.FollowUp.OPEN,
    Qt.Key.Key_R: e.FollowUp.ANSWERED,
    Qt.Key.Key_P: e.FollowUp.CARRIED_OVER,
}


def _signer(n: NoteData) -> str:
    return n.signed_by or t("anonyme", "anonymous")


def note_columns(carried: bool) -> list[TableColumn[NoteData]]:
    """The columns of the notes table (and of the notes carried over)."""
    columns: list[TableColumn[NoteData]] = [
        TableColumn(lambda: t("Note", "Note"), lambda n: n.text, editable=not carried),
        TableColumn(lambda: t("Signée par", "Signed by"), _signer, editable=not carried),
        TableColumn(lambda: t("Suivi", "Follow-up"), lambda n: label(n.follow_up), editable=True),
        TableColumn(lambda: t("Réponse", "Answer"), lambda n: n.answer or "", editable=True),
    ]
    if carried:
        columns.append(
            TableColumn(
                lambda: t("Séance d'origine", "From session"),
                lambda n: f"{short_date(n.meeting_date)} — {n.meeting_title}",
            )
        )
    return columns


class NotesView(QTableView):
    """A table of notes with its keys: O open, R answered, P carried over, Delete.

    Signals:
        note_key: a key for the current note; carries a FollowUp or "delete".
    """

    note_key = Signal(object)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Follow-up letters and Delete act on the current note."""
        if self.state() != QTableView.State.EditingState and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            follow_up = _FOLLOW_UP_KEYS.get(Qt.Key(event.key()))
            if follow_up is not None:
                self.note_key.emit(follow_up)
                event.accept()
                return
            if event.key() == Qt.Key.Key_Delete:
                self.note_key.emit("delete")
                event.accept()
                return
        super().keyPressEvent(event)


class NoteLine(EntryLine):
    """The line where a note is transcribed; ↓ goes to the notes below.

    Signals:
        down: ↓ was pressed.
    """

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """↓ leaves for the table."""
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class NotesTab(QWidget):
    """The active-listening notes of the session, and those carried over to it."""

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """Empty tables; :meth:`load` fills them."""
        super().__init__(parent)
        self.setObjectName("notesTab")
        self.context = context
        self._people: list[PersonChoice] = []
        self.model: RecordTableModel[NoteData] = RecordTableModel(
            note_columns(carried=False), order=lambda n: n.position, parent=self
        )
        self.carried_model: RecordTableModel[NoteData] = RecordTableModel(
            note_columns(carried=True), order=lambda n: (n.meeting_date, n.position), parent=self
        )
        self.line = NoteLine(self)
        self.line.setObjectName("noteLine")
        self.line.setPlaceholderText(
            t(
                "Note d'une grille d'écoute (Ctrl+4) — Entrée enregistre",
                "Note from a listening grid (Ctrl+4) — Enter saves",
            )
        )
        self.line.setAccessibleName(t("Nouvelle note d'écoute", "New listening note"))
        self.signer = QComboBox(self)
        self.signer.setObjectName("noteSigner")
        self.signer.setEditable(True)
        self.signer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.signer.setMinimumContentsLength(18)
        self.signer.setAccessibleName(t("Signée par", "Signed by"))
        signer_line = self.signer.lineEdit()
        assert signer_line is not None  # an editable combo box has one
        signer_line.setPlaceholderText(t("Anonyme", "Anonymous"))
        self.view = NotesView(self)
        setup_table(self.view, "notesTable", t("Notes d'écoute", "Listening notes"))
        self.view.setModel(self.model)
        stretch_column(self.view, TEXT)
        self.view.setItemDelegateForColumn(FOLLOW_UP, ChoiceDelegate(list(e.FollowUp), self.view))
        self.carried_title = QLabel(
            t(
                "Reportées des séances précédentes de la thématique",
                "Carried over from the theme's earlier sessions",
            ),
            self,
        )
        font = self.carried_title.font()
        font.setBold(True)
        self.carried_title.setFont(font)
        self.carried_view = NotesView(self)
        setup_table(
            self.carried_view,
            "carriedNotesTable",
            t("Notes reportées des séances précédentes", "Notes carried over"),
        )
        self.carried_view.setModel(self.carried_model)
        stretch_column(self.carried_view, TEXT)
        self.carried_view.setItemDelegateForColumn(
            FOLLOW_UP, ChoiceDelegate(list(e.FollowUp), self.carried_view)
        )
        hint = QLabel(
            t(
                "Dans la liste : O ouverte · R répondue · P reportée à la séance suivante · "
                "Suppr supprime · F2 modifie",
                "In the list: O open · R answered · P carried over · Delete removes · F2 edits",
            ),
            self,
        )
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.line, 1)
        top.addWidget(QLabel(t("Signée par", "Signed by"), self))
        top.addWidget(self.signer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 3)
        layout.addWidget(hint)
        layout.addWidget(self.carried_title)
        layout.addWidget(self.carried_view, 1)

        self.line.returnPressed.connect(self._line_entered)
        self.line.down.connect(self._to_table)
        self.model.cell_edited.connect(self._cell_edited)
        self.carried_model.cell_edited.connect(self._cell_edited)
        self.view.note_key.connect(lambda key: self._note_key(self.view, self.model, key))
        self.carried_view.note_key.connect(
            lambda key: self._note_key(self.carried_view, self.carried_model, key)
        )

    # --- content ---------------------------------------------------------------------

    def load(self, notes: list[NoteData], carried: list[NoteData]) -> None:
        """Show a session's notes and the notes carried over to it."""
        self.model.set_records(notes)
        self.carried_model.set_records(carried)
        widths = {
            SIGNED: [t("anonyme", "anonymous"), "Camille Exemple"],
            FOLLOW_UP: [label(follow_up) for follow_up in e.FollowUp],
            ANSWER: [t("Réponse donnée", "Answer given")],
        }
        fit_columns(self.view, widths)
        fit_columns(self.carried_view, widths)
        self._show_carried()
        self.line.clear()
        try:
            self._people = people(self.context.db)
        except KnownError as exc:
            self.context.sink.report_error(str(exc))
            self._people = []
        self.signer.clear()
        self.signer.addItem("")
        for person in self._people:
            self.signer.addItem(_person_text(person))
        completer = QCompleter([_person_text(p) for p in self._people], self.signer)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.signer.setCompleter(completer)
        self.signer.setCurrentIndex(0)

    def _show_carried(self) -> None:
        shown = self.carried_model.rowCount() > 0
        self.carried_title.setVisible(shown)
        self.carried_view.setVisible(shown)

    def apply(self, changes: Changes) -> None:
        """Update the notes a service call created, changed or deleted."""
        meeting_id = self.context.meeting_id
        for n in changes.deleted_of(NoteData):
            self.model.remove(n.id)
            self.carried_model.remove(n.id)
        for n in changes.upserted_of(NoteData):
            if n.meeting_id == meeting_id:
                self.model.upsert(n)
            elif n.carried_to_id == meeting_id:
                self.carried_model.upsert(n)
            else:  # carried elsewhere now (this session's theme or date changed)
                self.carried_model.remove(n.id)
        self._show_carried()

    def notes(self) -> list[NoteData]:
        """The session's own notes, in order."""
        return self.model.records()

    def focus_first(self) -> None:
        """Typing starts in the transcription line."""
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def reveal(self, note_id: uuid.UUID) -> bool:
        """Select ``note_id`` in whichever table holds it."""
        for view, model in ((self.view, self.model), (self.carried_view, self.carried_model)):
            row = model.row_of(note_id)
            if row >= 0:
                view.setCurrentIndex(model.index(row, TEXT))
                view.scrollTo(model.index(row, TEXT))
                view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    # --- actions ---------------------------------------------------------------------

    def _signer_id(self, text: str) -> uuid.UUID | None:
        """The person a typed signature names; None for an anonymous note.

        Raises:
            KnownError: the name matches nobody known.
        """
        wanted = fold(text.strip())
        if not wanted:
            return None
        for person in self._people:
            if wanted in (fold(_person_text(person)), fold(person.name)):
                return person.id
        raise KnownError(
            t(
                f"« {text.strip()} » n'est pas une personne connue : ajoutez-la aux présences "
                "ou laissez la note anonyme.",
                f"“{text.strip()}” is not a known person: add them to the attendance or "
                "leave the note anonymous.",
            )
        )

    def _line_entered(self) -> None:
        text = self.line.text()
        if not text.strip():
            return
        try:
            signer = self._signer_id(self.signer.currentText())
        except KnownError as exc:
            self.context.sink.report_error(str(exc))
            return
        if self.add(text, signer) is not None:
            self.line.clear()
            # Most grids are anonymous: the next note starts unsigned.
            self.signer.setCurrentIndex(0)
            self.signer.setEditText("")

    def add(self, text: str, signer: uuid.UUID | None = None) -> uuid.UUID | None:
        """Transcribe a note at the end of the list; its id, or None if it failed."""
        ctx = self.context
        db, meeting_id = ctx.db, ctx.meeting_id
        records = self.model.records()
        position = records[-1].position + 1.0 if records else 0.0
        note_id = uuid.uuid4()
        command = ServiceCommand(
            t("ajout d'une note d'écoute", "adding a listening note"),
            lambda: add_note(
                db, meeting_id, text, signed_by_id=signer, position=position, note_id=note_id
            ),
            lambda: delete_note(db, note_id),
            ctx.sink,
        )
        ctx.stack.push(command)
        if command.failed:
            return None
        self.view.scrollToBottom()
        return note_id

    def _find(self, note_id: uuid.UUID) -> NoteData | None:
        for model in (self.model, self.carried_model):
            row = model.row_of(note_id)
            if row >= 0:
                return model.record(row)
        return None

    def set_follow_up(
        self, note_id: uuid.UUID, follow_up: e.FollowUp, answer: str | None = None
    ) -> None:
        """Change a note's follow-up (and answer), undoably."""
        old = self._find(note_id)
        if old is None:
            return
        new_answer = old.answer if answer is None else answer
        if (follow_up, new_answer) == (old.follow_up, old.answer):
            return
        db = self.context.db
        self.context.stack.push(
            ServiceCommand(
                t("suivi d'une note", "note follow-up"),
                lambda: set_follow_up(db, note_id, follow_up, new_answer),
                lambda: set_follow_up(db, note_id, old.follow_up, old.answer),
                self.context.sink,
            )
        )

    def _cell_edited(self, note_id: object, column: int, value: Any) -> None:
        assert isinstance(note_id, uuid.UUID)
        old = self._find(note_id)
        if old is None:
            return
        ctx = self.context
        db = ctx.db
        if column == TEXT:
            text = str(value)
            ctx.stack.push(
                ServiceCommand(
                    t("modification d'une note", "editing a note"),
                    lambda: edit_note(db, note_id, text),
                    lambda: edit_note(db, note_id, old.text),
                    ctx.sink,
                )
            )
        elif column == SIGNED:
            try:
                signer = self._signer_id(str(value))
            except KnownError as exc:
                ctx.sink.report_error(str(exc))
                return
            ctx.stack.push(
                ServiceCommand(
                    t("signature d'une note", "signing a note"),
                    lambda: sign_note(db, note_id, signer),
                    lambda: sign_note(db, note_id, old.signed_by_id),
                    ctx.sink,
                )
            )
        elif column == FOLLOW_UP:
            # Values cross Qt as plain strings.
            self.set_follow_up(note_id, e.FollowUp(str(value)))
        elif column == ANSWER:
            self.set_follow_up(note_id, old.follow_up, str(value))

    def delete(self, note_id: uuid.UUID) -> None:
        """Remove a note, undoably."""
        db = self.context.db
        do, undo = deleting(
            lambda: delete_note(db, note_id), lambda n: restore_note(db, n), NoteData
        )
        self.context.stack.push(
            ServiceCommand(
                t("suppression d'une note", "deleting a note"), do, undo, self.context.sink
            )
        )

    def _note_key(self, view: QTableView, model: RecordTableModel[NoteData], key: object) -> None:
        row = view.currentIndex().row()
        note = model.record(row)
        if note is None:
            return
        if key == "delete":
            if model is self.model:
                self.delete(note.id)
                left = model.rowCount()
                if left:
                    view.setCurrentIndex(model.index(min(row, left - 1), TEXT))
        elif isinstance(key, e.FollowUp):
            self.set_follow_up(note.id, key)

    def _to_table(self) -> None:
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1, TEXT))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)


def _person_text(person: PersonChoice) -> str:
    return f"{person.name} ({person.organisation})" if person.organisation else person.name
