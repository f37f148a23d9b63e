"""Dialogs to add or change an indicator, an objective or a typed-in measurement."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.imports.common import parse_number
from alliance_desktop.services import indicators as si
from alliance_desktop.services.indicators import FIRST_YEAR, LAST_YEAR
from alliance_desktop.storage.database import Database

# A year spin box shows « — » at its minimum: the year is not given.
NO_YEAR: Final = FIRST_YEAR - 1


def _year_box(parent: QWidget, value: int | None, default: int | None = None) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(NO_YEAR, LAST_YEAR)
    box.setSpecialValueText("—")
    box.setValue(value if value is not None else (default if default is not None else NO_YEAR))
    return box


def year_of(box: QSpinBox) -> int | None:
    """The year in a box, or None when it shows « — »."""
    return None if box.value() == NO_YEAR else box.value()


def number_of(text: str) -> float | None:
    """A number typed the French way (« 1 234,5 ») or the English way; None if blank."""
    text = text.strip()
    if not text:
        return None
    value = parse_number(text)
    if value is None:
        raise KnownError(t(f"« {text} » n'est pas un nombre.", f"“{text}” is not a number."))
    return value


def _number_text(value: float | None) -> str:
    return si.format_number(value).replace("\u202f", " ") if value is not None else ""


class _EditDialog(QDialog):
    """A form that saves through a service call and stays open with the reason if refused.

    The call is one committed transaction; :attr:`changes` holds what it returned.
    """

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.changes: si.IndicatorChanges | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel(self)
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a02c1c;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(t("Enregistrer", "Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("Annuler", "Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    # Each dialog defines it: write the form through the service, raising KnownError to
    # keep the dialog open. Declared, not defined here (Qt's metaclass rules out abc).
    save: Callable[[], si.IndicatorChanges]

    def accept(self) -> None:
        """Save, then close; on a refusal, say why and stay open."""
        try:
            self.changes = self.save()
        except KnownError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()


def _session_box(
    parent: QWidget, sessions: list[si.MeetingRef], current: uuid.UUID | None
) -> QComboBox:
    box = QComboBox(parent)
    box.addItem(t("— aucune —", "— none —"), None)
    for m in sessions:
        box.addItem(m.describe(), str(m.id))
    if current is not None:
        found = box.findData(str(current))
        box.setCurrentIndex(max(found, 0))
    return box


def _session_of(box: QComboBox) -> uuid.UUID | None:
    data = box.currentData()
    return uuid.UUID(data) if data else None


class IndicatorDialog(_EditDialog):
    """Add an indicator to a theme's catalogue, or describe one again."""

    def __init__(
        self,
        db: Database,
        theme: e.Theme,
        state: si.IndicatorState | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """A form for a new indicator of ``theme``, or for ``state``'s indicator."""
        title = (
            t("Nouvel indicateur", "New indicator")
            if state is None
            else t("Modifier l'indicateur", "Edit the indicator")
        )
        super().__init__(f"{title} — {short_theme(theme)}", parent)
        self.setObjectName("indicatorDialog")
        self._db = db
        self._theme = theme
        self._state = state
        info = state.info if state is not None else None
        self.name = QLineEdit(info.name if info else "", self)
        self.name.setPlaceholderText(t("ex. Émissions de GES par secteur", "e.g. GHG emissions"))
        self.unit = QLineEdit(info.unit or "" if info else "", self)
        self.unit.setPlaceholderText(t("ex. kt CO2e, ha/an, %", "e.g. kt CO2e, ha/year, %"))
        self.definition = QPlainTextEdit(info.definition or "" if info else "", self)
        self.definition.setTabChangesFocus(True)
        self.definition.setFixedHeight(70)
        self.source = QLineEdit(info.source or "" if info else "", self)
        self.breakdown_label = QLineEdit(info.breakdown_label or "" if info else "", self)
        self.breakdown_label.setPlaceholderText(t("ex. secteur, polluant", "e.g. sector"))
        self.breakdown = QLineEdit("; ".join(info.breakdown) if info else "", self)
        self.breakdown.setPlaceholderText(
            t("ex. Transport; Résidentiel; Tertiaire", "e.g. Transport; Residential")
        )
        self.session = _session_box(
            self,
            si.adopting_sessions(db, theme),
            info.adopted_in.id if info and info.adopted_in else None,
        )
        self.form.addRow(t("&Nom :", "&Name:"), self.name)
        self.form.addRow(t("&Unité :", "&Unit:"), self.unit)
        self.form.addRow(t("&Définition :", "&Definition:"), self.definition)
        self.form.addRow(t("&Source :", "&Source:"), self.source)
        self.form.addRow(t("Ventilée &par :", "Broken down &by:"), self.breakdown_label)
        self.form.addRow(
            t("&Clés (séparées par « ; ») :", "&Keys (separated by “;”):"), self.breakdown
        )
        self.form.addRow(t("Adopté en &séance :", "Adopted in &session:"), self.session)
        self.resize(560, self.sizeHint().height())

    def fields(self) -> si.IndicatorFields:
        """The form as the service takes it."""
        return si.IndicatorFields(
            name=self.name.text(),
            unit=self.unit.text(),
            definition=self.definition.toPlainText(),
            source=self.source.text(),
            breakdown_label=self.breakdown_label.text(),
            breakdown=tuple(k for k in self.breakdown.text().split(";")),
            adopted_in_id=_session_of(self.session),
        )

    def save(self) -> si.IndicatorChanges:
        """Create or update the indicator (one transaction)."""
        if self._state is None:
            return si.create_indicator(self._db, self._theme, self.fields())
        return si.update_indicator(self._db, self._state.info.id, self.fields())


_KINDS: Final = (e.ObjectiveKind.TARGET, e.ObjectiveKind.CHANGE, e.ObjectiveKind.DIRECTION)


class ObjectiveDialog(_EditDialog):
    """Add an objective to an indicator, or change one: a target, a change, a direction."""

    def __init__(
        self,
        db: Database,
        state: si.IndicatorState,
        objective: si.ObjectiveInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """A form for a new objective on ``state``'s indicator, or for ``objective``."""
        title = (
            t("Nouvel objectif", "New objective")
            if objective is None
            else t("Modifier l'objectif", "Edit the objective")
        )
        super().__init__(f"{title} — {state.info.name}", parent)
        self.setObjectName("objectiveDialog")
        self._db = db
        self._state = state
        self._objective = objective
        o = objective
        unit = state.info.unit
        self.kind = QComboBox(self)
        for kind in _KINDS:
            self.kind.addItem(label(kind), kind.value)
        self.kind.setCurrentIndex(_KINDS.index(o.kind) if o else 0)
        self.key = QComboBox(self)
        self.key.addItem(t("— l'indicateur entier —", "— the whole indicator —"), "")
        for k in state.info.breakdown:
            self.key.addItem(k, k)
        if o and o.breakdown_key:
            self.key.setCurrentIndex(max(self.key.findData(o.breakdown_key), 0))
        self.target = QLineEdit(_number_text(o.target_value) if o else "", self)
        self.target.setPlaceholderText(unit or "")
        self.change = QLineEdit(_number_text(o.change_percent) if o else "", self)
        self.change.setPlaceholderText(t("ex. −69 pour −69 %", "e.g. −69 for −69 %"))
        self.baseline = _year_box(self, o.baseline_year if o else None)
        self.baseline.setToolTip(
            t(
                "Pour une valeur cible, « — » part de la première mesure.",
                "For a target value, “—” starts from the first measurement.",
            )
        )
        self.horizon = _year_box(self, o.horizon_year if o else None)
        self.direction = QComboBox(self)
        self.direction.setToolTip(
            t(
                "Pour une cible : « Diminution » en fait un plafond, « Hausse » un plancher.",
                "For a target: “Decrease” makes it a ceiling, “Increase” a floor.",
            )
        )
        self.direction.addItem(t("— selon la cible —", "— from the target —"), "")
        for d in e.Direction:
            self.direction.addItem(label(d), d.value)
        if o and o.direction:
            self.direction.setCurrentIndex(max(self.direction.findData(o.direction.value), 0))
        self.wording = QLineEdit(o.wording or "" if o else "", self)
        self.wording.setPlaceholderText(
            t("la formulation adoptée, ex. « 787 kt CO2e à l'horizon 2030 »", "as agreed")
        )
        self.source = QLineEdit(o.source or "" if o else "", self)
        self.source.setPlaceholderText(t("ex. PREPA, PPA, SNBC", "e.g. PREPA"))
        self.session = _session_box(
            self,
            si.adopting_sessions(db, state.info.theme),
            o.agreed_in.id if o and o.agreed_in else None,
        )
        self.validated = QCheckBox(t("Validé par la séance", "Validated by the session"), self)
        self.validated.setChecked(o.validated if o else True)
        self.form.addRow(t("&Forme :", "&Shape:"), self.kind)
        if state.info.breakdown:
            self.form.addRow(
                (state.info.breakdown_label or t("Ventilation", "Breakdown")).capitalize()
                + t(" :", ":"),
                self.key,
            )
        self.form.addRow(t("&Valeur cible :", "&Target value:"), self.target)
        self.form.addRow(t("&Évolution (%) :", "&Change (%):"), self.change)
        self.form.addRow(t("Année de &référence :", "&Baseline year:"), self.baseline)
        self.form.addRow(t("&Horizon :", "&Horizon:"), self.horizon)
        self.direction_label = QLabel(self)
        self.form.addRow(self.direction_label, self.direction)
        self.direction_label.setBuddy(self.direction)
        self.form.addRow(t("F&ormulation :", "&Wording:"), self.wording)
        self.form.addRow(t("&Source :", "&Source:"), self.source)
        self.form.addRow(t("Adopté en sé&ance :", "Agreed in sess&ion:"), self.session)
        self.form.addRow("", self.validated)
        self.kind.currentIndexChanged.connect(self._shape_changed)
        self._shape_changed()
        self.resize(560, self.sizeHint().height())

    def current_kind(self) -> e.ObjectiveKind:
        """The shape chosen."""
        return e.ObjectiveKind(self.kind.currentData())

    def _shape_changed(self) -> None:
        kind = self.current_kind()
        self.form.setRowVisible(self.target, kind is e.ObjectiveKind.TARGET)
        self.form.setRowVisible(self.change, kind is e.ObjectiveKind.CHANGE)
        self.form.setRowVisible(self.baseline, kind is not e.ObjectiveKind.DIRECTION)
        self.form.setRowVisible(self.horizon, kind is not e.ObjectiveKind.DIRECTION)
        first = self.direction.itemData(0)
        if kind is e.ObjectiveKind.DIRECTION:
            self.direction_label.setText(t("&Tendance attendue :", "Expected &direction:"))
            if first == "":
                self.direction.removeItem(0)
        else:
            # A ceiling (down) or a floor (up): left empty, the target's side decides.
            self.direction_label.setText(t("&Sens souhaité :", "Wanted &direction:"))
            if first != "":
                self.direction.insertItem(0, t("— selon la cible —", "— from the target —"), "")
                if self._objective is None or self._objective.direction is None:
                    self.direction.setCurrentIndex(0)

    def fields(self) -> si.ObjectiveFields:
        """The form as the service takes it.

        Raises:
            KnownError: a value that is not a number.
        """
        direction = self.direction.currentData()
        return si.ObjectiveFields(
            kind=self.current_kind(),
            breakdown_key=self.key.currentData() or None,
            target_value=number_of(self.target.text()),
            horizon_year=year_of(self.horizon),
            change_percent=number_of(self.change.text()),
            baseline_year=year_of(self.baseline),
            direction=e.Direction(direction) if direction else None,
            wording=self.wording.text(),
            source=self.source.text(),
            agreed_in_id=_session_of(self.session),
            validated=self.validated.isChecked(),
        )

    def save(self) -> si.IndicatorChanges:
        """Add or update the objective (one transaction)."""
        if self._objective is None:
            return si.add_objective(self._db, self._state.info.id, self.fields())
        return si.update_objective(self._db, self._objective.id, self.fields())


class MeasurementDialog(_EditDialog):
    """Type in one value of an indicator for a year (and a key of its breakdown)."""

    def __init__(
        self,
        db: Database,
        state: si.IndicatorState,
        measurement: si.MeasurementInfo | None = None,
        parent: QWidget | None = None,
        *,
        default_year: int | None = None,
    ) -> None:
        """A form for a new value of ``state``'s indicator, or to correct ``measurement``."""
        super().__init__(f"{t('Saisir une mesure', 'Type in a value')} — {state.info.name}", parent)
        self.setObjectName("measurementDialog")
        self._db = db
        self._state = state
        self._measurement = measurement
        m = measurement
        self.year = QSpinBox(self)
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(m.year if m else (default_year or (state.latest_year or 2024) + 1))
        self.key = QComboBox(self)
        for k in state.info.breakdown:
            self.key.addItem(k, k)
        self.key.addItem(t("— total —", "— total —"), "")
        if m is not None:
            self.key.setCurrentIndex(max(self.key.findData(m.breakdown_key), 0))
        self.value = QLineEdit(_number_text(m.value) if m else "", self)
        self.value.setPlaceholderText(t("ex. 1 234,5", "e.g. 1,234.5"))
        self.source = QLineEdit(m.source or "" if m else "", self)
        self.source.setPlaceholderText(
            t("ex. ATMO Auvergne-Rhône-Alpes, inventaire 2024", "e.g. ATMO, 2024 inventory")
        )
        self.form.addRow(t("&Année :", "&Year:"), self.year)
        if state.info.breakdown:
            self.form.addRow(
                (state.info.breakdown_label or t("Ventilation", "Breakdown")).capitalize()
                + t(" :", ":"),
                self.key,
            )
        unit = f" ({state.info.unit})" if state.info.unit else ""
        self.form.addRow(t(f"&Valeur{unit} :", f"&Value{unit}:"), self.value)
        self.form.addRow(t("&Source :", "&Source:"), self.source)
        note = QLabel(
            t(
                "Une valeur déjà enregistrée pour cette année est remplacée.",
                "A value already recorded for that year is replaced.",
            ),
            self,
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.value.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(460, self.sizeHint().height())

    def save(self) -> si.IndicatorChanges:
        """Record the value (one transaction)."""
        value = number_of(self.value.text())
        if value is None:
            raise KnownError(t("Indiquez la valeur.", "Give the value."))
        key = self.key.currentData() if self._state.info.breakdown else ""
        return si.record_measurement(
            self._db,
            self._state.info.id,
            self.year.value(),
            value,
            key,
            self.source.text(),
            replaces=self._measurement.id if self._measurement else None,
        )
