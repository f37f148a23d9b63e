"""Undoable workshop actions: each step of a QUndoCommand is a call to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtGui import QUndoCommand

from alliance_desktop.core.errors import KnownError
from alliance_desktop.services.workshop import Changes

Step = Callable[[], Changes]
T = TypeVar("T")


class ChangeSink(Protocol):
    """Where the result of a service call goes: the screen that refreshes from it."""

    def apply_changes(self, changes: Changes) -> None:
        """Refresh what ``changes`` names."""

    def report_error(self, message: str) -> None:
        """Tell the facilitator that an action could not be saved."""


class ServiceCommand(QUndoCommand):
    """An action that a service does and another service undoes.

    Redo and undo each commit one transaction. A step that fails (the disk is full, the
    row was deleted on another laptop) makes the command obsolete, so that the undo
    stack drops it rather than offering to undo something that never happened.
    """

    def __init__(self, text: str, do: Step, undo: Step, sink: ChangeSink) -> None:
        """An action named ``text`` in the Undo menu (« Annuler : ajout d'un point »)."""
        super().__init__(text)
        self._do = do
        self._undo = undo
        self._sink = sink
        self.failed = False

    def redo(self) -> None:
        """Do (or do again) the action."""
        self._run(self._do)

    def undo(self) -> None:
        """Take the action back."""
        self._run(self._undo)

    def _run(self, step: Step) -> None:
        try:
            changes = step()
        except KnownError as exc:
            self.failed = True
            self.setObsolete(True)
            self._sink.report_error(str(exc))
            return
        self._sink.apply_changes(changes)


def deleting(delete: Step, restore: Callable[[T], Changes], kind: type[T]) -> tuple[Step, Step]:
    """Do and undo steps for a deletion whose undo re-creates the row from its snapshot.

    The snapshot is the one the service returns when it deletes, so undo brings back
    exactly what was deleted, with the same id, even if the screen showed an older state.
    """
    snapshot: list[T] = []

    def do() -> Changes:
        changes = delete()
        snapshot[:] = changes.deleted_of(kind)
        return changes

    def undo() -> Changes:
        # Undo only ever follows a deletion that succeeded: a failed one is dropped.
        return restore(snapshot[0])

    return do, undo
