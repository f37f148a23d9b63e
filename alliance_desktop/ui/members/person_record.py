"""A person's record and personal data (GDPR): consent, access export, rectification, erasure."""

from __future__ import annotations

import html
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.services import members, privacy
from alliance_desktop.services.members import PersonData
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.members.common import pool, records_table, warn
from alliance_desktop.ui.members.forms import PersonDialog
from alliance_desktop.ui.members.models import Column, RecordsModel
from alliance_desktop.ui.tasks import Job


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def record_html(record: dict[str, Any]) -> str:
    """The export of a person as a page: what is held, in plain words (escaped)."""
    p = record["person"]
    org = record["organisation"]
    lines = [
        f"<h3>{_e(p['first_name'])} {_e(p['last_name'])}</h3>",
        "<p>",
        t("Organisation : ", "Organisation: ") + _e(org["name"] if org else "—") + "<br>",
        t("Fonction : ", "Function: ") + _e(p["function"] or "—") + "<br>",
        t("Courriel : ", "E-mail: ") + _e(p["email"] or "—") + "<br>",
        t("Téléphone : ", "Phone: ") + _e(p["phone"] or "—"),
        "</p>",
    ]
    att = record["attendance"]
    lines.append(f"<h4>{_e(t('Présences', 'Attendance'))} ({len(att)})</h4><ul>")
    lines += [
        f"<li>{_e(a.get('session_date'))} — {_e(a.get('session'))} : {_e(a['status'])}</li>"
        for a in att
    ]
    lines.append("</ul>")
    for key, fr, en in (
        ("signed_notes", "Notes signées", "Signed notes"),
        ("mentions", "Textes qui la mentionnent", "Texts mentioning them"),
    ):
        items = record[key]
        lines.append(f"<h4>{_e(t(fr, en))} ({len(items)})</h4><ul>")
        lines += [f"<li>{_e(i.get('session_date', ''))} {_e(i['text'])}</li>" for i in items]
        lines.append("</ul>")
    audit = record["audit"]
    lines.append(f"<h4>{_e(t('Journal', 'Audit log'))} ({len(audit)})</h4><ul>")
    lines += [f"<li>{_e(a['at'])} — {_e(a['action'])} ({_e(a['author'])})</li>" for a in audit]
    lines.append("</ul>")
    return "\n".join(lines)


class ErasureDialog(QDialog):
    """Shows what erasing people will change, then erases them on confirmation.

    The erasure (backup, rewrite, compaction) runs on a worker thread.

    Signals:
        erased: the people were erased; carries the ``ErasureResult``.
    """

    erased = Signal(object)

    def __init__(
        self,
        db: Database,
        person_ids: list[uuid.UUID],
        parent: QWidget | None = None,
        *,
        reason: str = "request",
    ) -> None:
        """A preview of the erasure of ``person_ids``."""
        super().__init__(parent)
        self.setObjectName("erasureDialog")
        self.setWindowTitle(t("Effacer des données personnelles", "Erase personal data"))
        self._db = db
        self._ids = person_ids
        self._reason = reason
        self._jobs: set[Job] = set()
        self.result_: object | None = None
        self.preview = privacy.erasure_preview(db, person_ids)
        names = ", ".join(p.full_name for p in self.preview.people[:5])
        more = len(self.preview.people) - 5
        if more > 0:
            names += t(f" et {more} autre(s)", f" and {more} more")
        self.summary = QLabel(
            t(
                f"<b>{html.escape(names)}</b> : nom, fonction, courriel et téléphone effacés, "
                f"accords retirés. {self.preview.attendance} présence(s) restent comptées sans "
                f"nom ; {self.preview.signed_notes} note(s) signée(s) deviennent anonymes ; le "
                f"nom est remplacé dans {len(self.preview.texts)} texte(s) ci-dessous et dans "
                "leur historique. L'effacement est transmis aux autres ordinateurs et ne peut "
                "pas être annulé.",
                f"<b>{html.escape(names)}</b>: name, function, e-mail and phone erased, consent "
                f"withdrawn. {self.preview.attendance} attendance row(s) still count without a "
                f"name; {self.preview.signed_notes} signed note(s) become anonymous; the name is "
                f"replaced in {len(self.preview.texts)} text(s) below and in their history. The "
                "erasure travels to the other laptops and cannot be undone.",
            ),
            self,
        )
        self.summary.setWordWrap(True)
        self.texts_model: RecordsModel[privacy.TextChange] = RecordsModel(
            [
                Column(t("Où", "Where"), lambda c: f"{c.table}.{c.field}"),
                Column(t("Avant", "Before"), lambda c: c.before.replace("\n", " ")),
                Column(t("Après", "After"), lambda c: c.after.replace("\n", " ")),
            ],
            self,
        )
        self.texts_model.set_records(self.preview.texts)
        self.texts_view, _proxy = records_table(
            self, "erasureTexts", t("Textes modifiés", "Texts changed"), self.texts_model, stretch=2
        )
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.buttons = QDialogButtonBox(self)
        self.confirm = self.buttons.addButton(
            t("&Effacer définitivement", "&Erase for good"),
            QDialogButtonBox.ButtonRole.DestructiveRole,
        )
        self.confirm.setObjectName("confirmErasure")
        self.confirm.setAutoDefault(False)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        self.confirm.clicked.connect(self.erase)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.texts_view, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(900, 480)

    @property
    def busy(self) -> bool:
        """Whether the erasure is running."""
        return bool(self._jobs)

    def erase(self) -> None:
        """Erase, on a worker thread; the dialog closes when it is done."""
        if self.busy:
            return
        self.confirm.setEnabled(False)
        self.progress.show()
        db, ids, reason = self._db, list(self._ids), self._reason
        job = Job(lambda: privacy.erase_people(db, ids, reason=reason))
        self._jobs.add(job)
        job.signals.done.connect(lambda r: self._done(job, r))
        job.signals.failed.connect(lambda m: self._failed(job, m))
        job.signals.crashed.connect(lambda m: self._failed(job, m))
        pool().start(job)

    def _done(self, job: Job, result: object) -> None:
        self._jobs.discard(job)
        self.progress.hide()
        self.result_ = result
        self.erased.emit(result)
        self.accept()

    def _failed(self, job: Job, message: str) -> None:
        self._jobs.discard(job)
        self.progress.hide()
        self.confirm.setEnabled(True)
        warn(self, message)

    def reject(self) -> None:
        """Close, unless the erasure is running (it must finish)."""
        if not self.busy:
            super().reject()


class PersonRecordDialog(QDialog):
    """Everything held about one person, their consent, and the GDPR actions.

    Signals:
        changed: the person's record changed (consent, rectification, erasure).
    """

    changed = Signal()

    def __init__(self, db: Database, person: PersonData, parent: QWidget | None = None) -> None:
        """The record of ``person``."""
        super().__init__(parent)
        self.setObjectName("personRecord")
        self.setWindowTitle(t("Fiche et données personnelles", "Record and personal data"))
        self._db = db
        self.person = person
        self._folder = Path.home()
        self.erasure: ErasureDialog | None = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("personRecordText")
        self.browser.setOpenLinks(False)
        self.consent_named = QCheckBox(
            t(
                "Accepte d'être nommé·e dans les comptes-rendus",
                "Agrees to be named in the minutes",
            ),
            self,
        )
        self.consent_named.setObjectName("recordConsentNamed")
        self.consent_photo = QCheckBox(
            t("Accepte d'apparaître sur les photos", "Agrees to appear in photos"), self
        )
        self.consent_photo.setObjectName("recordConsentPhoto")
        self.consent_named.toggled.connect(lambda on: self._consent(named=on))
        self.consent_photo.toggled.connect(lambda on: self._consent(photo=on))
        self.rectify_button = QPushButton(t("&Rectifier…", "&Rectify…"), self)
        self.rectify_button.clicked.connect(self.rectify)
        self.json_button = QPushButton(t("Exporter en &JSON…", "Export as &JSON…"), self)
        self.json_button.clicked.connect(lambda: self.export("json"))
        self.csv_button = QPushButton(t("Exporter en &CSV…", "Export as &CSV…"), self)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.erase_button = QPushButton(t("&Effacer ses données…", "&Erase their data…"), self)
        self.erase_button.setObjectName("eraseButton")
        self.erase_button.clicked.connect(self.open_erasure)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        actions = QHBoxLayout()
        for b in (self.rectify_button, self.json_button, self.csv_button, self.erase_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.consent_named)
        layout.addWidget(self.consent_photo)
        layout.addLayout(actions)
        layout.addWidget(close)
        self.reload()
        self.resize(760, 620)

    def reload(self) -> None:
        """Read the person's data again."""
        try:
            self.person = members.get_person(self._db, self.person.id)
            record = privacy.person_record(self._db, self.person.id)
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.browser.setHtml(record_html(record))
        erased = self.person.erased
        for box, value in (
            (self.consent_named, self.person.consent_named),
            (self.consent_photo, self.person.consent_photo),
        ):
            box.blockSignals(True)
            box.setChecked(value)
            box.setEnabled(not erased)
            box.blockSignals(False)
        for b in (self.rectify_button, self.erase_button):
            b.setEnabled(not erased)
        if erased:
            self.browser.setHtml(
                "<p>"
                + html.escape(
                    t(
                        "Les données personnelles de cette personne ont été effacées ; ses "
                        "présences restent comptées, sans nom.",
                        "This person's personal data was erased; their attendance still "
                        "counts, without a name.",
                    )
                )
                + "</p>"
            )

    def _consent(self, *, named: bool | None = None, photo: bool | None = None) -> None:
        try:
            members.set_consent(self._db, self.person.id, named=named, photo=photo)
        except KnownError as exc:
            warn(self, str(exc))
        self.reload()
        self.changed.emit()

    def rectify(self) -> None:
        """Correct the person's details (recorded in the audit log, without the values)."""
        dialog = PersonDialog(self, members.organisation_choices(self._db), self.person)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                members.update_person(self._db, self.person.id, dialog.fields())
            except KnownError as exc:
                warn(dialog, str(exc))
                continue
            self.reload()
            self.changed.emit()
            return

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        """Write everything held about the person to a file (asked for if not given)."""
        if path is None:
            suggested = self._folder / f"donnees-{self.person.id.hex[:8]}.{fmt}"
            name, _f = QFileDialog.getSaveFileName(
                self,
                t("Exporter les données de la personne", "Export the person's data"),
                str(suggested),
                "JSON (*.json)" if fmt == "json" else t("CSV pour Excel (*.csv)", "CSV (*.csv)"),
            )
            if not name:
                return None
            path = Path(name)
            if path.suffix.lower() != f".{fmt}":
                path = path.with_name(path.name + f".{fmt}")
        try:
            written = privacy.export_person(self._db, self.person.id, path)
        except KnownError as exc:
            warn(self, str(exc))
            return None
        self._folder = written.parent
        self.reload()
        return written

    def open_erasure(self) -> ErasureDialog:
        """Show what erasing the person would do, with the button that does it."""
        self.erasure = ErasureDialog(self._db, [self.person.id], self)
        self.erasure.erased.connect(lambda _r: self._erased())
        self.erasure.setWindowModality(Qt.WindowModality.WindowModal)
        self.erasure.show()
        return self.erasure

    def _erased(self) -> None:
        self.reload()
        self.changed.emit()
