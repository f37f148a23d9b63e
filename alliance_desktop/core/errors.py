"""Errors caused by the environment or the user's input, shown in plain words."""

import errno

from alliance_desktop.core.i18n import t


class KnownError(Exception):
    """A failure the user can understand and act on (not a bug).

    The message is a complete sentence meant for the user, in the interface language.
    """


class DatabaseError(KnownError):
    """The database file cannot be opened or used as asked."""


class NewerSchemaError(DatabaseError):
    """The database was written by a newer version of the application."""


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in a few words of the interface language.

    The system's own text (``strerror``) is English on most machines, so the common
    causes are worded here; a rare one shows its error number.
    """
    if isinstance(exc, IsADirectoryError):
        return t("c'est un dossier, pas un fichier", "it is a folder, not a file")
    if isinstance(exc, NotADirectoryError):
        return t("un élément du chemin n'est pas un dossier", "part of the path is not a folder")
    if isinstance(exc, FileNotFoundError):
        return t("fichier ou dossier introuvable", "no such file or folder")
    if isinstance(exc, FileExistsError):
        return t("le fichier existe déjà", "the file already exists")
    if isinstance(exc, PermissionError):
        return t(
            "accès refusé (droits insuffisants, ou fichier ouvert dans un autre programme)",
            "access denied (no permission, or the file is open in another program)",
        )
    reasons = {
        errno.ENOSPC: ("le disque est plein", "the disk is full"),
        errno.EROFS: ("le support est en lecture seule", "the storage is read-only"),
        errno.ENAMETOOLONG: ("le nom est trop long", "the name is too long"),
        errno.EBUSY: ("le fichier est utilisé par un autre programme", "the file is in use"),
        errno.EIO: ("erreur de lecture ou d'écriture du disque", "disk read or write error"),
    }
    if exc.errno in reasons:
        return t(*reasons[exc.errno])
    number = exc.errno if exc.errno is not None else "?"
    return t(f"erreur système {number}", exc.strerror or f"system error {number}")
