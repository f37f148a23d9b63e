"""The members' questionnaire: answers by organisation or by theme, and the synthesis."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services import survey
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.members.common import warn
from alliance_desktop.ui.members.models import day, theme_text


def _answer_html(a: survey.Answer, heading: str) -> str:
    parts = [f"<h4>{html.escape(heading)}</h4>"]
    if a.answered_on:
        parts.append(
            f"<p><i>{html.escape(t('Réponse du ', 'Answered on ') + day(a.answered_on))}</i></p>"
        )
    for title, text in (
        (t("Objectifs", "Objectives"), a.objectives),
        (t("Stratégies", "Strategies"), a.strategies),
        (t("Actions", "Actions"), a.actions),
    ):
        if text:
            body = html.escape(text).replace("\n", "<br>")
            parts.append(f"<p><b>{html.escape(title)}</b> : {body}</p>")
    return "\n".join(parts)


class SurveyWindow(QDialog):
    """Answers to the members' questionnaire.

    Signals:
        import_requested: the user asked to import answers.
    """

    import_requested = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """The answers held in ``db``."""
        super().__init__(parent)
        self.setObjectName("surveyWindow")
        self.setWindowTitle(t("Questionnaire des membres", "Members' questionnaire"))
        self._db = db
        self.answers: list[survey.Answer] = []
        self.grouping = QComboBox(self)
        self.grouping.setAccessibleName(t("Regrouper", "Group"))
        self.grouping.addItem(t("Par organisation", "By organisation"), "organisation")
        self.grouping.addItem(t("Par thématique", "By theme"), "theme")
        self.grouping.currentIndexChanged.connect(lambda _i: self._fill_groups())
        self.import_button = QPushButton(t("&Importer des réponses…", "&Import answers…"), self)
        self.import_button.clicked.connect(self.import_requested.emit)
        self.synthesis = QLabel(self)
        self.synthesis.setObjectName("surveySynthesis")
        self.synthesis.setWordWrap(True)
        self.groups = QListWidget(self)
        self.groups.setObjectName("surveyGroups")
        self.groups.setAccessibleName(t("Organisations ou thématiques", "Organisations or themes"))
        self.groups.currentRowChanged.connect(self._show_group)
        self.text = QTextBrowser(self)
        self.text.setObjectName("surveyAnswers")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.groups)
        split.addWidget(self.text)
        split.setSizes([300, 700])
        top = QHBoxLayout()
        top.addWidget(self.grouping)
        top.addStretch(1)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.synthesis)
        layout.addWidget(split, 1)
        self.reload()
        self.resize(1000, 620)

    def set_database(self, db: Database) -> None:
        """Show another database's answers."""
        self._db = db
        self.reload()

    def reload(self) -> None:
        """Read the answers and the synthesis again."""
        try:
            self.answers = survey.answers(self._db)
            syn = survey.report_synthesis(self._db)
        except KnownError as exc:
            warn(self, str(exc))
            return
        themes = "; ".join(f"{theme_text(ts.theme)} {ts.count}" for ts in syn.themes if ts.count)
        self.synthesis.setText(
            t(
                f"{syn.answered} organisation(s) ont répondu, dont {syn.members_answered} "
                f"membre(s) sur {syn.members}. Organisations qui agissent, par thématique : "
                f"{themes or '—'}.",
                f"{syn.answered} organisation(s) answered, {syn.members_answered} of "
                f"{syn.members} members. Organisations acting, by theme: {themes or '—'}.",
            )
        )
        self._fill_groups()

    def _groups(self) -> list[tuple[str, list[survey.Answer]]]:
        if self.grouping.currentData() == "theme":
            return [
                (label(th) if th is not None else t("Réponses générales", "General answers"), items)
                for th, items in survey.by_theme(self.answers)
            ]
        return survey.by_organisation(self.answers)

    def _fill_groups(self) -> None:
        self.groups.clear()
        for name, items in self._groups():
            item = QListWidgetItem(f"{name} ({len(items)})")
            self.groups.addItem(item)
        if self.groups.count():
            self.groups.setCurrentRow(0)
        else:
            self.text.setPlainText(t("Aucune réponse enregistrée.", "No answer recorded."))

    def _show_group(self, row: int) -> None:
        groups = self._groups()
        if not 0 <= row < len(groups):
            return
        by_theme = self.grouping.currentData() == "theme"
        _name, items = groups[row]
        self.text.setHtml(
            "\n".join(
                _answer_html(a, a.organisation if by_theme else theme_text(a.theme)) for a in items
            )
        )
