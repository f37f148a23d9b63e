"""What the user sees when something unexpected fails: a message, never a vanished window."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t

log = logging.getLogger("alliance_desktop.crash")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def crash_message(log_path: Path | None) -> str:
    """The text of the error dialog: what happened, that the data is safe, where the log is."""
    where = (
        t(f"Le détail est dans le journal : {log_path}", f"Details are in the log: {log_path}")
        if log_path
        else t("Le journal n'a pas pu être écrit.", "The log could not be written.")
    )
    return (
        t(
            "Une erreur inattendue s'est produite dans Alliance Desktop.\n\n"
            "Vos données sont en sécurité : chaque action est enregistrée sur le disque "
            "dès qu'elle est faite. Vous pouvez continuer, ou fermer et rouvrir l'application.\n\n",
            "An unexpected error occurred in Alliance Desktop.\n\n"
            "Your data is safe: every action is saved to disk the moment it is made. "
            "You can carry on, or close and reopen the application.\n\n",
        )
        + where
    )


def install_excepthook(log_path: Path | None) -> ExceptHook:
    """Show errors raised in Qt slots in a dialog instead of losing them; returns the old hook.

    A :class:`KnownError` (a full disk, a locked file) is shown as it is, as a warning;
    anything else is logged with its traceback and reported as a bug.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        app = QApplication.instance()
        if isinstance(exc, KnownError):
            log.warning("known error: %s", type(exc).__name__)
            if app is not None:
                QMessageBox.warning(None, t("Alliance Desktop", "Alliance Desktop"), str(exc))
            return
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if app is None:
            previous(kind, exc, tb)
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            t("Erreur inattendue", "Unexpected error"),
            crash_message(log_path),
        )
        box.setDetailedText("".join(traceback.format_exception_only(kind, exc)))
        box.exec()

    sys.excepthook = hook
    return previous
