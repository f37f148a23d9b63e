"""Where the application keeps its files on this computer."""

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "AllianceDesktop"
# Lets tests, benchmarks and portable installs keep everything in one chosen folder.
HOME_ENV = "ALLIANCE_DESKTOP_HOME"


def data_dir() -> Path:
    """The local (never roaming, never Documents) application-data folder."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))


def default_database() -> Path:
    """The working database used when no ``--db`` is given."""
    return data_dir() / "alliance.sqlite3"


def backups_dir() -> Path:
    """Where backups taken before migrations and merges go."""
    return data_dir() / "sauvegardes"


def log_dir() -> Path:
    """Where the rotating log file lives."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / "logs"
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def project_root() -> Path:
    """The folder holding ``db/`` and ``resources/`` (source tree or frozen bundle)."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent.parent


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return project_root() / "db"


def resources_dir() -> Path:
    """Icons, document templates and translations."""
    return project_root() / "resources"
