"""Sharing the database between facilitators: the use cases behind « Synchroniser ».

Plain functions and frozen dataclasses, for the window and the command line alike. A
sync publishes this laptop's changes, merges the other laptops' (one transaction, after
a backup), and returns a :class:`SyncReport`: per facilitator, how many records were
added, changed, deleted, and how many conflicts await a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.storage import sync_backups, sync_engine, sync_review
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.sync_apply import DELETE_FIELD, DUPLICATE_FIELD, Tally
from alliance_desktop.storage.sync_engine import PullOutcome, SetAside
from alliance_desktop.storage.sync_folder import SharedFolderError, read_workspace
from alliance_desktop.storage.sync_review import ConflictView, HistoryEntry

__all__ = [
    "ConflictView",
    "FacilitatorCounts",
    "ForeignFile",
    "HistoryEntry",
    "SetAside",
    "SharingStatus",
    "SyncReport",
    "backup_now",
    "backups",
    "conflicts",
    "daily_backup",
    "delete_record",
    "keep_mine",
    "keep_record",
    "keep_theirs",
    "keep_value",
    "merge_file",
    "record_history",
    "restore_backup",
    "set_author",
    "status",
    "sync",
]


@dataclass(frozen=True)
class FacilitatorCounts:
    """What one facilitator's laptop brought in a merge."""

    device_id: str
    author: str
    device_name: str
    added: int
    changed: int
    deleted: int
    conflicts: int


@dataclass(frozen=True)
class ForeignFile:
    """A file of the shared folder that is not ours: reported, never touched."""

    name: str
    kind: str  # conflict-copy, unknown, part (another laptop's unfinished file)
    client: str  # the sync client that made a conflict copy, when recognisable


@dataclass(frozen=True)
class SyncReport:
    """The outcome of a sync or of a merged file."""

    action: str  # created, joined, synced, merged
    published: int
    bundle: str | None
    merged_files: tuple[str, ...]
    facilitators: tuple[FacilitatorCounts, ...]
    set_aside: tuple[SetAside, ...]
    foreign: tuple[ForeignFile, ...]
    open_conflicts: int
    waiting: int
    backup: Path | None
    daily_backup: Path | None

    def lines(self) -> list[str]:
        """The report as sentences, in the interface language."""
        out: list[str] = []
        head = {
            "created": t("Espace partagé créé.", "Shared workspace created."),
            "joined": t("Espace partagé rejoint.", "Shared workspace joined."),
            "synced": t("Synchronisation terminée.", "Sync complete."),
            "merged": t("Fichier fusionné.", "File merged."),
        }[self.action]
        out.append(head)
        if self.action != "merged":
            out.append(
                t(
                    f"Envoyé : {self.published} modification(s).",
                    f"Sent: {self.published} change(s).",
                )
            )
        out.append(
            t(
                f"Reçu : {len(self.merged_files)} fichier(s).",
                f"Received: {len(self.merged_files)} file(s).",
            )
        )
        for fc in self.facilitators:
            who = fc.author or fc.device_name or fc.device_id[:8]
            if fc.device_name and fc.author and fc.device_name != fc.author:
                who = f"{fc.author} ({fc.device_name})"
            out.append(
                t(
                    f"  {who} : {fc.added} ajout(s), {fc.changed} modification(s), "
                    f"{fc.deleted} suppression(s), {fc.conflicts} conflit(s).",
                    f"  {who}: {fc.added} added, {fc.changed} changed, {fc.deleted} deleted, "
                    f"{fc.conflicts} conflict(s).",
                )
            )
        if self.open_conflicts:
            out.append(
                t(
                    f"{self.open_conflicts} conflit(s) à examiner.",
                    f"{self.open_conflicts} conflict(s) to review.",
                )
            )
        if self.waiting:
            out.append(
                t(
                    f"{self.waiting} fiche(s) en attente d'une autre fiche pas encore reçue.",
                    f"{self.waiting} record(s) waiting for another not received yet.",
                )
            )
        for s in self.set_aside:
            out.append(
                t(f"Mis de côté : {s.name} — {s.reason}.", f"Set aside: {s.name} — {s.reason}.")
            )
        for f in self.foreign:
            what = {
                "conflict-copy": t(
                    f"copie de conflit ({f.client or '?'})", f"conflict copy ({f.client or '?'})"
                ),
                "part": t(
                    "fichier inachevé d'un autre ordinateur", "another laptop's unfinished file"
                ),
            }.get(f.kind, t("fichier inconnu", "unknown file"))
            out.append(
                t(
                    f"Fichier étranger laissé en place : {f.name} ({what}).",
                    f"Foreign file left in place: {f.name} ({what}).",
                )
            )
        if self.backup is not None:
            out.append(
                t(f"Sauvegarde avant fusion : {self.backup}", f"Backup before merge: {self.backup}")
            )
        return out


@dataclass(frozen=True)
class SharingStatus:
    """Where this database stands with sharing."""

    device_id: str
    device_name: str
    author: str
    workspace_id: str | None
    shared_dir: str | None
    last_sync_at: dt.datetime | None
    unpublished: int
    open_conflicts: int
    waiting: int


def _counts(tally: Tally, names: dict[str, str]) -> tuple[FacilitatorCounts, ...]:
    out = []
    for device, author in tally.authors():
        out.append(
            FacilitatorCounts(
                device_id=device,
                author=author,
                device_name=names.get(device, ""),
                added=tally.added[(device, author)],
                changed=tally.changed[(device, author)],
                deleted=tally.deleted[(device, author)],
                conflicts=tally.conflicts[(device, author)],
            )
        )
    return tuple(out)


def _pending_counts(db: Database) -> tuple[int, int]:
    with db.engine.connect() as con:
        conflicts = con.exec_driver_sql(
            "SELECT count(*) FROM sync_conflict WHERE open = 1"
        ).scalar()
        waiting = con.exec_driver_sql("SELECT count(*) FROM sync_row_state").scalar()
    return int(conflicts or 0), int(waiting or 0)


def _report(
    db: Database,
    action: str,
    pulled: PullOutcome,
    published: int = 0,
    bundle: str | None = None,
    daily: Path | None = None,
) -> SyncReport:
    conflicts_open, waiting = _pending_counts(db)
    return SyncReport(
        action=action,
        published=published,
        bundle=bundle,
        merged_files=tuple(pulled.merged),
        facilitators=_counts(pulled.tally, pulled.device_names),
        set_aside=tuple(pulled.set_aside),
        foreign=tuple(ForeignFile(f.name, f.kind, f.client) for f in pulled.foreign),
        open_conflicts=conflicts_open,
        waiting=waiting,
        backup=pulled.backup,
        daily_backup=daily,
    )


def set_author(db: Database, author: str | None = None, device_name: str | None = None) -> None:
    """Set the name other facilitators see on this laptop's changes (and the laptop's)."""
    sync_engine.set_identity(db, author=author, device_name=device_name)


def status(db: Database) -> SharingStatus:
    """Where the database stands with sharing, for a status line or the sync dialog."""
    ident = sync_engine.identity(db)
    conflicts_open, waiting = _pending_counts(db)
    with db.engine.connect() as con:
        unpublished = con.exec_driver_sql(
            "SELECT count(*) FROM sync_change WHERE bundle IS NULL"
        ).scalar()
        last = con.exec_driver_sql(
            "SELECT last_sync_at FROM sync_identity WHERE id = ?", (ident.row_id,)
        ).scalar()
    return SharingStatus(
        device_id=ident.device_id,
        device_name=ident.device_name,
        author=ident.author,
        workspace_id=ident.workspace_id,
        shared_dir=ident.shared_dir,
        last_sync_at=dt.datetime.fromisoformat(last) if isinstance(last, str) else None,
        unpublished=int(unpublished or 0),
        open_conflicts=conflicts_open,
        waiting=waiting,
    )


def _check_not_inside(db: Database, shared: Path) -> None:
    try:
        inside = db.path.resolve().is_relative_to(shared.resolve())
    except OSError:
        inside = False
    if inside:
        raise SharedFolderError(
            t(
                "La base de travail ne doit pas se trouver dans le dossier partagé : un "
                "client de synchronisation l'endommagerait. Copiez-la ailleurs d'abord.",
                "The working database must not live in the shared folder: a sync client "
                "would damage it. Copy it elsewhere first.",
            )
        )


def sync(db: Database, shared: Path, *, backup_dir: Path | None = None) -> SyncReport:
    """Create, join or synchronise the shared workspace in ``shared``, as the case may be.

    - an empty folder becomes the workspace, with this database as its first content;
    - a database that has no workspace yet joins the folder's;
    - otherwise this laptop's changes are published, then the others' merged.

    Raises:
        KnownError: the folder is unreachable or belongs to another workspace; the
            database is as it was before (a publish that succeeded stays published).
    """
    shared = Path(shared)
    if not shared.is_dir():
        raise SharedFolderError(
            t(
                f"Le dossier partagé « {shared} » est introuvable (lecteur débranché ?).",
                f"The shared folder “{shared}” cannot be found (drive disconnected?).",
            )
        )
    _check_not_inside(db, shared)
    ws = read_workspace(shared)
    ident = sync_engine.identity(db)
    if ws is None:
        if ident.workspace_id is not None:
            raise sync_engine.WorkspaceError(
                t(
                    f"« {shared} » ne contient pas l'espace partagé de cette base : "
                    "choisissez le bon dossier.",
                    f"“{shared}” does not hold this database's shared workspace: choose the "
                    "right folder.",
                )
            )
        if any(shared.iterdir()):
            raise SharedFolderError(
                t(
                    f"« {shared} » n'est pas vide : choisissez un dossier vide pour créer "
                    "l'espace partagé.",
                    f"“{shared}” is not empty: choose an empty folder to create the "
                    "shared workspace.",
                )
            )
        sync_engine.create_workspace(db, shared)
        daily = sync_backups.daily_backup(db.path, backup_dir)
        with db.engine.connect() as con:
            published = con.exec_driver_sql(
                "SELECT count(*) FROM sync_change WHERE bundle IS NOT NULL"
            ).scalar()
        return _report(db, "created", PullOutcome(), int(published or 0), None, daily)
    erasures = _erasure_count(db)
    if ident.workspace_id is None:
        pulled = sync_engine.join_workspace(db, shared, backup_dir=backup_dir)
        pub = sync_engine.publish(db, shared)
        _compact_after_erasures(db, erasures)
        daily = sync_backups.daily_backup(db.path, backup_dir)
        return _report(db, "joined", pulled, pub.changes, pub.bundle, daily)
    pub = sync_engine.publish(db, shared)
    pulled = sync_engine.pull(db, shared, backup_dir=backup_dir)
    _compact_after_erasures(db, erasures)
    daily = sync_backups.daily_backup(db.path, backup_dir)
    return _report(db, "synced", pulled, pub.changes, pub.bundle, daily)


def _erasure_count(db: Database) -> int:
    with db.engine.connect() as con:
        return int(con.exec_driver_sql("SELECT count(*) FROM person_erasure").scalar() or 0)


def _compact_after_erasures(db: Database, before: int) -> None:
    # An erasure that arrived cleared the person's values, but SQLite keeps the old
    # bytes in free pages, the WAL and old index segments until the file is compacted.
    if _erasure_count(db) > before:
        from alliance_desktop.services.privacy import compact

        compact(db)


def merge_file(db: Database, path: Path, *, backup_dir: Path | None = None) -> SyncReport:
    """« Fusionner un fichier… »: merge a database file or bundle received another way."""
    erasures = _erasure_count(db)
    pulled = sync_engine.merge_file(db, Path(path), backup_dir=backup_dir)
    _compact_after_erasures(db, erasures)
    return _report(db, "merged", pulled)


# -- conflicts and history -----------------------------------------------------------


def conflicts(db: Database, *, open_only: bool = True) -> list[ConflictView]:
    """The conflicts awaiting a decision (or all of them)."""
    with db.engine.connect() as con:
        return sync_review.list_conflicts(con, open_only=open_only)


def _find(db: Database, conflict_id: str) -> ConflictView:
    for c in conflicts(db):
        if c.id == conflict_id:
            return c
    raise sync_review.ReviewError(
        t(
            "Ce conflit n'existe plus (déjà réglé ici ou sur un autre ordinateur).",
            "This conflict no longer exists (already settled here or on another laptop).",
        )
    )


def _mine_is_winner(db: Database, c: ConflictView) -> bool:
    me = sync_engine.identity(db).device_id
    return c.other_device != me or c.winner_device == me


def _decide(db: Database, conflict_id: str, side: str) -> None:
    with sync_engine.immediate(db.engine) as con:
        value = sync_review.stored_side(con, conflict_id, side)
        sync_review.decide_field(con, conflict_id, value, path=db.path)


def keep_mine(db: Database, conflict_id: str) -> None:
    """Settle a field conflict with this laptop's value (the provisional one if neither is)."""
    c = _find(db, conflict_id)
    _decide(db, conflict_id, "winner" if _mine_is_winner(db, c) else "other")


def keep_theirs(db: Database, conflict_id: str) -> None:
    """Settle a field conflict with the other laptop's value."""
    c = _find(db, conflict_id)
    _decide(db, conflict_id, "other" if _mine_is_winner(db, c) else "winner")


def keep_value(db: Database, conflict_id: str, value: Any) -> None:
    """Settle a field conflict with a new value (as the application handles it)."""
    c = _find(db, conflict_id)
    stored = sync_review.to_stored(c.table, c.field, value)
    with sync_engine.immediate(db.engine) as con:
        sync_review.decide_field(con, conflict_id, stored, path=db.path)


def keep_record(db: Database, conflict_id: str) -> None:
    """Settle a deleted-while-edited conflict by keeping the record."""
    with sync_engine.immediate(db.engine) as con:
        sync_review.decide_existence(con, conflict_id, True, path=db.path)


def delete_record(db: Database, conflict_id: str) -> None:
    """Settle a deleted-while-edited or duplicate conflict by deleting the record."""
    with sync_engine.immediate(db.engine) as con:
        sync_review.decide_existence(con, conflict_id, False, path=db.path)


def is_existence_conflict(c: ConflictView) -> bool:
    """Whether the conflict is about a record's existence rather than a value."""
    return c.field in (DELETE_FIELD, DUPLICATE_FIELD)


def record_history(db: Database, table: str, row_id: str | Any) -> list[HistoryEntry]:
    """Every value a record ever held, who set it and when."""
    rid = row_id.hex if hasattr(row_id, "hex") and not isinstance(row_id, str) else str(row_id)
    with db.engine.connect() as con:
        return sync_review.history(con, table, rid)


# -- backups -------------------------------------------------------------------------


def backup_now(db_path: Path, folder: Path | None = None) -> Path:
    """A backup taken now, on demand (thinning applies to it like to the others)."""
    from alliance_desktop.storage.backup import backup_file

    made = backup_file(db_path, folder, reason="manuelle")
    sync_backups.thin(db_path, folder)
    return made


def daily_backup(db_path: Path, folder: Path | None = None) -> Path | None:
    """Today's backup, if none was taken yet (for the window to call at start-up)."""
    return sync_backups.daily_backup(db_path, folder)


def backups(db_path: Path, folder: Path | None = None) -> Sequence[sync_backups.BackupInfo]:
    """The backups of a database, newest first."""
    return sync_backups.list_backups(db_path, folder)


def restore_backup(backup: Path, db_path: Path, folder: Path | None = None) -> Path | None:
    """Put a backup back in place of the (closed) database; returns the copy of the old one."""
    if not backup.is_file():
        raise KnownError(t(f"« {backup} » n'existe pas.", f"“{backup}” does not exist."))
    before = sync_backups.restore(backup, db_path, folder)
    # A backup taken before an erasure still holds the person: erase them again at once.
    from alliance_desktop.services.privacy import reapply_erasures
    from alliance_desktop.storage.database import open_database

    db = open_database(db_path, create=False, backup_dir=folder)
    try:
        reapply_erasures(db)
    finally:
        db.close()
    return before


def unpublished_changes(db: Database) -> int:
    """How many local changes the next sync will send."""
    with db.engine.connect() as con:
        return int(
            con.exec_driver_sql("SELECT count(*) FROM sync_change WHERE bundle IS NULL").scalar()
            or 0
        )
