"""Start-up of the window: language, database, QApplication and main window, wired here only."""

# Order matters for speed. Once PySide6 is imported, its import hook makes every later
# Python import slower (SQLAlchemy alone takes about 80 ms more), so everything Qt-free
# is loaded and the database is opened first, and Qt is imported last, inside the
# functions below. Heavy libraries (pandas, pyqtgraph, python-docx, Alembic) are
# imported only by the features that use them.

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

# Qt-free parts of the window, loaded before PySide6 for the reason given above.
import alliance_desktop.services.meetings
import alliance_desktop.ui.meeting_html  # noqa: F401
from alliance_desktop import APP_ID, APP_NAME, ORG_NAME
from alliance_desktop.core import paths
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.errors import DatabaseError, KnownError, os_reason
from alliance_desktop.core.i18n import SUPPORTED, set_language, t
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.ui.settings import FILE_NAME, LANGUAGE_KEY, Settings

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from alliance_desktop.ui.main_window import MainWindow

# Overrides the saved language, for packaging, screenshots and tests.
LANG_ENV = "ALLIANCE_DESKTOP_LANG"
ICON_FILE = "alliance-desktop.svg"


def app_settings() -> Settings:
    """The laptop's own settings, a file in the data folder.

    Beside the data rather than in the registry or ~/.config, so that a portable install
    or a test folder (``ALLIANCE_DESKTOP_HOME``) keeps everything together.
    """
    return Settings(paths.data_dir() / FILE_NAME)


def choose_language(explicit: str | None, settings: Settings) -> str:
    """``--lang`` first, then the environment, then the saved choice, else French."""
    candidates = (explicit, os.environ.get(LANG_ENV, "")[:2], settings.text(LANGUAGE_KEY))
    for lang in candidates:
        if lang in SUPPORTED:
            return lang
    return "fr"


def install_qt_translations(app: QApplication, lang: str) -> list[QTranslator]:
    """Make Qt's own dialogs speak ``lang`` (« Annuler », « Ouvrir »).

    Returns the translators installed; they must stay referenced while in use.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    locale = QLocale(QLocale.Language.English if lang == "en" else QLocale.Language.French)
    QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    if lang == "en":
        return installed  # Qt's own strings are written in English.
    from alliance_desktop.ui.qt_french import FrenchSupplement

    supplement = FrenchSupplement(app)
    if app.installTranslator(supplement):
        installed.append(supplement)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # qtbase holds the dialogs' strings; "qt" is the older catalogue that includes it,
    # tried only where a packager shipped that one alone.
    for catalogue in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(locale, catalogue, "_", folder) and app.installTranslator(translator):
            installed.append(translator)
            break
    return installed


def make_application() -> QApplication:
    """The QApplication, with the names Qt uses and the window icon.

    Call it once the language is set: when Qt is not loaded yet (the start of the
    application), the Qt-free start-up is finished first, see :func:`_before_qt`.
    """
    if "PySide6" not in sys.modules:
        _before_qt()
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    QGuiApplication.setDesktopFileName(APP_ID)
    icon = paths.resources_dir() / "icons" / ICON_FILE
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _before_qt() -> None:
    """Format a date, then leave everything loaded so far out of the garbage collector.

    The first date formatted makes Babel unpickle its locale data, some 13,000 objects:
    the collector's passes set off by those, and then by Qt's own loading, would walk
    everything loaded before (tens of thousands of objects, 15 to 20 ms for a full pass)
    on the way to the first paint. The modules, the locale data and the open database
    live as long as the process: frozen, the collector never walks them again, neither
    now nor later in the session.
    """
    long_date(dt.date.today())
    gc.freeze()


def open_for_window(path: Path) -> Database:
    """Open a file chosen in the window: it must exist, nothing is created by mistake."""
    from alliance_desktop.services.privacy import reapply_erasures

    db = open_database(path, create=False, backup_dir=paths.backups_dir())
    reapply_erasures(db)
    return db


def build_main_window(
    db: Database,
    *,
    settings: Settings | None = None,
    is_demo: bool = False,
    features: bool = True,
    deferred: bool = False,
) -> MainWindow:
    """The main window on ``db``, not yet shown (a QApplication must exist).

    Args:
        db: the open database.
        settings: the laptop's settings (read from the data folder when not given).
        is_demo: the database is a throw-away demo (said in the title bar).
        features: add the menus of members, indicators, exports and sharing (tests of
            one feature's menu build the window without the others).
        deferred: paint the list of sessions first, and make the menus, the toolbars
            and the features right after (as the application does); when False, the
            window comes back whole.
    """
    from alliance_desktop.ui.main_window import MainWindow

    settings = settings if settings is not None else app_settings()
    window = MainWindow(
        db,
        open_db=open_for_window,
        settings=settings,
        data_dir=paths.data_dir(),
        is_demo=is_demo,
        deferred=deferred,
    )
    if features:
        window.when_started(lambda: _attach_features(window, settings))
    return window


def _attach_features(window: MainWindow, settings: Settings) -> None:
    # Each feature adds its own menu; its screens and heavy libraries load on first use.
    from alliance_desktop.ui import exports, indicators, members, sharing

    members.attach(window)
    indicators.attach(window)
    exports.attach(window, settings)
    sharing.attach(window, settings)


def _reapply_erasures(window: MainWindow) -> None:
    """Erase again anyone this laptop erased, should the file hold them again (a restore).

    Run once the window is painted and finished: with nothing to redo it reads one small
    file, but redoing an erasure loads the ORM, which has no place on the way to the
    first paint.
    """
    from alliance_desktop.services.privacy import reapply_erasures

    if reapply_erasures(window.database):
        window.reload()


def place_window(window: MainWindow) -> None:
    """Show the window at a size that suits the screen."""
    available = window.screen().availableGeometry()
    if available.width() < 1400 or available.height() < 850:
        # A laptop screen: use all of it. The geometry is set as well because without a
        # window manager (kiosk, Xvfb) nobody honours the maximised state.
        window.setGeometry(available)
        window.showMaximized()
    else:
        window.resize(1280, 800)
        window.show()


def _open_start_database(db_path: Path, demo: bool, stack: contextlib.ExitStack) -> Database:
    if demo:
        from alliance_desktop.services.demo import write_demo

        # A fresh copy each time, removed at exit: the demo can be played with freely.
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="alliance-demo-")))
        db_path = folder / "demo.sqlite3"
        write_demo(db_path, overwrite=False)
    elif db_path == paths.default_database():
        # First start on this laptop: the data folder does not exist yet.
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                t(
                    f"Impossible de créer le dossier « {db_path.parent} » : {os_reason(exc)}.",
                    f"Cannot create the folder “{db_path.parent}”: {os_reason(exc)}.",
                )
            ) from exc
    return open_database(db_path, backup_dir=paths.backups_dir())


def _quit_on_signals(app: QApplication, stack: contextlib.ExitStack) -> None:
    """Let Ctrl+C or the end of the desktop session close the app the normal way.

    Then the database is closed cleanly and the demo's temporary folder removed, instead
    of the process dying inside Qt's event loop.
    """
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.signal(sig, lambda _sig, _frame: app.quit())
        stack.callback(signal.signal, sig, previous)
    # Python runs its signal handlers only when it runs code: a timer gives it the hand.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(300)
    stack.callback(timer.deleteLater)
    stack.callback(timer.stop)


# Set by benchmarks: print "painted" and quit once the main window has painted.
EXIT_AFTER_PAINT_ENV = "ALLIANCE_DESKTOP_EXIT_AFTER_PAINT"


def _exit_after_first_paint(app: QApplication, window: MainWindow) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer

    class _Painted(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                app.removeEventFilter(self)

                def report() -> None:
                    print("painted", flush=True)
                    app.quit()

                QTimer.singleShot(0, report)
            return False

    watcher = _Painted(window)
    app.installEventFilter(watcher)


def run_gui(db_path: Path, demo: bool, lang: str | None) -> int:
    """Open the database, then the window; returns the process exit code.

    A database that cannot be used is reported in one sentence on stderr (exit code 1)
    before Qt is even loaded.
    """
    from alliance_desktop.core.logs import setup_logging

    log_path = setup_logging()
    settings = app_settings()
    lang = choose_language(lang, settings)
    set_language(lang)
    stack = contextlib.ExitStack()
    try:
        try:
            db = _open_start_database(Path(db_path), demo, stack)
        except KnownError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        window: MainWindow | None = None
        try:
            app = make_application()
            from alliance_desktop.ui.crash import install_excepthook

            stack.callback(setattr, sys, "excepthook", install_excepthook(log_path))
            _quit_on_signals(app, stack)
            translators = install_qt_translations(app, lang)
            window = build_main_window(db, settings=settings, is_demo=demo, deferred=True)
            window.when_started(functools.partial(_reapply_erasures, window))
            place_window(window)
            if os.environ.get(EXIT_AFTER_PAINT_ENV):
                _exit_after_first_paint(app, window)
            code = app.exec()
            for translator in translators:
                app.removeTranslator(translator)
            return code
        finally:
            # The window may have swapped databases: close the one it holds now.
            (window.database if window is not None else db).close()
    finally:
        stack.close()
