"""Work off the GUI thread: a function runs on a thread pool, its result comes back as a signal."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t

log = logging.getLogger(__name__)


class Worker(QObject):
    """Runs functions one at a time on its own thread, never touching a widget there.

    Each call gets a ticket; a caller that starts a newer call ignores the older ones'
    answers (a search typed further supersedes the previous one).

    Signals:
        done: a call finished; carries its ticket and its result.
        failed: a call failed; carries its ticket and a message for the user.
    """

    done = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        """A worker with a pool of one thread (calls run in the order given)."""
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._ticket = 0

    def run(self, call: Callable[[], object]) -> int:
        """Start ``call`` on the worker thread; returns its ticket."""
        self._ticket += 1
        ticket = self._ticket
        self.pool.start(lambda: self._call(ticket, call))
        return ticket

    @property
    def latest(self) -> int:
        """The ticket of the newest call."""
        return self._ticket

    def _call(self, ticket: int, call: Callable[[], object]) -> None:
        # Runs on the worker thread: the signals are queued to the GUI thread.
        try:
            result = call()
        except KnownError as exc:
            self._emit(self.failed, ticket, str(exc))
        except Exception:
            log.exception("background task failed")
            self._emit(
                self.failed,
                ticket,
                t(
                    "L'opération a échoué de façon inattendue ; le détail est dans le journal.",
                    "The operation failed unexpectedly; the details are in the log.",
                ),
            )
        else:
            self._emit(self.done, ticket, result)

    @staticmethod
    def _emit(signal: SignalInstance, *args: object) -> None:
        # The window may close while a call runs (the application quitting): its answer
        # then has nobody to go to, which is no error.
        try:
            signal.emit(*args)
        except RuntimeError:
            log.debug("background result dropped: its window is gone")

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for the running call to end (before the database it reads is closed)."""
        return self.pool.waitForDone(msecs)


class JobSignals(QObject):
    """What a background job reports, delivered on the GUI thread.

    Signals:
        done: the job finished; carries its result.
        failed: the job was refused for a reason the user can act on; carries it.
        crashed: the job raised an unexpected error; carries the traceback.
    """

    done = Signal(object)
    failed = Signal(str)
    crashed = Signal(str)


class Job(QRunnable):
    """Runs a function on a thread pool; touches no widget, reports by signals."""

    def __init__(self, work: Callable[[], object]) -> None:
        """A job that will call ``work`` once, on a worker thread."""
        super().__init__()
        self._work = work
        # Created here, on the GUI thread, so that its signals are delivered there.
        self.signals = JobSignals()

    def run(self) -> None:
        """Call the function; a known refusal and a bug are reported apart."""
        try:
            result = self._work()
        except KnownError as exc:
            self.signals.failed.emit(str(exc))
        except Exception:
            self.signals.crashed.emit(traceback.format_exc())
        else:
            self.signals.done.emit(result)
