"""Préparation: date, times, theme, stage, title, place, contributors and background text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services.workshop import PlanData, PlanFields, update_plan
from alliance_desktop.ui.undo import ServiceCommand
from alliance_desktop.ui.workshop_context import WorkshopContext

E = TypeVar("E", bound=StrEnum)

# The background text is saved this long after the last key stroke, and when it loses
# the focus: a long text is never more than a moment away from the disk.
BACKGROUND_SAVE_DELAY_MS = 1500


def split_names(text: str) -> tuple[str, ...]:
    """« The Shift Project ; CISCA » → the names, blanks dropped."""
    return tuple(part.strip() for part in re.split(r"[;\n]", text) if part.strip())


def _choice_box(parent: QWidget, values: list[E], none_text: str | None) -> QComboBox:
    box = QComboBox(parent)
    if none_text is not None:
        box.addItem(none_text, "")
    for value in values:
        box.addItem(label(value), value.value)
    return box


def _select(box: QComboBox, value: StrEnum | None) -> None:
    box.setCurrentIndex(max(box.findData(value.value if value is not None else ""), 0))


class PlanningTab(QWidget):
    """The plan of the session, saved field by field as the facilitator fills it in."""

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """Empty fields; :meth:`load` fills them."""
        super().__init__(parent)
        self.setObjectName("planningTab")
        self.context = context
        self._plan: PlanData | None = None
        self._loading = False

        form_widget = QWidget(self)
        self.title = QLineEdit(form_widget)
        self.title.setObjectName("planTitle")
        self.kind = _choice_box(form_widget, list(e.SessionKind), None)
        self.theme = _choice_box(form_widget, list(e.Theme), t("— aucune —", "— none —"))
        self.stage = _choice_box(form_widget, list(e.Stage), t("— aucune —", "— none —"))
        self.date = QDateEdit(form_widget)
        self.date.setObjectName("planDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.start_time = QTimeEdit(form_widget)
        self.start_time.setObjectName("planStart")
        self.end_time = QTimeEdit(form_widget)
        self.end_time.setObjectName("planEnd")
        for edit in (self.start_time, self.end_time):
            edit.setDisplayFormat("HH:mm")
            edit.setMinimumTime(QTime(0, 0))
            edit.setSpecialValueText("--:--")
        self.location = QLineEdit(form_widget)
        self.speakers = QLineEdit(form_widget)
        self.co_facilitators = QLineEdit(form_widget)
        self.graphic = QLineEdit(form_widget)
        for names in (self.speakers, self.co_facilitators, self.graphic):
            names.setPlaceholderText(
                t("Séparez les noms par des points-virgules", "Separate names with semicolons")
            )
        self.background = QPlainTextEdit(form_widget)
        self.background.setObjectName("planBackground")
        self.background.setTabChangesFocus(True)
        self.background.setPlaceholderText(
            t(
                "Le texte partagé en début de séance (« Comprenons-nous bien… »)",
                "The shared background text (“Comprenons-nous bien…”)",
            )
        )
        self.warnings = QLabel(form_widget)
        self.warnings.setObjectName("planWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(
            "background: #ffe7b3; color: #5a3b00; border-radius: 4px; padding: 4px 8px;"
        )
        self.warnings.hide()

        times = QHBoxLayout()
        times.addWidget(self.start_time)
        times.addWidget(QLabel("–", form_widget))
        times.addWidget(self.end_time)
        times.addStretch(1)
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: list[tuple[str, QWidget | QHBoxLayout]] = [
            (t("&Titre", "&Title"), self.title),
            (t("&Date", "&Date"), self.date),
            (t("&Horaires (début – fin prévue)", "&Times (start – planned end)"), times),
            (t("T&ype", "T&ype"), self.kind),
            (t("Thé&matique", "The&me"), self.theme),
            (t("Éta&pe", "Sta&ge"), self.stage),
            (t("&Lieu", "P&lace"), self.location),
            (t("&Intervenants", "Speaker&s"), self.speakers),
            (t("&Co-animation", "&Co-facilitation"), self.co_facilitators),
            (t("Facilitation &graphique", "G&raphic facilitation"), self.graphic),
            (t("Comprenons-nous &bien…", "&Background"), self.background),
        ]
        for text, field in rows:
            caption = QLabel(text, form_widget)
            if isinstance(field, QHBoxLayout):
                caption.setBuddy(self.start_time)
                form.addRow(caption, field)
            else:
                caption.setBuddy(field)
                form.addRow(caption, field)
        form.insertRow(3, "", self.warnings)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(form_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll)

        self._background_timer = QTimer(self)
        self._background_timer.setSingleShot(True)
        self._background_timer.setInterval(BACKGROUND_SAVE_DELAY_MS)
        self._background_timer.timeout.connect(self.save)
        for line in (self.title, self.location, self.speakers, self.co_facilitators, self.graphic):
            line.editingFinished.connect(self.save)
        self.date.editingFinished.connect(self.save)
        for time_edit in (self.start_time, self.end_time):
            time_edit.editingFinished.connect(self.save)
        for time_edit in (self.start_time, self.end_time):
            time_edit.timeChanged.connect(lambda _time: self._show_warnings())
        for box in (self.kind, self.theme, self.stage):
            box.activated.connect(lambda _index: self.save())
        self.background.textChanged.connect(self._background_typed)
        self.background.installEventFilter(self)

    # --- content ---------------------------------------------------------------------

    def load(self, plan: PlanData) -> None:
        """Show ``plan``; a field being typed in is left alone unless its value changed."""
        self._plan = plan
        self._loading = True
        try:
            f = plan.fields
            _set_line(self.title, f.title)
            _select(self.kind, f.kind)
            _select(self.theme, f.theme)
            _select(self.stage, f.stage)
            self.date.setDate(QDate(f.date.year, f.date.month, f.date.day))
            self.start_time.setTime(_qtime(f.start_time))
            self.end_time.setTime(_qtime(f.planned_end))
            _set_line(self.location, f.location or "")
            # French sets a non-breaking space before the semicolon; English does not.
            between = t("\u00a0; ", "; ")
            _set_line(self.speakers, between.join(f.speakers))
            _set_line(self.co_facilitators, between.join(f.co_facilitators))
            _set_line(self.graphic, between.join(f.graphic_facilitators))
            if self.background.toPlainText() != (f.background or ""):
                self.background.setPlainText(f.background or "")
        finally:
            self._loading = False
        self._show_warnings()

    def fields(self) -> PlanFields:
        """The plan as the form shows it now."""
        day = self.date.date()
        return PlanFields(
            date=dt.date(day.year(), day.month(), day.day()),
            start_time=_time(self.start_time),
            planned_end=_time(self.end_time),
            title=self.title.text(),
            kind=e.SessionKind(self.kind.currentData()),
            theme=e.Theme(self.theme.currentData()) if self.theme.currentData() else None,
            stage=e.Stage(self.stage.currentData()) if self.stage.currentData() else None,
            location=self.location.text(),
            background=self.background.toPlainText(),
            speakers=split_names(self.speakers.text()),
            co_facilitators=split_names(self.co_facilitators.text()),
            graphic_facilitators=split_names(self.graphic.text()),
        )

    def focus_first(self) -> None:
        """Typing starts with the title."""
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)
        self.title.selectAll()

    # --- saving ----------------------------------------------------------------------

    def save(self) -> None:
        """Save the form if it differs from the stored plan (one undoable step)."""
        self._background_timer.stop()
        if self._loading or self._plan is None:
            return
        new = self.fields()
        old = self._plan.fields
        if _normalised(new) == _normalised(old):
            return
        ctx = self.context
        db, meeting_id = ctx.db, ctx.meeting_id
        ctx.stack.push(
            ServiceCommand(
                t("modification de la préparation", "editing the plan"),
                lambda: update_plan(db, meeting_id, new),
                lambda: update_plan(db, meeting_id, old),
                ctx.sink,
            )
        )

    def _background_typed(self) -> None:
        if not self._loading:
            self._background_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The background text is saved when it loses the focus."""
        if watched is self.background and event.type() == QEvent.Type.FocusOut:
            self.save()
        return super().eventFilter(watched, event)

    def _show_warnings(self) -> None:
        fields = self.fields() if self._plan is not None else None
        warnings = fields.warnings() if fields is not None else []
        text = "\n".join(w.message for w in warnings)
        if warnings:
            text += "\n" + t(
                "Vous pouvez garder cet horaire : ce n'est qu'un avertissement.",
                "You may keep these times: this is only a warning.",
            )
        self.warnings.setText(text)
        self.warnings.setVisible(bool(warnings))


def _qtime(value: dt.time | None) -> QTime:
    # Midnight is the "not set" value: the edit shows its special text « --:-- ».
    return QTime(value.hour, value.minute) if value is not None else QTime(0, 0)


def _time(edit: QTimeEdit) -> dt.time | None:
    value = edit.time()
    if value == edit.minimumTime():
        return None
    return dt.time(value.hour(), value.minute())


def _set_line(line: QLineEdit, text: str) -> None:
    if line.text() != text:
        line.setText(text)


def _normalised(fields: PlanFields) -> PlanFields:
    # What the database keeps: trimmed text, empty optional text as nothing.
    return replace(
        fields,
        title=fields.title.strip(),
        location=(fields.location or "").strip() or None,
        background=(fields.background or "").replace("\r\n", "\n").strip() or None,
    )
