"""The conflicts' review: both values side by side, who set each and when, and the choices."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.ui.sharing import wording
from alliance_desktop.ui.sharing.dialogs import table_view
from alliance_desktop.ui.sharing.models import TextTableModel
from alliance_desktop.ui.sharing.work import (
    DELETE_RECORD,
    KEEP_RECORD,
    MINE,
    THEIRS,
    VALUE,
    ConflictItem,
    ConflictList,
)

# Types a facilitator can type a third value of, the narrowest first (an enumeration is
# a str, a bool an int); a reference to another record is chosen between the two sides.
_EDITABLE = (StrEnum, bool, int, float, dt.date, dt.time, str)


def editable_type(item: ConflictItem) -> type | None:
    """The type of value « Modifier… » asks for, or None when only the two sides may be kept."""
    for value in (item.side(True)[0], item.side(False)[0]):
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            return None
        for kind in _EDITABLE:
            if isinstance(value, kind):
                return type(value) if kind is StrEnum else kind
        return None
    return str  # both sides empty: a text is the likeliest


class EditValueDialog(QDialog):
    """« Modifier… »: a third value for a field in conflict, starting from one's own.

    Signals:
        none: the caller reads :meth:`value` once it is accepted.
    """

    def __init__(self, item: ConflictItem, kind: type, parent: QWidget | None = None) -> None:
        """An editor suited to ``kind``, filled with this laptop's value."""
        super().__init__(parent)
        self.setObjectName("sharing-edit-value")
        view = item.view
        self.setWindowTitle(t("Modifier la valeur", "Edit the value"))
        self._kind = kind
        self._nullable = item.side(True)[0] is None or item.side(False)[0] is None
        start = item.side(True)[0]
        if start is None:
            start = item.side(False)[0]
        heading = QLabel(
            f"{wording.record_name(view.table, view.label)} — "
            f"{wording.field_name(view.table, view.field)}",
            self,
        )
        heading.setWordWrap(True)
        self.editor = self._editor(kind, start)
        self.editor.setObjectName("sharing-edit-value-editor")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.editor.setFocus()

    def _editor(self, kind: type, start: Any) -> QWidget:
        if kind is bool:
            box = QCheckBox(t("Oui", "Yes"), self)
            box.setChecked(bool(start))
            return box
        if kind is int:
            spin = QSpinBox(self)
            spin.setRange(-(2**31), 2**31 - 1)
            spin.setValue(int(start or 0))
            return spin
        if kind is float:
            dspin = QDoubleSpinBox(self)
            dspin.setRange(-1e12, 1e12)
            dspin.setDecimals(3)
            dspin.setValue(float(start or 0.0))
            return dspin
        if kind is dt.date:
            date = QDateEdit(self)
            date.setCalendarPopup(True)
            day = start if isinstance(start, dt.date) else dt.date.today()
            date.setDate(QDate(day.year, day.month, day.day))
            return date
        if kind is dt.time:
            time = QTimeEdit(self)
            hour = start if isinstance(start, dt.time) else dt.time(17, 0)
            time.setTime(QTime(hour.hour, hour.minute))
            return time
        if isinstance(kind, type) and issubclass(kind, StrEnum):
            combo = QComboBox(self)
            for member in kind:
                try:
                    text = label(member)
                except KeyError:
                    text = member.value
                combo.addItem(text, member.value)
            if start is not None:
                combo.setCurrentIndex(max(combo.findData(getattr(start, "value", start)), 0))
            return combo
        text_edit = QPlainTextEdit(self)
        text_edit.setPlainText("" if start is None else str(start))
        text_edit.setMinimumSize(460, 120)
        text_edit.setTabChangesFocus(True)
        return text_edit

    def value(self) -> Any:
        """The value typed, as the application handles it."""
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QDoubleSpinBox):
            return editor.value()
        if isinstance(editor, QDateEdit):
            d = editor.date()
            return dt.date(d.year(), d.month(), d.day())
        if isinstance(editor, QTimeEdit):
            tm = editor.time()
            return dt.time(tm.hour(), tm.minute())
        if isinstance(editor, QComboBox):
            return self._kind(editor.currentData())
        assert isinstance(editor, QPlainTextEdit)
        text = editor.toPlainText()
        # A field one side left empty may be emptied again rather than hold "".
        return None if not text.strip() and self._nullable else text


class _Side(QGroupBox):
    """One side of a conflict: the value, and who set it when."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.value = QPlainTextEdit(self)
        self.value.setObjectName(f"{name}-value")
        self.value.setReadOnly(True)
        self.value.setTabChangesFocus(True)
        self.value.setMaximumHeight(110)
        self.who = QLabel(self)
        self.who.setObjectName(f"{name}-who")
        self.who.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.who)

    def show_side(self, title: str, value: str, who: str) -> None:
        self.setTitle(title)
        self.value.setPlainText(value)
        self.who.setText(who)

    def text(self) -> str:
        """The value shown (for tests)."""
        return self.value.toPlainText()


def _by(author: str, at: dt.datetime, fr: str, en: str) -> str:
    who = author or t("un autre ordinateur", "another laptop")
    return t(f"{fr} {who}, le {wording.when_utc(at)}", f"{en} {who}, on {wording.when_utc(at)}")


class ConflictDialog(QDialog):
    """The open conflicts, one at a time, with the choices that settle each.

    It never writes itself: a choice is a signal, which the controller runs on the
    worker thread before handing back the conflicts that remain.

    Signals:
        decided: a choice was made; carries (conflict id, choice, new value or None).
    """

    decided = Signal(str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty review, filled by :meth:`set_conflicts`."""
        super().__init__(parent)
        self.setObjectName("sharing-conflicts")
        self.setWindowTitle(t("Conflits à examiner", "Conflicts to review"))
        self.resize(900, 600)
        self._items: tuple[ConflictItem, ...] = ()
        self._busy = False

        self.intro = QLabel(t("Chargement…", "Loading…"), self)
        self.intro.setObjectName("sharing-conflicts-intro")
        self.intro.setWordWrap(True)
        self.model = TextTableModel(
            [
                t("Fiche", "Record"),
                t("Champ", "Field"),
                t("Autre animateur", "Other facilitator"),
                t("Le", "On"),
            ],
            self,
        )
        self.view = table_view(self.model, self, "sharing-conflicts-list", stretch=0)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.mine = _Side("sharing-conflict-mine", self)
        self.theirs = _Side("sharing-conflict-theirs", self)
        sides = QHBoxLayout()
        sides.addWidget(self.mine, 1)
        sides.addWidget(self.theirs, 1)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("sharing-conflict-explanation")
        self.explanation.setWordWrap(True)

        self.keep_mine_button = QPushButton(t("Garder la &mienne", "Keep &mine"), self)
        self.keep_theirs_button = QPushButton(t("Garder la &leur", "Keep &theirs"), self)
        self.edit_button = QPushButton(t("M&odifier…", "&Edit…"), self)
        self.keep_record_button = QPushButton(t("Garder la &fiche", "Keep the &record"), self)
        self.delete_record_button = QPushButton(
            t("&Supprimer la fiche", "&Delete the record"), self
        )
        self.keep_mine_button.clicked.connect(lambda: self._decide(MINE))
        self.keep_theirs_button.clicked.connect(lambda: self._decide(THEIRS))
        self.edit_button.clicked.connect(self.edit)
        self.keep_record_button.clicked.connect(lambda: self._decide(KEEP_RECORD))
        self.delete_record_button.clicked.connect(lambda: self._decide(DELETE_RECORD))
        self.close_button = QPushButton(t("Fermer", "Close"), self)
        self.close_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        for button in (
            self.keep_mine_button,
            self.keep_theirs_button,
            self.edit_button,
            self.keep_record_button,
            self.delete_record_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(sides)
        layout.addWidget(self.explanation)
        layout.addLayout(actions)
        self._show(None)

    # --- content -----------------------------------------------------------------------

    @property
    def items(self) -> tuple[ConflictItem, ...]:
        """The conflicts listed."""
        return self._items

    def set_conflicts(self, conflicts: ConflictList) -> None:
        """List ``conflicts``, keeping the current one selected if it is still open."""
        current = self.current()
        self._busy = False
        self._items = conflicts.items
        self.model.set_rows(
            [
                [
                    wording.record_name(c.view.table, c.view.label),
                    self._what(c),
                    self._other(c),
                    wording.when_utc(max(c.view.winner_at, c.view.other_at)),
                ]
                for c in self._items
            ],
            payloads=list(self._items),
        )
        n = len(self._items)
        if n:
            self.intro.setText(
                t(
                    f"{wording.conflicts(n)}. Rien n'est perdu : les deux valeurs sont "
                    "gardées ; celle retenue pour l'instant est la plus récente. Votre "
                    "choix part aux autres ordinateurs à la prochaine synchronisation.",
                    f"{wording.conflicts(n)}. Nothing is lost: both values are kept; the "
                    "newest is used for now. Your choice reaches the other laptops at the "
                    "next sync.",
                )
            )
        else:
            self.intro.setText(t("Aucun conflit à examiner.", "No conflict to review."))
        row = 0
        if current is not None:
            ids = [c.view.id for c in self._items]
            row = ids.index(current.view.id) if current.view.id in ids else 0
        if n:
            self.view.selectRow(min(row, n - 1))
        self._show(self.current())

    def _what(self, c: ConflictItem) -> str:
        if c.duplicate:
            return t("En double", "Duplicate")
        if c.existence:
            return t("Supprimée et modifiée", "Deleted and edited")
        return wording.field_name(c.view.table, c.view.field)

    def _other(self, c: ConflictItem) -> str:
        _value, author, _at = c.side(False)
        return author or t("un autre ordinateur", "another laptop")

    def current(self) -> ConflictItem | None:
        """The conflict selected, if any."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        found = self.model.payload(rows[0].row())
        return found if isinstance(found, ConflictItem) else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.current())

    def _show(self, item: ConflictItem | None) -> None:
        field_buttons = (self.keep_mine_button, self.keep_theirs_button, self.edit_button)
        record_buttons = (self.keep_record_button, self.delete_record_button)
        if item is None:
            self.mine.show_side(t("La mienne", "Mine"), "", "")
            self.theirs.show_side(t("La leur", "Theirs"), "", "")
            self.explanation.clear()
            for button in (*field_buttons, *record_buttons):
                button.setVisible(button in field_buttons)
                button.setEnabled(False)
            return
        v = item.view
        if item.duplicate:
            self.mine.show_side(
                t("Cette fiche", "This record"),
                v.label,
                _by(v.other_author, v.other_at, "Ajoutée par", "Added by"),
            )
            self.theirs.show_side(
                t("La fiche qu'elle double", "The record it duplicates"),
                v.label,
                _by(v.winner_author, v.winner_at, "Ajoutée par", "Added by"),
            )
            self.explanation.setText(
                t(
                    "Deux fiches identiques ne peuvent coexister (deux séances du même "
                    "numéro…) : la première ajoutée garde sa place. Supprimez celle-ci, ou "
                    "corrigez-la dans la séance.",
                    "Two identical records cannot coexist (two sessions with one number…): "
                    "the first added keeps its place. Delete this one, or correct it in the "
                    "session.",
                )
            )
        elif item.existence:
            self.mine.show_side(
                t("Modifiée", "Edited"),
                wording.value_text(v.winner_value),
                _by(v.winner_author, v.winner_at, "par", "by"),
            )
            self.theirs.show_side(
                t("Supprimée", "Deleted"),
                v.label,
                _by(v.other_author, v.other_at, "par", "by"),
            )
            self.explanation.setText(
                t(
                    "Cette fiche a été supprimée sur un ordinateur pendant qu'elle était "
                    "modifiée sur un autre : elle est gardée pour l'instant.",
                    "This record was deleted on one laptop while it was edited on another: "
                    "it is kept for now.",
                )
            )
        else:
            mine_value, mine_author, mine_at = item.side(True)
            theirs_value, theirs_author, theirs_at = item.side(False)
            self.mine.show_side(
                t("La mienne", "Mine"),
                wording.value_text(mine_value),
                _by(mine_author, mine_at, "par", "by"),
            )
            self.theirs.show_side(
                t("La leur", "Theirs"),
                wording.value_text(theirs_value),
                _by(theirs_author, theirs_at, "par", "by"),
            )
            held = t("la mienne", "mine") if item.mine_is_winner else t("la leur", "theirs")
            name = wording.field_name(v.table, v.field)
            self.explanation.setText(
                t(
                    f"Le champ « {name} » a été modifié sur deux ordinateurs en même temps ; "
                    f"valeur retenue pour l'instant : {held}.",
                    f"The field “{name}” was edited on two laptops at once; value used for "
                    f"now: {held}.",
                )
            )
        existence = item.existence
        for button in field_buttons:
            button.setVisible(not existence)
        for button in record_buttons:
            button.setVisible(existence)
        self.keep_record_button.setVisible(existence and not item.duplicate)
        idle = not self._busy
        self.keep_mine_button.setEnabled(idle)
        self.keep_theirs_button.setEnabled(idle)
        self.edit_button.setEnabled(idle and editable_type(item) is not None)
        self.edit_button.setToolTip(
            ""
            if editable_type(item) is not None
            else t(
                "Cette valeur désigne une autre fiche : gardez l'une des deux.",
                "This value names another record: keep one of the two.",
            )
        )
        self.keep_record_button.setEnabled(idle)
        self.delete_record_button.setEnabled(idle)

    # --- choices -----------------------------------------------------------------------

    def _decide(self, choice: str, value: Any = None) -> None:
        item = self.current()
        if item is None or self._busy:
            return
        self._busy = True
        self.intro.setText(t("Enregistrement de votre choix…", "Saving your choice…"))
        self._show(item)
        self.decided.emit(item.view.id, choice, value)

    def edit(self) -> None:
        """« Modifier… »: type a third value."""
        item = self.current()
        if item is None or self._busy:
            return
        kind = editable_type(item)
        if kind is None:
            return
        dialog = EditValueDialog(item, kind, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            value = dialog.value()
        finally:
            dialog.deleteLater()
        self._decide(VALUE, value)

    def failed(self) -> None:
        """The choice could not be saved (the controller said why): choose again."""
        self._busy = False
        self._show(self.current())
        self.intro.setText(
            wording.conflicts(len(self._items)) if self._items else t("Aucun conflit.", "None.")
        )
