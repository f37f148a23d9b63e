"""The « Exporter » menu of the main window: minutes, summary, yearly report and tables."""

# Importing this at start-up loads Qt and nothing heavier: python-docx, pandas and the ORM
# load on the worker thread when a document is written.

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_desktop.ui.exports.menu import CONTROLLER_NAME, MENU_NAME, ExportsController

if TYPE_CHECKING:
    from alliance_desktop.ui.main_window import MainWindow
    from alliance_desktop.ui.settings import Settings

__all__ = ["CONTROLLER_NAME", "MENU_NAME", "ExportsController", "attach", "controller"]


def attach(window: MainWindow, settings: Settings | None = None) -> None:
    """Add the « Exporter » menu and toolbar to the window (once; reusing its menu).

    Args:
        window: the main window.
        settings: where the last folder and the template are remembered; the window's
            own settings when None.
    """
    if controller(window) is None:
        ExportsController(window, settings)


def controller(window: MainWindow) -> ExportsController | None:
    """The exports' controller attached to ``window``, if any."""
    return window.findChild(ExportsController, CONTROLLER_NAME)
