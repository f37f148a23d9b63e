"""Indicateurs: pick or create an indicator, set its objective, validate it in the session."""

from __future__ import annotations

import re
import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.exports.model import ObjectiveItem
from alliance_desktop.exports.wording import objective_sentence
from alliance_desktop.services.attendance import fold
from alliance_desktop.services.workshop import (
    Changes,
    IndicatorData,
    ObjectiveData,
    ObjectiveFields,
    catalogue,
    check_objective,
    create_indicator,
    delete_objective,
    objective_fields,
    restore_objective,
    session_objectives,
    set_objective,
    set_validated,
)
from alliance_desktop.ui.undo import ServiceCommand, deleting
from alliance_desktop.ui.widgets import FoldedFilter, fit_columns, setup_table, stretch_column
from alliance_desktop.ui.workshop_context import WorkshopContext
from alliance_desktop.ui.workshop_models import RecordTableModel, TableColumn

# Columns of the table of objectives agreed in the session.
OBJ_INDICATOR, OBJ_TEXT, OBJ_VALIDATED = range(3)


def parse_number(text: str) -> float | None:
    """« 787 », « 1 234,5 », « -69 » as a number; "" as None.

    Raises:
        KnownError: the text is not a number.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".").replace("−", "-")
    cleaned = cleaned.rstrip("%")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise KnownError(
            t(
                f"« {text} » n'est pas un nombre : écrivez par exemple 787 ou -69,5.",
                f"“{text}” is not a number: write for instance 787 or -69.5.",
            )
        ) from None


def objective_text(o: ObjectiveData, lang: str | None = None) -> str:
    """The objective in one phrase, worded as the documents word it."""
    item = ObjectiveItem(
        indicator=o.indicator,
        unit=o.unit,
        kind=o.kind,
        target_value=o.target_value,
        horizon_year=o.horizon_year,
        change_percent=o.change_percent,
        baseline_year=o.baseline_year,
        direction=o.direction,
        wording=o.wording,
        source=o.source,
        validated=o.validated,
        agreed_in=o.agreed_in_id,
    )
    return objective_sentence(item, lang or language())


def _year_box(parent: QWidget) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(1990, 2100)
    # The minimum reads as "not set": an objective may have no horizon.
    box.setSpecialValueText("—")
    box.setValue(box.minimum())
    return box


def _year(box: QSpinBox) -> int | None:
    return None if box.value() == box.minimum() else box.value()


def _wrap_rows(view: QTableView) -> None:
    """Long indicator names wrap on several lines rather than end in « … ».

    These tables hold one theme's indicators or one session's objectives, a few dozen
    rows at most: measuring their heights at each layout costs nothing noticeable.
    """
    view.setWordWrap(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class ObjectivesView(QTableView):
    """The objectives agreed in the session; Delete removes the current one.

    Signals:
        delete_pressed: Delete was pressed on a row.
    """

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete removes the current objective."""
        if event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class IndicatorsTab(QWidget):
    """The theme's catalogue on the left, the objective being set on the right."""

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """Empty lists; :meth:`load` fills them."""
        super().__init__(parent)
        self.setObjectName("indicatorsTab")
        self.context = context
        self._theme: e.Theme | None = None
        self._editing: uuid.UUID | None = None
        self.catalogue_model: RecordTableModel[IndicatorData] = RecordTableModel(
            [
                TableColumn(lambda: t("Indicateur", "Indicator"), _indicator_name),
                TableColumn(lambda: t("Unité", "Unit"), lambda i: i.unit or ""),
            ],
            search_text=lambda i: fold(f"{i.name} {i.unit or ''} {i.source or ''}"),
            parent=self,
        )
        self.proxy = FoldedFilter(self)
        self.proxy.setSourceModel(self.catalogue_model)
        self.objectives_model: RecordTableModel[ObjectiveData] = RecordTableModel(
            [
                TableColumn(lambda: t("Indicateur", "Indicator"), lambda o: o.indicator),
                TableColumn(lambda: t("Objectif", "Objective"), objective_text),
                TableColumn(
                    lambda: t("Validé en séance", "Validated"),
                    lambda o: "",
                    check=lambda o: o.validated,
                ),
            ],
            parent=self,
        )

        # Left: the catalogue and a new indicator.
        left = QWidget(self)
        self.filter = QLineEdit(left)
        self.filter.setObjectName("indicatorFilter")
        self.filter.setPlaceholderText(t("Chercher un indicateur…", "Find an indicator…"))
        self.filter.setAccessibleName(t("Chercher un indicateur", "Find an indicator"))
        self.filter.setClearButtonEnabled(True)
        self.catalogue_view = setup_table(
            QTableView(left), "indicatorCatalogue", t("Catalogue des indicateurs", "Catalogue")
        )
        self.catalogue_view.setModel(self.proxy)
        stretch_column(self.catalogue_view, 0)
        _wrap_rows(self.catalogue_view)
        new_box = QGroupBox(t("Nouvel indicateur", "New indicator"), left)
        self.new_name = QLineEdit(new_box)
        self.new_name.setObjectName("newIndicatorName")
        self.new_unit = QLineEdit(new_box)
        self.new_source = QLineEdit(new_box)
        self.new_theme = QComboBox(new_box)
        for theme in e.Theme:
            self.new_theme.addItem(short_theme(theme), theme.value)
        self.create_button = QPushButton(t("C&réer l'indicateur", "C&reate the indicator"), new_box)
        new_form = QFormLayout(new_box)
        new_form.addRow(t("&Nom", "&Name"), self.new_name)
        new_form.addRow(t("&Unité", "&Unit"), self.new_unit)
        new_form.addRow(t("S&ource", "S&ource"), self.new_source)
        new_form.addRow(t("T&hématique", "T&heme"), self.new_theme)
        new_form.addRow("", self.create_button)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.catalogue_view, 1)
        left_layout.addWidget(new_box)

        # Right: the objective of the selected indicator.
        right = QWidget(self)
        self.selected_label = QLabel(right)
        self.selected_label.setObjectName("selectedIndicator")
        self.selected_label.setWordWrap(True)
        font = self.selected_label.font()
        font.setBold(True)
        self.selected_label.setFont(font)
        self.kind_target = QRadioButton(t("&Valeur cible", "&Value by a year"), right)
        self.kind_change = QRadioButton(
            t("Évolut&ion en % / année de référence", "% change aga&inst a year"), right
        )
        self.kind_direction = QRadioButton(t("&Tendance", "&Trend"), right)
        self.kinds = QButtonGroup(self)
        for n, button in enumerate((self.kind_target, self.kind_change, self.kind_direction)):
            self.kinds.addButton(button, n)
        self.kind_target.setChecked(True)
        self.target_value = QLineEdit(right)
        self.target_value.setObjectName("targetValue")
        self.change_percent = QLineEdit(right)
        self.change_percent.setObjectName("changePercent")
        # Marked as an example: a bare grey « -69 » read as a value already typed.
        self.change_percent.setPlaceholderText(t("ex. −69", "e.g. −69"))
        self.horizon = _year_box(right)
        self.horizon.setObjectName("horizonYear")
        self.baseline = _year_box(right)
        self.baseline.setObjectName("baselineYear")
        self.direction = QComboBox(right)
        for direction in e.Direction:
            self.direction.addItem(label(direction), direction.value)
        self.wording = QLineEdit(right)
        self.wording.setPlaceholderText(
            t("La formulation de l'Alliance, si elle en a une", "The Alliance's own wording")
        )
        self.source = QLineEdit(right)
        self.source.setPlaceholderText("PREPA, SNBC, PLUi…")
        self.validated = QCheckBox(
            t("&Marquer validé dans cette séance", "&Mark validated in this session"), right
        )
        self.validated.setChecked(True)
        self.save_button = QPushButton(t("&Enregistrer l'objectif", "&Save the objective"), right)
        self.save_button.setObjectName("saveObjective")
        self.new_objective_button = QPushButton(t("Nouvel objectif", "New objective"), right)
        # One above the other: the three shapes side by side would not fit a laptop at 125 %.
        kinds = QVBoxLayout()
        kinds.setSpacing(2)
        for button in (self.kind_target, self.kind_change, self.kind_direction):
            kinds.addWidget(button)
        form = QFormLayout()
        form.addRow(t("Forme", "Shape"), kinds)
        form.addRow(t("Valeur ci&ble", "Target &value"), self.target_value)
        form.addRow(t("Évolution (%)", "Change (%)"), self.change_percent)
        form.addRow(t("Année de référen&ce", "Baseline year (&c)"), self.baseline)
        form.addRow(t("Hori&zon", "Hori&zon"), self.horizon)
        form.addRow(t("Ten&dance", "&Direction"), self.direction)
        form.addRow(t("Formu&lation", "Wording (&l)"), self.wording)
        form.addRow(t("Source de l'ob&jectif", "Ob&jective source"), self.source)
        form.addRow("", self.validated)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_objective_button)
        buttons.addWidget(self.save_button)
        self.objectives_view = ObjectivesView(right)
        setup_table(
            self.objectives_view,
            "sessionObjectives",
            t("Objectifs retenus dans cette séance", "Objectives agreed in this session"),
        )
        self.objectives_view.setModel(self.objectives_model)
        # The indicator's name is as long as the objective: both share the width, wrapped.
        stretch_column(self.objectives_view, OBJ_INDICATOR)
        stretch_column(self.objectives_view, OBJ_TEXT)
        _wrap_rows(self.objectives_view)
        agreed = QLabel(t("Objectifs retenus dans cette séance", "Objectives agreed here"), right)
        agreed.setFont(font)
        line = QFrame(right)
        line.setFrameShape(QFrame.Shape.HLine)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.selected_label)
        right_layout.addLayout(form)
        right_layout.addLayout(buttons)
        right_layout.addWidget(line)
        right_layout.addWidget(agreed)
        right_layout.addWidget(self.objectives_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        # The form scrolls rather than pushing the window past a laptop screen at 125 %.
        right_scroll = QScrollArea(self)
        right_scroll.setWidget(right)
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(right_scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.filter.textChanged.connect(self.proxy.set_query)
        self.catalogue_view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._indicator_chosen()
        )
        self.create_button.clicked.connect(self.add_indicator)
        self.new_name.returnPressed.connect(self.add_indicator)
        self.save_button.clicked.connect(self.save)
        self.new_objective_button.clicked.connect(self.new_objective)
        for field in (self.target_value, self.change_percent, self.wording, self.source):
            field.returnPressed.connect(self.save)
        self.kinds.idToggled.connect(lambda _id, _checked: self._enable_fields())
        self.objectives_model.cell_edited.connect(self._objective_ticked)
        self.objectives_view.activated.connect(lambda index: self.edit_objective(index.row()))
        self.objectives_view.delete_pressed.connect(self._delete_current)
        self._enable_fields()
        self._indicator_chosen()

    # --- content ---------------------------------------------------------------------

    def load(self, theme: e.Theme | None) -> None:
        """Show the catalogue of ``theme`` (all themes if None) and the session's objectives."""
        self._theme = theme
        ctx = self.context
        try:
            indicators = catalogue(ctx.db, theme)
            objectives = session_objectives(ctx.db, ctx.meeting_id)
        except KnownError as exc:
            ctx.sink.report_error(str(exc))
            indicators, objectives = [], []
        self.catalogue_model.set_records(indicators)
        self.objectives_model.set_records(objectives)
        fit_columns(self.catalogue_view)
        fit_columns(self.objectives_view)
        if theme is not None:
            self.new_theme.setCurrentIndex(self.new_theme.findData(theme.value))
        self.filter.clear()
        self.new_objective()
        self._indicator_chosen()

    def apply(self, changes: Changes) -> None:
        """Show the indicators and objectives a service call created, changed or deleted."""
        for ind in changes.upserted_of(IndicatorData):
            self.catalogue_model.upsert(ind)
        if changes.upserted_of(IndicatorData):
            fit_columns(self.catalogue_view)  # a new unit may be longer than the others
        meeting_id = self.context.meeting_id
        for o in changes.deleted_of(ObjectiveData):
            self.objectives_model.remove(o.id)
        for o in changes.upserted_of(ObjectiveData):
            if o.agreed_in_id == meeting_id:
                self.objectives_model.upsert(o)
            else:
                self.objectives_model.remove(o.id)

    def focus_first(self) -> None:
        """Typing starts by finding the indicator."""
        self.filter.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected(self) -> IndicatorData | None:
        """The indicator chosen in the catalogue, if any."""
        index = self.catalogue_view.currentIndex()
        if not index.isValid():
            return None
        return self.catalogue_model.record(self.proxy.mapToSource(index).row())

    def select_indicator(self, indicator_id: uuid.UUID) -> None:
        """Make ``indicator_id`` the chosen indicator (the filter is cleared if it hides it)."""
        row = self.catalogue_model.row_of(indicator_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.catalogue_model.index(row, 0))
        if not index.isValid():
            self.filter.clear()
            index = self.proxy.mapFromSource(self.catalogue_model.index(row, 0))
        self.catalogue_view.setCurrentIndex(index)

    # --- the form --------------------------------------------------------------------

    def _kind(self) -> e.ObjectiveKind:
        return (e.ObjectiveKind.TARGET, e.ObjectiveKind.CHANGE, e.ObjectiveKind.DIRECTION)[
            max(self.kinds.checkedId(), 0)
        ]

    def _enable_fields(self) -> None:
        kind = self._kind()
        self.target_value.setEnabled(kind == e.ObjectiveKind.TARGET)
        self.change_percent.setEnabled(kind == e.ObjectiveKind.CHANGE)
        self.baseline.setEnabled(kind == e.ObjectiveKind.CHANGE)
        self.horizon.setEnabled(kind != e.ObjectiveKind.DIRECTION)
        self.direction.setEnabled(kind == e.ObjectiveKind.DIRECTION)

    def _indicator_chosen(self) -> None:
        indicator = self.selected()
        enabled = indicator is not None
        self.save_button.setEnabled(enabled)
        if indicator is None:
            self.selected_label.setText(
                t("Choisissez un indicateur dans le catalogue.", "Choose an indicator.")
            )
        else:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            self.selected_label.setText(f"{indicator.name}{unit}")

    def fields(self) -> ObjectiveFields:
        """The objective as the form shows it.

        Raises:
            KnownError: a number is not one.
        """
        kind = self._kind()
        # Only the fields of the chosen shape are read: a leftover in a greyed-out field
        # must not stop the facilitator.
        target = self.target_value.text() if kind == e.ObjectiveKind.TARGET else ""
        change = self.change_percent.text() if kind == e.ObjectiveKind.CHANGE else ""
        return ObjectiveFields(
            kind=kind,
            target_value=parse_number(target),
            horizon_year=_year(self.horizon),
            change_percent=parse_number(change),
            baseline_year=_year(self.baseline),
            direction=e.Direction(self.direction.currentData()),
            wording=self.wording.text(),
            source=self.source.text(),
        )

    def new_objective(self) -> None:
        """Empty the form for another objective of the chosen indicator."""
        self._editing = None
        for field in (self.target_value, self.change_percent, self.wording, self.source):
            field.clear()
        self.horizon.setValue(self.horizon.minimum())
        self.baseline.setValue(self.baseline.minimum())
        self.kind_target.setChecked(True)
        self.validated.setChecked(True)
        self.save_button.setText(t("&Enregistrer l'objectif", "&Save the objective"))

    def edit_objective(self, row: int) -> None:
        """Load an objective of the session into the form, to correct it."""
        o = self.objectives_model.record(row)
        if o is None:
            return
        self.select_indicator(o.indicator_id)
        self._editing = o.id
        button = {
            e.ObjectiveKind.TARGET: self.kind_target,
            e.ObjectiveKind.CHANGE: self.kind_change,
            e.ObjectiveKind.DIRECTION: self.kind_direction,
        }[o.kind]
        button.setChecked(True)
        self.target_value.setText(_number_text(o.target_value))
        self.change_percent.setText(_number_text(o.change_percent))
        self.horizon.setValue(o.horizon_year or self.horizon.minimum())
        self.baseline.setValue(o.baseline_year or self.baseline.minimum())
        if o.direction is not None:
            self.direction.setCurrentIndex(self.direction.findData(o.direction.value))
        self.wording.setText(o.wording or "")
        self.source.setText(o.source or "")
        self.validated.setChecked(o.validated)
        self.save_button.setText(t("&Enregistrer la correction", "&Save the correction"))

    # --- actions ---------------------------------------------------------------------

    def add_indicator(self) -> None:
        """Add the indicator typed to the catalogue (adopted in this session) and choose it."""
        ctx = self.context
        theme = e.Theme(self.new_theme.currentData())
        try:
            changes = create_indicator(
                ctx.db,
                ctx.meeting_id,
                theme,
                self.new_name.text(),
                self.new_unit.text(),
                self.new_source.text(),
            )
        except KnownError as exc:
            ctx.sink.report_error(str(exc))
            return
        ctx.sink.apply_changes(changes)
        for field in (self.new_name, self.new_unit, self.new_source):
            field.clear()
        for ind in changes.upserted_of(IndicatorData):
            self.select_indicator(ind.id)
        self.target_value.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> bool:
        """Record the objective of the chosen indicator, undoably; False if refused."""
        indicator = self.selected()
        if indicator is None:
            return False
        ctx = self.context
        try:
            fields = self.fields()
        except KnownError as exc:
            ctx.sink.report_error(str(exc))
            return False
        problem = check_objective(fields)
        if problem is not None:
            ctx.sink.report_error(problem)
            return False
        db, meeting_id, validated = ctx.db, ctx.meeting_id, self.validated.isChecked()
        editing = self._editing
        old = None
        if editing is not None:
            old = self.objectives_model.record(self.objectives_model.row_of(editing))
        objective_id = editing or uuid.uuid4()
        if old is None:
            undo = lambda: delete_objective(db, objective_id)  # noqa: E731
        else:
            previous = old
            undo = lambda: set_objective(  # noqa: E731
                db,
                meeting_id,
                previous.indicator_id,
                objective_fields(previous),
                validated=previous.validated,
                objective_id=previous.id,
            )
        command = ServiceCommand(
            t("objectif d'un indicateur", "indicator objective"),
            lambda: set_objective(
                db, meeting_id, indicator.id, fields, validated=validated, objective_id=objective_id
            ),
            undo,
            ctx.sink,
        )
        ctx.stack.push(command)
        if command.failed:
            return False
        self.new_objective()
        return True

    def _objective_ticked(self, objective_id: object, column: int, value: Any) -> None:
        assert isinstance(objective_id, uuid.UUID)
        if column != OBJ_VALIDATED:
            return
        ctx = self.context
        db, meeting_id, validated = ctx.db, ctx.meeting_id, bool(value)
        ctx.stack.push(
            ServiceCommand(
                t("validation d'un objectif", "validating an objective"),
                lambda: set_validated(db, meeting_id, objective_id, validated),
                lambda: set_validated(db, meeting_id, objective_id, not validated),
                ctx.sink,
            )
        )

    def _delete_current(self) -> None:
        o = self.objectives_model.record(self.objectives_view.currentIndex().row())
        if o is None:
            return
        db = self.context.db
        do, undo = deleting(
            lambda: delete_objective(db, o.id), lambda x: restore_objective(db, x), ObjectiveData
        )
        self.context.stack.push(
            ServiceCommand(
                t("suppression d'un objectif", "deleting an objective"), do, undo, self.context.sink
            )
        )


def _indicator_name(i: IndicatorData) -> str:
    count = len(i.objectives)
    if not count:
        return i.name
    return f"{i.name} · {count} {t('objectif', 'objective')}{'s' if count > 1 else ''}"


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:g}"
    return text.replace(".", ",") if language() == "fr" else text
