"""Personal-data screens: the retention rule (shown before it acts), the notice, the audit log."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.services import privacy
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import DEFAULT_NOTICE
from alliance_desktop.ui.members.common import records_table, warn
from alliance_desktop.ui.members.models import Column, RecordsModel, day
from alliance_desktop.ui.members.person_record import ErasureDialog

_ACTIONS = {
    "export": ("export (droit d'accès)", "export (right of access)"),
    "rectify": ("rectification", "rectification"),
    "consent": ("accord modifié", "consent changed"),
    "erase": ("effacement", "erasure"),
    "retention": ("effacement (durée de conservation)", "erasure (retention)"),
    "retention_setting": ("durée de conservation", "retention period"),
    "merge": ("fusion de fiches", "records merged"),
    "import": ("import de l'annuaire", "directory import"),
    "survey_import": ("import du questionnaire", "questionnaire import"),
    "notice": ("notice modifiée", "notice edited"),
}


def action_text(action: str) -> str:
    """An audit action in words."""
    fr, en = _ACTIONS.get(action, (action, action))
    return t(fr, en)


class RetentionDialog(QDialog):
    """Who the retention rule would erase today; the facilitator unticks, then confirms.

    Signals:
        erased: people were erased; carries the ``ErasureResult``.
    """

    erased = Signal(object)

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        """The rule's preview on ``db`` (``today``: for tests)."""
        super().__init__(parent)
        self.setObjectName("retentionDialog")
        self.setWindowTitle(t("Durée de conservation", "Retention period"))
        self._db = db
        self._today = today
        self.erasure: ErasureDialog | None = None
        self.months = QSpinBox(self)
        self.months.setObjectName("retentionMonths")
        self.months.setRange(1, 240)
        self.months.setSuffix(t(" mois", " months"))
        self.months.setValue(privacy.get_retention_months(db))
        self.months.setAccessibleName(t("Durée de conservation", "Retention period"))
        self.months.valueChanged.connect(lambda _v: self.reload())
        self.save_button = QPushButton(t("&Garder cette durée", "&Keep this period"), self)
        self.save_button.clicked.connect(self.save_months)
        top = QHBoxLayout()
        top.addWidget(
            QLabel(
                t(
                    "Effacer les données personnelles des personnes non venues depuis :",
                    "Erase the personal data of people not seen for:",
                ),
                self,
            )
        )
        top.addWidget(self.months)
        top.addWidget(self.save_button)
        top.addStretch(1)
        self.summary = QLabel(self)
        self.summary.setObjectName("retentionSummary")
        self.summary.setWordWrap(True)
        self.model: RecordsModel[privacy.RetentionCandidate] = RecordsModel(
            [
                Column(t("Effacer", "Erase"), lambda c: ""),
                Column(t("Nom", "Name"), lambda c: c.person.full_name),
                Column(t("Organisation", "Organisation"), lambda c: c.person.organisation),
                Column(
                    t("Dernière venue", "Last seen"),
                    lambda c: day(c.last_seen) or t("jamais", "never"),
                    lambda c: c.last_seen,
                ),
            ],
            self,
        )
        self.model.set_checkable(0)
        self.view, _p = records_table(
            self,
            "retentionCandidates",
            t("Personnes concernées", "People concerned"),
            self.model,
            stretch=2,
        )
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            t("&Effacer les personnes cochées…", "&Erase the ticked people…"),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        self.apply_button.setObjectName("applyRetention")
        self.apply_button.clicked.connect(self.open_erasure)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.model.dataChanged.connect(lambda *_a: self._update())
        self.reload()
        self.resize(820, 520)

    def reload(self) -> None:
        """Compute who the rule would erase with the period shown; nothing is done."""
        try:
            preview = privacy.retention_preview(self._db, self.months.value(), self._today)
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.model.set_records(preview.candidates, checked=True)
        self.summary.setText(
            t(
                f"{len(preview.candidates)} personne(s) non vue(s) depuis le "
                f"{day(preview.cutoff)}. Rien n'est effacé avant votre confirmation ; "
                "décochez celles à garder.",
                f"{len(preview.candidates)} people not seen since {day(preview.cutoff)}. "
                "Nothing is erased before you confirm; untick those to keep.",
            )
        )
        self._update()

    def _update(self) -> None:
        n = len(self.model.checked_records())
        self.apply_button.setEnabled(n > 0)
        self.apply_button.setText(
            t(f"&Effacer les {n} personne(s) cochée(s)…", f"&Erase the {n} ticked people…")
        )

    def save_months(self) -> None:
        """Keep the period shown as the rule's period."""
        try:
            privacy.set_retention_months(self._db, self.months.value())
        except KnownError as exc:
            warn(self, str(exc))

    def open_erasure(self) -> ErasureDialog | None:
        """Show the erasure of the ticked people, with the button that does it."""
        ids = [c.person.id for c in self.model.checked_records()]
        if not ids:
            return None
        self.erasure = ErasureDialog(self._db, ids, self, reason="retention")
        self.erasure.erased.connect(self._erased)
        self.erasure.setWindowModality(Qt.WindowModality.WindowModal)
        self.erasure.show()
        return self.erasure

    def _erased(self, result: object) -> None:
        self.reload()
        self.erased.emit(result)


class NoticeDialog(QDialog):
    """The information notice for participants, editable; the minutes may include it."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """The notice held in ``db``."""
        super().__init__(parent)
        self.setObjectName("noticeDialog")
        self.setWindowTitle(t("Notice d'information", "Information notice"))
        self._db = db
        notice = privacy.get_notice(db)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("noticeText")
        self.editor.setAccessibleName(t("Texte de la notice", "Notice text"))
        self.editor.setPlainText(notice.text)
        self.in_minutes = QCheckBox(
            t("Joindre la notice aux comptes-rendus", "Include the notice in the minutes"), self
        )
        self.in_minutes.setObjectName("noticeInMinutes")
        self.in_minutes.setChecked(notice.in_minutes)
        default = QPushButton(t("Texte par &défaut", "&Default text"), self)
        default.clicked.connect(lambda: self.editor.setPlainText(DEFAULT_NOTICE))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.addButton(default, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                t(
                    "Ce texte informe les participants de ce qui est enregistré à leur sujet et "
                    "de leurs droits.",
                    "This text tells participants what is recorded about them and their rights.",
                ),
                self,
            )
        )
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.in_minutes)
        layout.addWidget(buttons)
        self.resize(700, 420)

    def save(self) -> None:
        """Save the notice and close."""
        try:
            privacy.set_notice(self._db, self.editor.toPlainText(), self.in_minutes.isChecked())
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.accept()


class AuditDialog(QDialog):
    """The log of operations on personal data (never the data itself)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """The audit log of ``db``, newest first."""
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle(t("Journal des données personnelles", "Personal data log"))
        self.model: RecordsModel[privacy.AuditRecord] = RecordsModel(
            [
                Column(
                    t("Quand", "When"),
                    lambda a: a.at.strftime("%d/%m/%Y %H:%M") + " UTC",
                    lambda a: a.at,
                ),
                Column(t("Opération", "Operation"), lambda a: action_text(a.action)),
                Column(t("Par", "By"), lambda a: a.author),
                Column(t("Fiche", "Record"), lambda a: a.person_id.hex[:8] if a.person_id else ""),
                Column(t("Lignes", "Rows"), lambda a: str(a.rows), lambda a: a.rows, True),
                Column(t("Détail", "Detail"), lambda a: a.detail),
            ],
            self,
        )
        self.model.set_records(privacy.audit_log(db))
        self.view, _p = records_table(self, "auditLog", t("Journal", "Log"), self.model)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(close)
        self.resize(860, 440)
