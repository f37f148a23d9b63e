"""Exports run on a worker thread and report back to the GUI thread through signals."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from alliance_desktop.core.errors import KnownError
from alliance_desktop.exports.progress import Cancelled, ProgressCallback

Work = Callable[[ProgressCallback], object]
"""What a job does on the worker thread, given a progress callback; returns its result.

It receives plain values only (paths, ids, a year): it opens its own connection to the
database, because SQLite connections and ORM objects must stay on the thread that made
them.
"""


class JobSignals(QObject):
    """What an export job reports; created on the GUI thread, so delivered there.

    Signals:
        progressed: a step began; carries (steps done, steps in all, what), all 0 if unknown.
        succeeded: the export is written; carries the job's result (a path or a list).
        failed: the export was refused for a reason the user can act on; carries it.
        cancelled: the export stopped at the user's request; nothing was written.
        crashed: an unexpected error; carries the traceback for the log.
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    crashed = Signal(str)


class ExportJob(QRunnable):
    """Runs one export on a thread pool; :meth:`cancel` stops it at its next step."""

    def __init__(self, work: Work) -> None:
        """A job that will call ``work`` once, on a worker thread."""
        super().__init__()
        # Python keeps the job (and so its signals) alive until it has reported: the
        # controller holds a reference until then.
        self.setAutoDelete(False)
        self._work = work
        self._stop = threading.Event()
        self.signals = JobSignals()

    def cancel(self) -> None:
        """Ask the job to stop; it does at its next progress step, writing nothing."""
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._stop.is_set()

    def _progress(self, done: int, total: int, what: str) -> None:
        if self._stop.is_set():
            raise Cancelled
        self.signals.progressed.emit(done, total, what)

    def run(self) -> None:
        """Do the work; a refusal, a cancellation and a bug are reported apart."""
        try:
            if self._stop.is_set():
                raise Cancelled
            result = self._work(self._progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except KnownError as exc:
            self.signals.failed.emit(str(exc))
        except Exception:
            self.signals.crashed.emit(traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)
