"""Where a database file lives: a folder a sync client or a network keeps, or local storage."""

# SQLite's documentation and every sync client's bug tracker agree that a live database
# in such a folder gets damaged or loses edits; the window says so and offers a local
# copy. Plain Python, run on the worker thread: looking at a network path can take
# seconds when the server does not answer.

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Final

from alliance_desktop.core import paths
from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t

if TYPE_CHECKING:
    from alliance_desktop.storage.database import Database

# Folder names the sync clients give their roots (Windows, macOS's CloudStorage, Linux).
_CLIENT_FOLDERS: Final = (
    ("OneDrive", re.compile(r"^onedrive([ _-].*)?$", re.IGNORECASE)),
    ("Dropbox", re.compile(r"^dropbox([ _(-].*)?$", re.IGNORECASE)),
    ("Nextcloud", re.compile(r"^nextcloud.*", re.IGNORECASE)),
    ("ownCloud", re.compile(r"^owncloud.*", re.IGNORECASE)),
    (
        "Google Drive",
        re.compile(r"^(google ?drive.*|googledrive-.*|my drive|mon drive)$", re.IGNORECASE),
    ),
    ("iCloud Drive", re.compile(r"^(icloud ?drive.*|mobile documents)$", re.IGNORECASE)),
)
# Files a sync client leaves at the root of what it keeps in step.
_CLIENT_MARKERS: Final = (
    ("Dropbox", ".dropbox"),
    ("Syncthing", ".stfolder"),
    ("Nextcloud", ".owncloudsync.log"),
    ("Nextcloud", ".sync_journal.db"),
)
_NEXTCLOUD_JOURNAL: Final = re.compile(r"^\.?_?sync_[0-9a-f]+\.db$")
# File systems of network shares, as Linux names them in /proc/self/mounts.
_NETWORK_FS: Final = frozenset(
    {
        "cifs",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "afs",
        "ncpfs",
        "9p",
        "fuse.sshfs",
        "sshfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.gvfsd-fuse",
    }
)
_DRIVE_REMOTE: Final = 4  # GetDriveTypeW's answer for a mapped network drive


def network_share() -> str:
    """How the screens call a network share."""
    return t("un partage réseau", "a network share")


def _client_by_name(path: PurePath) -> str | None:
    for part in path.parts:
        for client, pattern in _CLIENT_FOLDERS:
            if pattern.match(part):
                return client
    return None


def _client_by_marker(folder: Path) -> str | None:
    for ancestor in (folder, *folder.parents):
        for client, marker in _CLIENT_MARKERS:
            with contextlib.suppress(OSError):
                if (ancestor / marker).exists():
                    return client
        with contextlib.suppress(OSError):
            if any(_NEXTCLOUD_JOURNAL.match(p.name) for p in ancestor.glob(".*sync_*.db")):
                return "Nextcloud"
    return None


def _is_unc(path: PurePath) -> bool:
    text = str(path)
    return text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "//?/"))


def _windows_remote_drive(path: Path) -> bool:
    if sys.platform != "win32" or not path.drive:
        return False
    import ctypes

    kernel = getattr(ctypes, "windll", None)
    if kernel is None:
        return False
    return int(kernel.kernel32.GetDriveTypeW(path.drive + "\\")) == _DRIVE_REMOTE


def _linux_mount_type(path: Path) -> str | None:
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    best, kind = "", None
    text = str(path)
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        # Spaces in mount points are written as \040.
        mount = fields[1].replace("\\040", " ")
        inside = text == mount or text.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > len(best):
            best, kind = mount, fields[2]
    return kind


def sync_place(path: Path) -> str | None:
    """The sync client or network share that keeps ``path``'s folder, or None if local.

    Args:
        path: a database file (it need not exist yet).

    Returns:
        « OneDrive », « Dropbox »… or « un partage réseau »; None for local storage.
    """
    try:
        folder = path.resolve().parent
    except OSError:
        folder = path.parent
    client = _client_by_name(folder)
    if client is not None:
        return client
    if _is_unc(folder) or _windows_remote_drive(folder):
        return network_share()
    if sys.platform.startswith("linux") and _linux_mount_type(folder) in _NETWORK_FS:
        return network_share()
    return _client_by_marker(folder)


def database_inside(db: Database, folder: Path) -> bool:
    """Whether the working database lies inside ``folder``.

    The sharing engine refuses such a folder; its own check answers, so that the window
    and the engine never disagree.
    """
    from alliance_desktop.services import sharing
    from alliance_desktop.storage.sync_folder import SharedFolderError

    try:
        sharing._check_not_inside(db, folder)
    except SharedFolderError:
        return True
    return False


def local_folder() -> Path:
    """Where a database copied out of a synchronised folder goes: the app's local data."""
    return paths.data_dir()


def copy_to_local(path: Path, folder: Path | None = None) -> Path:
    """Copy the database ``path`` into local storage, keeping its name when free.

    The copy is SQLite's own (``VACUUM INTO``), checked before it is used, so that a
    file half-written by a sync client is never taken for a database.

    Raises:
        KnownError: the copy could not be made; nothing was changed.
    """
    from alliance_desktop.storage.backup import backup_file

    folder = folder or local_folder()
    made = backup_file(path, folder, reason="copie-locale")
    target = folder / path.name
    if target.exists():
        return made
    try:
        made.replace(target)
    except OSError as exc:
        raise KnownError(
            t(
                f"La copie locale « {made} » n'a pas pu être renommée ({os_reason(exc)}).",
                f"The local copy “{made}” could not be renamed ({os_reason(exc)}).",
            )
        ) from exc
    return target
