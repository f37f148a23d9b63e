"""The shared folder as a mailbox of immutable files, and nothing else.

Layout::

    <shared>/alliance-workspace.json            written once, by the laptop that created it
    <shared>/LISEZMOI.txt                        what this folder is, for a curious human
    <shared>/devices/<device-id>/bundles/<seq>-<sha256>.bundle
    <shared>/devices/<device-id>/snapshots/<stamp>-<sha256>.snapshot

Each laptop writes only under its own ``devices/<device-id>/`` and only new files,
named after their content's hash: no two machines ever write the same path, so a sync
client has no reason to make a conflict copy of them, and a file that does not match
its name is incomplete (still syncing) or damaged. Nothing here ever deletes or renames
a file another laptop wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t

WORKSPACE_FILE = "alliance-workspace.json"
README_FILE = "LISEZMOI.txt"
DEVICES = "devices"
BUNDLES = "bundles"
SNAPSHOTS = "snapshots"
BUNDLE_RE = re.compile(r"^(?P<seq>\d{8})-(?P<sha>[0-9a-f]{32})\.bundle$")
SNAPSHOT_RE = re.compile(
    r"^(?P<stamp>[0-9a-f]{12}\.[0-9a-f]{4}\.[0-9a-f]{16})-(?P<sha>[0-9a-f]{32})\.snapshot$"
)
DEVICE_RE = re.compile(r"^[0-9a-f]{32}$")
PART_SUFFIX = ".part"
BLOCK = 1 << 20

# Files sync clients keep for themselves: neither ours nor worth a word in the report.
HOUSEKEEPING = re.compile(
    r"^(\.dropbox(\.cache)?|\.dropbox\.attr|desktop\.ini|Thumbs\.db|\.DS_Store|"
    r"\.stfolder|\.stignore|\.stversions|\.sync_[0-9a-f]+\.db.*|\._sync_.*|"
    r"\.owncloudsync\.log.*|\.nextcloudsync\.log.*|Icon\r|\.~lock\..*|\.tmp\.drivedownload|"
    r"\.tmp\.driveupload)$",
    re.IGNORECASE,
)
# How the sync clients name the copy they make when two machines wrote one file. The
# first three are unmistakable; a Google Drive or OneDrive suffix is only taken for one
# when what remains without it is one of our own names.
CONFLICT_PATTERNS = (
    ("Nextcloud", re.compile(r" \(conflicted copy (?:[^()]* )?\d{4}-\d{2}-\d{2} \d{6}\)", re.I)),
    (
        "Dropbox",
        re.compile(r" \((?:[^()]*'s )?conflicted copy(?: \d{4}-\d{2}-\d{2})?(?: \(\d+\))?\)", re.I),
    ),
    ("Syncthing", re.compile(r"\.sync-conflict-\d{8}-\d{6}(?:-[A-Z0-9]{7})?", re.I)),
    ("Google Drive", re.compile(r" \(\d+\)(?=(?:\.[^.]+)?$)")),
    ("OneDrive", re.compile(r"-[A-Za-z0-9][A-Za-z0-9_-]{0,30}(?=\.[^.]+$)")),
)
_UNMISTAKABLE = frozenset({"Nextcloud", "Dropbox", "Syncthing"})


class SharedFolderError(KnownError):
    """The shared folder cannot be used as asked; nothing local was changed."""


@dataclass(frozen=True)
class FolderEntry:
    """A file found in the shared folder."""

    path: Path
    name: str  # relative to the shared folder, with forward slashes
    kind: str  # bundle, snapshot, workspace, readme, part, conflict-copy, unknown
    device_id: str | None = None
    client: str = ""  # for a conflict copy: the sync client that seems to have made it
    size: int = 0


def relative(shared: Path, path: Path) -> str:
    """``path`` relative to the shared folder, with forward slashes."""
    return path.relative_to(shared).as_posix()


def device_dir(shared: Path, device_id: str) -> Path:
    """The sub-folder where ``device_id`` (and only it) writes."""
    return shared / DEVICES / device_id


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read through ``os`` (so tests can make it fail)."""
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        while True:
            block = os.read(fd, BLOCK)
            if not block:
                break
            h.update(block)
    finally:
        os.close(fd)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    # Makes the new name itself durable; Windows has no directory handles to flush.
    if sys.platform.startswith("win"):
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_file(src: Path, dest: Path) -> str:
    """Copy ``src`` to a new file ``dest`` (flushed to disk); returns the SHA-256 copied."""
    h = hashlib.sha256()
    fd_in = os.open(src, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd_out = os.open(dest, flags, 0o644)
        try:
            while True:
                block = os.read(fd_in, BLOCK)
                if not block:
                    break
                h.update(block)
                view = memoryview(block)
                while view:
                    n = os.write(fd_out, view)
                    view = view[n:]
            os.fsync(fd_out)
        finally:
            os.close(fd_out)
    finally:
        os.close(fd_in)
    return h.hexdigest()


def place_immutable(src: Path, folder: Path, name: str, expected_sha: str) -> Path:
    """Put a copy of ``src`` into ``folder`` as ``name``, safely, and check it.

    The copy is written under a temporary name, flushed, renamed, and read back: only a
    file whose bytes hash to ``expected_sha`` counts as published.

    Raises:
        SharedFolderError: any step failed; a temporary file may remain (ours to clean).
    """
    final = folder / name
    part = folder / f".{name}.{uuid.uuid4().hex[:8]}{PART_SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if final.exists():
            if sha256_file(final) == expected_sha:
                return final
            raise OSError(f"{final} exists with other content")
        copied = copy_file(src, part)
        if copied != expected_sha:
            raise OSError("the file changed while it was copied")
        part.replace(final)
        _fsync_dir(folder)
        if sha256_file(final) != expected_sha:
            raise OSError("the file read back differs from the file written")
    except OSError as exc:
        with contextlib.suppress(OSError):
            if part.exists():
                part.unlink()
        raise SharedFolderError(
            t(
                f"Écriture dans le dossier partagé impossible ({exc}) : rien n'a été perdu, "
                "réessayez quand le dossier est accessible.",
                f"Cannot write to the shared folder ({exc}): nothing was lost; try again "
                "when the folder is reachable.",
            )
        ) from exc
    return final


def read_workspace(shared: Path) -> dict[str, str] | None:
    """The workspace description, or None if the folder holds no workspace yet.

    Raises:
        SharedFolderError: the folder is unreachable or the description is damaged.
    """
    if not shared.is_dir():
        raise SharedFolderError(
            t(
                f"Le dossier partagé « {shared} » est introuvable (lecteur débranché ?).",
                f"The shared folder “{shared}” cannot be found (drive disconnected?).",
            )
        )
    path = shared / WORKSPACE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SharedFolderError(
            t(
                f"Lecture de « {path} » impossible ({os_reason(exc)}).",
                f"Cannot read “{path}” ({os_reason(exc)}).",
            )
        ) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not DEVICE_RE.match(str(data.get("workspace_id"))):
            raise ValueError("no workspace id")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SharedFolderError(
            t(
                f"« {path} » est endommagé : ce dossier n'est pas utilisable tel quel.",
                f"“{path}” is damaged: this folder cannot be used as it is.",
            )
        ) from exc
    return {str(k): str(v) for k, v in data.items()}


README_TEXT = """Dossier partagé d'Alliance Desktop
==================================

Ce dossier sert de boîte aux lettres entre les ordinateurs des animateurs.
Chaque ordinateur y dépose ses modifications dans son propre sous-dossier
(devices/<identifiant>/), sous forme de fichiers qui ne changent plus jamais.

Ne modifiez, ne renommez et ne supprimez rien ici : utilisez « Synchroniser »
dans Alliance Desktop. La base de travail, elle, reste sur chaque ordinateur.

Alliance Desktop shared folder: each laptop drops its changes in its own
sub-folder as files that never change. Do not edit, rename or delete anything.
"""


def write_workspace(shared: Path, workspace_id: str, created_by: str, tmp_dir: Path) -> None:
    """Create the workspace description (and the explanatory note) in an empty folder.

    Raises:
        SharedFolderError: the folder already holds a workspace, or cannot be written.
    """
    if read_workspace(shared) is not None:
        raise SharedFolderError(
            t(
                f"« {shared} » contient déjà un espace partagé.",
                f"“{shared}” already holds a shared workspace.",
            )
        )
    body = json.dumps(
        {"format": 1, "workspace_id": workspace_id, "created_by": created_by},
        ensure_ascii=False,
        indent=2,
    ).encode("utf-8")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for name, data in ((README_FILE, README_TEXT.encode("utf-8")), (WORKSPACE_FILE, body)):
        src = tmp_dir / f"{uuid.uuid4().hex}.tmp"
        try:
            src.write_bytes(data)
            place_immutable(src, shared, name, hashlib.sha256(data).hexdigest())
        finally:
            src.unlink(missing_ok=True)


def _ours(name: str) -> bool:
    return bool(
        BUNDLE_RE.match(name) or SNAPSHOT_RE.match(name) or name in (WORKSPACE_FILE, README_FILE)
    )


def conflict_client(name: str) -> str:
    """The sync client whose conflict-copy naming ``name`` follows, or ""."""
    for client, pattern in CONFLICT_PATTERNS:
        # Every starting point, not only non-overlapping matches: a machine's name may
        # itself contain dashes (« -PC-MARIE »).
        for start in range(len(name)):
            m = pattern.match(name, start)
            if m and (client in _UNMISTAKABLE or _ours(name[:start] + name[m.end() :])):
                return client
    return ""


def _classify(shared: Path, path: Path, own_device: str | None) -> FolderEntry | None:
    rel = relative(shared, path)
    parts = rel.split("/")
    name = parts[-1]
    size = 0
    with contextlib.suppress(OSError):
        size = path.stat().st_size
    if HOUSEKEEPING.match(name):
        return None
    if len(parts) == 1 and name in (WORKSPACE_FILE, README_FILE):
        return FolderEntry(
            path, rel, "workspace" if name == WORKSPACE_FILE else "readme", size=size
        )
    device = parts[1] if len(parts) >= 3 and parts[0] == DEVICES else None
    if device is not None and DEVICE_RE.match(device) and len(parts) == 4:
        if parts[2] == BUNDLES and BUNDLE_RE.match(name):
            return FolderEntry(path, rel, "bundle", device, size=size)
        if parts[2] == SNAPSHOTS and SNAPSHOT_RE.match(name):
            return FolderEntry(path, rel, "snapshot", device, size=size)
        if name.startswith(".") and name.endswith(PART_SUFFIX):
            return FolderEntry(path, rel, "part", device, size=size)
    client = conflict_client(name)
    if client:
        return FolderEntry(path, rel, "conflict-copy", device, client, size=size)
    return FolderEntry(path, rel, "unknown", device, size=size)


def scan(shared: Path, own_device: str | None = None) -> list[FolderEntry]:
    """Every file of the shared folder, classified (sync clients' own files left out).

    Raises:
        SharedFolderError: the folder cannot be listed.
    """
    out: list[FolderEntry] = []
    try:

        def fail(exc: OSError) -> None:
            raise exc

        for root, dirs, files in os.walk(shared, onerror=fail):
            dirs[:] = sorted(d for d in dirs if not HOUSEKEEPING.match(d))
            for f in sorted(files):
                entry = _classify(shared, Path(root) / f, own_device)
                if entry is not None:
                    out.append(entry)
    except OSError as exc:
        raise SharedFolderError(
            t(
                f"Le dossier partagé « {shared} » n'est pas lisible ({exc}).",
                f"The shared folder “{shared}” cannot be read ({exc}).",
            )
        ) from exc
    return out


def clean_own_parts(shared: Path, device_id: str) -> None:
    """Remove temporary files an interrupted publish of *this* laptop left behind."""
    base = device_dir(shared, device_id)
    for sub in (BUNDLES, SNAPSHOTS):
        folder = base / sub
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.name.startswith(".") and p.name.endswith(PART_SUFFIX):
                with contextlib.suppress(OSError):
                    p.unlink()
