"""Leviers & récolte: action levers, and the harvest tables with the partners' actions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Final, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.services.attendance import organisations
from alliance_desktop.services.workshop import (
    Changes,
    HarvestData,
    LeverData,
    add_harvest,
    add_lever,
    delete_harvest,
    delete_lever,
    edit_harvest,
    edit_lever,
    restore_harvest,
    restore_lever,
)
from alliance_desktop.ui.undo import ServiceCommand, Step, deleting
from alliance_desktop.ui.widgets import EntryLine, fit_columns, setup_table, stretch_column
from alliance_desktop.ui.workshop_context import WorkshopContext
from alliance_desktop.ui.workshop_models import Record, RecordTableModel, TableColumn

HARVEST_COLUMNS: Final = (
    e.HarvestColumn.WHAT_IS_MISSING,
    e.HarvestColumn.WHO_IS_MISSING,
    e.HarvestColumn.PARTNER_ACTIONS,
)
HEADING, LEVER_TEXT = range(2)
H_TEXT, H_PARTNER, H_THEME = range(3)

R = TypeVar("R", bound=Record)


class DeletableTable(QTableView):
    """A table whose current row Delete removes.

    Signals:
        delete_pressed: Delete was pressed on a row.
    """

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete removes the current row (unless a cell is being edited)."""
        if (
            event.key() == Qt.Key.Key_Delete
            and self.currentIndex().isValid()
            and self.state() != QTableView.State.EditingState
        ):
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class HarvestTable(DeletableTable):
    """A harvest table: what was said wraps and keeps most of the width, whatever its neighbours.

    Three of these share the width of the tab: sized to their contents, a long partner
    name and the theme left a few pixels to what was said (« Mas… »).
    """

    # The most each column beside the text may take, as a share of the table's width:
    # a theme is one short word, which is cut only in a very narrow table.
    PARTNER_SHARE: Final = 0.3
    THEME_SHARE: Final = 0.4

    def setup(self, name: str, accessible: str) -> None:
        """Set the table up; call once its model is set."""
        setup_table(self, name, accessible)
        stretch_column(self, H_TEXT)
        # Wrapped rather than cut: these lines are the harvest itself. The tables hold a few
        # dozen lines, so measuring their heights at each layout costs nothing noticeable.
        self.setWordWrap(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def fit(self) -> None:
        """Size the partner and theme columns to their contents, within their shares.

        What is left goes to the text, and is never narrower than its title: the three
        titles side by side must stay readable.
        """
        header = self.horizontalHeader()
        width = self.viewport().width()
        columns = range(1, header.count())
        shares = (self.PARTNER_SHARE, self.THEME_SHARE)[-len(columns) :]
        widths = [
            min(max(self.sizeHintForColumn(c), header.sectionSizeHint(c)), int(width * share))
            for c, share in zip(columns, shares, strict=True)
        ]
        room = width - header.sectionSizeHint(H_TEXT)
        if sum(widths) > room > 0:
            widths = [w * room // sum(widths) for w in widths]
        for column, size in zip(columns, widths, strict=True):
            header.resizeSection(column, max(size, 40))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Share the new width again."""
        super().resizeEvent(event)
        self.fit()


def _theme_text(h: HarvestData) -> str:
    return short_theme(h.theme) if h.theme is not None else ""


def harvest_columns(column: e.HarvestColumn) -> list[TableColumn[HarvestData]]:
    """The columns of one harvest table (the partner only for the partners' actions)."""
    columns: list[TableColumn[HarvestData]] = [
        TableColumn(lambda: label(column), lambda h: h.text, editable=True)
    ]
    if column == e.HarvestColumn.PARTNER_ACTIONS:
        columns.append(
            TableColumn(lambda: t("Partenaire", "Partner"), lambda h: h.partner, editable=True)
        )
    columns.append(TableColumn(lambda: t("Thématique", "Theme"), _theme_text))
    return columns


class LeversTab(QWidget):
    """The session's action levers above its harvest tables."""

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """Empty lists; :meth:`load` fills them."""
        super().__init__(parent)
        self.setObjectName("leversTab")
        self.context = context
        self.levers_model: RecordTableModel[LeverData] = RecordTableModel(
            [
                TableColumn(
                    lambda: t("Rubrique", "Heading"), lambda lv: lv.heading or "", editable=True
                ),
                TableColumn(
                    lambda: t("Levier d'action", "Action lever"), lambda lv: lv.text, editable=True
                ),
            ],
            order=lambda lv: lv.position,
            parent=self,
        )
        self.harvest_models: dict[e.HarvestColumn, RecordTableModel[HarvestData]] = {
            column: RecordTableModel(
                harvest_columns(column), order=lambda h: h.position, parent=self
            )
            for column in HARVEST_COLUMNS
        }

        # Levers.
        levers_box = QGroupBox(t("Leviers d'action", "Action levers"), self)
        self.heading = QComboBox(levers_box)
        self.heading.setObjectName("leverHeading")
        self.heading.setEditable(True)
        self.heading.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.heading.setMinimumContentsLength(16)
        self.heading.setAccessibleName(t("Rubrique du levier", "Lever heading"))
        heading_line = self.heading.lineEdit()
        assert heading_line is not None  # an editable combo box has one
        heading_line.setPlaceholderText(t("Rubrique (facultative)", "Heading (optional)"))
        self.lever_line = EntryLine(levers_box)
        self.lever_line.setObjectName("leverLine")
        self.lever_line.setPlaceholderText(
            t("Nouveau levier — Entrée enregistre", "New lever — Enter saves")
        )
        self.lever_line.setAccessibleName(t("Nouveau levier d'action", "New action lever"))
        self.levers_view = DeletableTable(levers_box)
        setup_table(self.levers_view, "leversTable", t("Leviers d'action", "Action levers"))
        self.levers_view.setModel(self.levers_model)
        stretch_column(self.levers_view, LEVER_TEXT)
        lever_input = QHBoxLayout()
        lever_input.addWidget(self.heading)
        lever_input.addWidget(self.lever_line, 1)
        levers_layout = QVBoxLayout(levers_box)
        levers_layout.addLayout(lever_input)
        levers_layout.addWidget(self.levers_view, 1)

        # Harvest.
        harvest_box = QGroupBox(t("Fresque de récolte", "Harvest tables"), self)
        self.harvest_column = QComboBox(harvest_box)
        self.harvest_column.setObjectName("harvestColumn")
        self.harvest_column.setAccessibleName(t("Colonne de la fresque", "Harvest column"))
        for column in HARVEST_COLUMNS:
            self.harvest_column.addItem(label(column), column.value)
        self.harvest_theme = QComboBox(harvest_box)
        self.harvest_theme.setObjectName("harvestTheme")
        self.harvest_theme.setAccessibleName(t("Thématique de la table", "Table theme"))
        self.harvest_theme.addItem(t("— toutes —", "— all —"), "")
        for theme in e.Theme:
            self.harvest_theme.addItem(short_theme(theme), theme.value)
        self.harvest_line = EntryLine(harvest_box)
        self.harvest_line.setObjectName("harvestLine")
        self.harvest_line.setPlaceholderText(
            t("Ce qui a été dit — Entrée enregistre", "What was said — Enter saves")
        )
        self.harvest_line.setAccessibleName(t("Nouvelle ligne de récolte", "New harvest line"))
        self.partner = QComboBox(harvest_box)
        self.partner.setObjectName("harvestPartner")
        self.partner.setEditable(True)
        self.partner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.partner.setMinimumContentsLength(12)
        self.partner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.partner.setAccessibleName(t("Organisation partenaire", "Partner organisation"))
        partner_line = self.partner.lineEdit()
        assert partner_line is not None
        partner_line.setPlaceholderText(t("Partenaire", "Partner"))
        harvest_input = QHBoxLayout()
        harvest_input.addWidget(self.harvest_column)
        harvest_input.addWidget(self.harvest_theme)
        harvest_input.addWidget(self.harvest_line, 3)
        harvest_input.addWidget(self.partner, 1)
        tables = QHBoxLayout()
        self.harvest_views: dict[e.HarvestColumn, HarvestTable] = {}
        for column in HARVEST_COLUMNS:
            view = HarvestTable(harvest_box)
            view.setModel(self.harvest_models[column])
            view.setup(f"harvest_{column.value}", label(column))
            # The partners' table has a third column: it gets a larger share of the width.
            tables.addWidget(view, 3 if column == e.HarvestColumn.PARTNER_ACTIONS else 2)
            self.harvest_views[column] = view
        harvest_layout = QVBoxLayout(harvest_box)
        harvest_layout.addLayout(harvest_input)
        harvest_layout.addLayout(tables, 1)
        hint = QLabel(
            t(
                "Entrée enregistre · F2 modifie · Suppr supprime · Ctrl+Z annule",
                "Enter saves · F2 edits · Delete removes · Ctrl+Z undoes",
            ),
            self,
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # The harvest has three tables side by side, with wrapped lines: more of the height.
        layout.addWidget(levers_box, 2)
        layout.addWidget(harvest_box, 3)
        layout.addWidget(hint)

        self.lever_line.returnPressed.connect(self._lever_entered)
        self.harvest_line.returnPressed.connect(self._harvest_entered)
        assert partner_line is not None
        partner_line.returnPressed.connect(self._harvest_entered)
        self.harvest_column.currentIndexChanged.connect(lambda _i: self._partner_enabled())
        self.levers_model.cell_edited.connect(self._lever_edited)
        self.levers_view.delete_pressed.connect(self._delete_lever)
        for column in HARVEST_COLUMNS:
            self.harvest_models[column].cell_edited.connect(self._harvest_edited)
            self.harvest_views[column].delete_pressed.connect(
                lambda c=column: self._delete_harvest(c)
            )
        self._partner_enabled()

    # --- content ---------------------------------------------------------------------

    def load(
        self, levers: list[LeverData], harvest: list[HarvestData], theme: e.Theme | None
    ) -> None:
        """Show a session's levers and harvest lines."""
        self.levers_model.set_records(levers)
        for column, model in self.harvest_models.items():
            model.set_records([h for h in harvest if h.column == column])
        self._fill_headings()
        fit_columns(self.levers_view)
        for view in self.harvest_views.values():
            view.fit()
        self.harvest_theme.setCurrentIndex(
            max(self.harvest_theme.findData(theme.value if theme else ""), 0)
        )
        try:
            orgs = organisations(self.context.db)
        except KnownError as exc:
            self.context.sink.report_error(str(exc))
            orgs = []
        self.partner.clear()
        self.partner.addItem("")
        for org in orgs:
            self.partner.addItem(org.name)
        completer = QCompleter([o.name for o in orgs], self.partner)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.partner.setCompleter(completer)
        self.partner.setCurrentIndex(0)
        self.lever_line.clear()
        self.harvest_line.clear()

    def _fill_headings(self) -> None:
        current = self.heading.currentText()
        headings = sorted({lv.heading for lv in self.levers_model.records() if lv.heading})
        self.heading.clear()
        self.heading.addItem("")
        self.heading.addItems(headings)
        self.heading.setEditText(current)

    def apply(self, changes: Changes) -> None:
        """Show the levers and harvest lines a service call created, changed or deleted."""
        for lv in changes.deleted_of(LeverData):
            self.levers_model.remove(lv.id)
        for lv in changes.upserted_of(LeverData):
            self.levers_model.upsert(lv)
        for h in changes.deleted_of(HarvestData):
            for model in self.harvest_models.values():
                model.remove(h.id)
        for h in changes.upserted_of(HarvestData):
            self.harvest_models[h.column].upsert(h)
        if changes.upserted_of(HarvestData):
            for view in self.harvest_views.values():
                view.fit()  # a longer partner name may need a wider column
        if changes.upserted_of(LeverData):
            self._fill_headings()

    def focus_first(self) -> None:
        """Typing starts with a new lever."""
        self.lever_line.setFocus(Qt.FocusReason.OtherFocusReason)

    def reveal(self, item_id: uuid.UUID) -> bool:
        """Select a lever or a harvest line (a search result)."""
        views: list[tuple[QTableView, Any]] = [(self.levers_view, self.levers_model)]
        views += [(self.harvest_views[c], self.harvest_models[c]) for c in HARVEST_COLUMNS]
        for view, model in views:
            row = model.row_of(item_id)
            if row >= 0:
                view.setCurrentIndex(model.index(row, 0))
                view.scrollTo(model.index(row, 0))
                view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def _partner_enabled(self) -> None:
        partners = self._column() == e.HarvestColumn.PARTNER_ACTIONS
        self.partner.setEnabled(partners)

    def _column(self) -> e.HarvestColumn:
        return e.HarvestColumn(self.harvest_column.currentData())

    # --- actions ---------------------------------------------------------------------

    def _push(self, text: str, do: Step, undo: Step) -> bool:
        command = ServiceCommand(text, do, undo, self.context.sink)
        self.context.stack.push(command)
        return not command.failed

    def _lever_entered(self) -> None:
        text = self.lever_line.text()
        if text.strip() and self.add_lever(text, self.heading.currentText()):
            self.lever_line.clear()

    def add_lever(self, text: str, heading: str | None = None) -> bool:
        """Note an action lever at the end of the list, undoably."""
        ctx = self.context
        db, meeting_id = ctx.db, ctx.meeting_id
        records = self.levers_model.records()
        position = records[-1].position + 1.0 if records else 0.0
        lever_id = uuid.uuid4()
        done = self._push(
            t("ajout d'un levier", "adding a lever"),
            lambda: add_lever(db, meeting_id, text, heading, position=position, lever_id=lever_id),
            lambda: delete_lever(db, lever_id),
        )
        if done:
            self.levers_view.scrollToBottom()
        return done

    def _harvest_entered(self) -> None:
        text = self.harvest_line.text()
        if not text.strip():
            return
        column = self._column()
        partner = self.partner.currentText() if column == e.HarvestColumn.PARTNER_ACTIONS else None
        theme_value = self.harvest_theme.currentData()
        theme = e.Theme(theme_value) if theme_value else None
        if self.add_harvest(column, text, theme, partner):
            self.harvest_line.clear()
            self.partner.setCurrentIndex(0)
            self.partner.setEditText("")
            self.harvest_line.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_harvest(
        self,
        column: e.HarvestColumn,
        text: str,
        theme: e.Theme | None = None,
        partner: str | None = None,
    ) -> bool:
        """Add a line to one of the harvest tables, undoably."""
        ctx = self.context
        db, meeting_id = ctx.db, ctx.meeting_id
        records = [h for model in self.harvest_models.values() for h in model.records()]
        position = max((h.position for h in records), default=-1.0) + 1.0
        item_id = uuid.uuid4()
        done = self._push(
            t("ajout d'une ligne de récolte", "adding a harvest line"),
            lambda: add_harvest(
                db,
                meeting_id,
                column,
                text,
                theme=theme,
                partner=partner,
                position=position,
                item_id=item_id,
            ),
            lambda: delete_harvest(db, item_id),
        )
        if done:
            self.harvest_views[column].scrollToBottom()
        return done

    def _lever_edited(self, lever_id: object, column: int, value: Any) -> None:
        assert isinstance(lever_id, uuid.UUID)
        old = self.levers_model.record(self.levers_model.row_of(lever_id))
        if old is None:
            return
        text = str(value) if column == LEVER_TEXT else old.text
        heading = str(value) if column == HEADING else old.heading
        db = self.context.db
        self._push(
            t("modification d'un levier", "editing a lever"),
            lambda: edit_lever(db, lever_id, text, heading),
            lambda: edit_lever(db, lever_id, old.text, old.heading),
        )

    def _harvest_edited(self, item_id: object, column: int, value: Any) -> None:
        assert isinstance(item_id, uuid.UUID)
        old = self._find_harvest(item_id)
        if old is None:
            return
        text = str(value) if column == H_TEXT else old.text
        partner = str(value) if column == H_PARTNER else old.partner
        db = self.context.db
        self._push(
            t("modification d'une ligne de récolte", "editing a harvest line"),
            lambda: edit_harvest(db, item_id, text, partner),
            lambda: edit_harvest(db, item_id, old.text, old.partner or None),
        )

    def _find_harvest(self, item_id: uuid.UUID) -> HarvestData | None:
        for model in self.harvest_models.values():
            row = model.row_of(item_id)
            if row >= 0:
                return model.record(row)
        return None

    def _delete_current(
        self,
        view: QTableView,
        model: RecordTableModel[R],
        delete: Callable[[uuid.UUID], tuple[Step, Step]],
        what: str,
    ) -> None:
        row = view.currentIndex().row()
        record = model.record(row)
        if record is None:
            return
        do, undo = delete(record.id)
        self._push(what, do, undo)
        left = model.rowCount()
        if left:
            view.setCurrentIndex(model.index(min(row, left - 1), 0))

    def _delete_lever(self) -> None:
        db = self.context.db
        self._delete_current(
            self.levers_view,
            self.levers_model,
            lambda lever_id: deleting(
                lambda: delete_lever(db, lever_id), lambda lv: restore_lever(db, lv), LeverData
            ),
            t("suppression d'un levier", "deleting a lever"),
        )

    def _delete_harvest(self, column: e.HarvestColumn) -> None:
        db = self.context.db
        self._delete_current(
            self.harvest_views[column],
            self.harvest_models[column],
            lambda item_id: deleting(
                lambda: delete_harvest(db, item_id),
                lambda h: restore_harvest(db, h),
                HarvestData,
            ),
            t("suppression d'une ligne de récolte", "deleting a harvest line"),
        )
