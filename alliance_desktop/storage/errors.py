"""Turn SQLite failures caused by the environment into plain-language errors, in one place."""

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from alliance_desktop.core.errors import DatabaseError, KnownError
from alliance_desktop.core.i18n import t

# Substrings of SQLite's messages, and what they mean for the user.
_KNOWN = (
    (
        ("database or disk is full", "disk is full"),
        (
            "Le disque est plein : libérez de la place, rien n'a été perdu de ce qui était déjà "
            "enregistré.",
            "The disk is full: free some space; nothing already saved was lost.",
        ),
    ),
    (
        ("database is locked", "database table is locked"),
        (
            "La base est occupée par un autre programme : fermez-le puis réessayez.",
            "The database is in use by another program: close it and try again.",
        ),
    ),
    (
        ("readonly database", "attempt to write a readonly"),
        (
            "La base est en lecture seule : vérifiez les droits sur le fichier et son dossier.",
            "The database is read-only: check the permissions of the file and its folder.",
        ),
    ),
    (
        ("file is not a database", "malformed", "file is encrypted"),
        (
            "Le fichier de base est endommagé ou n'est pas une base de données.",
            "The database file is damaged or is not a database.",
        ),
    ),
    (
        ("disk i/o error", "unable to open database file"),
        (
            "Le fichier de base est inaccessible (disque débranché ou droits insuffisants).",
            "The database file cannot be reached (disk unplugged or missing permissions).",
        ),
    ),
)


def translate_error(exc: SQLAlchemyError, path: Path | None = None) -> Exception:
    """A :class:`KnownError` for environmental failures, else the original error (a bug)."""
    message = str(getattr(exc, "orig", exc)).lower()
    for needles, (fr, en) in _KNOWN:
        if any(n in message for n in needles):
            where = f" ({path})" if path else ""
            return DatabaseError(t(fr, en) + where)
    return exc


__all__ = ["KnownError", "translate_error"]
