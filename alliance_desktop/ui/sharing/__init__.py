"""The « Partage » menu of the main window: shared folder, sync, conflicts, history, backups."""

# Importing this at start-up loads Qt and the sharing services' module; the engine's work
# (bundles, merges, backups) happens on the worker thread when a sync runs.

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_desktop.ui.sharing.controller import (
    AUTHOR_KEY,
    CONTROLLER_NAME,
    FOLDER_KEY,
    MENU_NAME,
    TOOLBAR_NAME,
    SharingController,
)

if TYPE_CHECKING:
    from alliance_desktop.ui.main_window import MainWindow
    from alliance_desktop.ui.settings import Settings

__all__ = [
    "AUTHOR_KEY",
    "CONTROLLER_NAME",
    "FOLDER_KEY",
    "MENU_NAME",
    "TOOLBAR_NAME",
    "SharingController",
    "attach",
    "controller",
]


def attach(window: MainWindow, settings: Settings | None = None) -> None:
    """Add the « Partage » menu, the « Synchroniser » button and the sharing status (once).

    Args:
        window: the main window.
        settings: where the shared folder and the facilitator's name are remembered; the
            window's own settings when None.
    """
    if controller(window) is None:
        SharingController(window, settings)


def controller(window: MainWindow) -> SharingController | None:
    """The sharing controller attached to ``window``, if any."""
    return window.findChild(SharingController, CONTROLLER_NAME)
