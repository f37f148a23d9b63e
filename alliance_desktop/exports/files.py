"""Writing an exported file whole or not at all, with plain-word errors."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file, so no half file is left behind.

    Raises:
        KnownError: the folder is missing or read-only, the disk is full, or the file is
            open in another program (Word locks the documents it shows).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise KnownError(
            t(f"Le dossier « {folder} » n'existe pas.", f"The folder “{folder}” does not exist.")
        )
    if path.is_dir():
        raise KnownError(
            t(f"« {path} » est un dossier, pas un fichier.", f"“{path}” is a folder, not a file.")
        )
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); an exported document is an ordinary file.
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        Path(tmp_name).chmod(mode)
        Path(tmp_name).replace(path)
    except PermissionError as exc:
        raise KnownError(
            t(
                f"Impossible d'écrire « {path} » : le fichier est ouvert dans un autre "
                "programme ou le dossier est protégé.",
                f"Cannot write “{path}”: the file is open in another program or the "
                "folder is protected.",
            )
        ) from exc
    except OSError as exc:
        raise KnownError(
            t(
                f"Impossible d'écrire « {path} » : {os_reason(exc)}.",
                f"Cannot write “{path}”: {os_reason(exc)}.",
            )
        ) from exc
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                Path(tmp_name).unlink()
    return path
