"""What the sharing screens ask of the worker thread; plain data in, plain data out."""

# Every function here runs on the worker thread and opens its own connection to the
# database file: SQLite connections and ORM objects stay on the thread that made them,
# and only frozen dataclasses travel back to the window through signals.

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_desktop.core import paths
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.ui.sharing import wording

# The sharing services load the engine and the ORM: each function imports them when it
# runs, on the worker thread, so that the window's first paint does not wait for them.
if TYPE_CHECKING:
    from alliance_desktop.services.sharing import ConflictView, SharingStatus, SyncReport
    from alliance_desktop.storage.database import Database
    from alliance_desktop.storage.sync_backups import BackupInfo

# Choices on a conflict, as the review screen names them.
MINE = "mine"
THEIRS = "theirs"
VALUE = "value"
KEEP_RECORD = "keep"
DELETE_RECORD = "delete"


@dataclass(frozen=True)
class StatusOutcome:
    """Where a database stands with sharing, and whether a sync client keeps its folder."""

    db_path: Path
    status: SharingStatus
    place: str | None = None


@dataclass(frozen=True)
class SyncOutcome:
    """A sync or a merged file: the report, and the state after it."""

    db_path: Path
    report: SyncReport | None  # None: an automatic sync that had nothing to do
    status: SharingStatus
    compacted: bool = False  # an erasure arrived: applied, and the file compacted
    problem: str = ""  # why an automatic sync did not run (the folder is unreachable)

    @property
    def received(self) -> bool:
        """Whether the database changed (files merged, or a workspace created or joined)."""
        if self.report is None:
            return False
        return bool(self.report.merged_files) or self.report.action in ("created", "joined")


@dataclass(frozen=True)
class PublishOutcome:
    """A publish: how many changes left, and the state after it."""

    db_path: Path
    changes: int
    status: SharingStatus | None
    problem: str = ""


@dataclass(frozen=True)
class ConflictItem:
    """A conflict, with which side is this laptop's."""

    view: ConflictView
    mine_is_winner: bool

    @property
    def existence(self) -> bool:
        """Whether it is about a record's existence rather than a value."""
        from alliance_desktop.services.sharing import is_existence_conflict

        return is_existence_conflict(self.view)

    @property
    def duplicate(self) -> bool:
        """Whether it is about two records that may not coexist."""
        return self.view.field == wording.DUPLICATE

    def side(self, mine: bool) -> tuple[Any, str, dt.datetime]:
        """(value, author, when) of this laptop's side, or of the other one."""
        v = self.view
        winner = (v.winner_value, v.winner_author, v.winner_at)
        other = (v.other_value, v.other_author, v.other_at)
        return winner if mine == self.mine_is_winner else other


@dataclass(frozen=True)
class ConflictList:
    """The open conflicts of a database, newest first."""

    db_path: Path
    items: tuple[ConflictItem, ...]
    status: SharingStatus


@dataclass(frozen=True)
class HistoryLine:
    """One value a record held, ready to show."""

    at: dt.datetime  # naive UTC, by its author's clock
    field: str
    value: str
    author: str
    current: bool


@dataclass(frozen=True)
class RecordHistory:
    """Every value one record held."""

    table: str
    row_id: str
    label: str
    lines: tuple[HistoryLine, ...]


@dataclass(frozen=True)
class SessionHistory:
    """The history of a session and of the records it holds."""

    meeting_id: uuid.UUID
    records: tuple[RecordHistory, ...]


@dataclass(frozen=True)
class Restored:
    """A backup put back in place; the previous state kept aside."""

    db_path: Path
    backup: Path
    previous: Path | None


def folder_error(exc: OSError) -> KnownError:
    """An unreachable folder or file, in one sentence (the command line says the same)."""
    return KnownError(
        t(
            f"Le dossier partagé ou la base est inaccessible ({exc}) : rien n'a été perdu.",
            f"The shared folder or the database cannot be reached ({exc}): nothing was lost.",
        )
    )


@contextlib.contextmanager
def opened(db_path: Path) -> Iterator[Database]:
    """The database at ``db_path``, open on this thread only, closed at the end."""
    from alliance_desktop.storage.database import open_database

    try:
        db = open_database(db_path, create=False, backup_dir=paths.backups_dir())
    except OSError as exc:
        raise folder_error(exc) from exc
    try:
        yield db
    except OSError as exc:
        raise folder_error(exc) from exc
    finally:
        db.close()


def _erased(db: Database) -> set[str]:
    from alliance_desktop.storage.members_models import erased_people

    with db.engine.connect() as con:
        return erased_people(con)


def _erasure_arrived(db: Database, before: set[str]) -> bool:
    # The services compact the file themselves after a merge that brought an erasure;
    # the report only says that it happened.
    return bool(_erased(db) - before)


def _name(db: Database, author: str | None) -> None:
    from alliance_desktop.services import sharing

    if author and author.strip() and author.strip() != sharing.status(db).author:
        sharing.set_author(db, author=author)


def unreachable(folder: Path) -> str:
    """The one sentence said when the shared folder is not there."""
    return t(
        f"Le dossier partagé « {folder} » est introuvable (lecteur débranché ?) : la "
        "synchronisation se fera plus tard.",
        f"The shared folder “{folder}” cannot be found (drive disconnected?): syncing "
        "will happen later.",
    )


def read_status(db_path: Path, *, place: bool = False) -> StatusOutcome:
    """The database's sharing status (and, if asked, the sync client keeping its folder)."""
    from alliance_desktop.services import sharing
    from alliance_desktop.ui.sharing import places

    with opened(db_path) as db:
        status = sharing.status(db)
    return StatusOutcome(db_path, status, places.sync_place(db_path) if place else None)


def set_name(db_path: Path, author: str) -> StatusOutcome:
    """Set the name the other facilitators see on this laptop's changes."""
    from alliance_desktop.services import sharing

    with opened(db_path) as db:
        sharing.set_author(db, author=author)
        return StatusOutcome(db_path, sharing.status(db))


def sync_now(db_path: Path, folder: Path, author: str | None = None) -> SyncOutcome:
    """Create, join or synchronise the workspace in ``folder``; raises a KnownError."""
    from alliance_desktop.services import sharing

    with opened(db_path) as db:
        _name(db, author)
        before = _erased(db)
        report = sharing.sync(db, folder, backup_dir=paths.backups_dir())
        if report.action == "created":
            # Creating publishes everything but records no time of sync; a second sync
            # (nothing to send, nothing to receive yet) records it for the status bar.
            sharing.sync(db, folder, backup_dir=paths.backups_dir())
        compacted = _erasure_arrived(db, before)
        return SyncOutcome(db_path, report, sharing.status(db), compacted)


def sync_if_reachable(db_path: Path, folder: Path | None, author: str | None = None) -> SyncOutcome:
    """The start-up pull: only for a database already shared, and a folder that is there.

    Args:
        db_path: the working database.
        folder: the folder this laptop's settings name, used when the database does not
            remember where it last synchronised.
        author: the facilitator's name from the settings.
    """
    from alliance_desktop.services import sharing

    with opened(db_path) as db:
        status = sharing.status(db)
        where = status.shared_dir or (str(folder) if folder else None)
        if status.workspace_id is None or not where:
            return SyncOutcome(db_path, None, status)
        if not Path(where).is_dir():
            return SyncOutcome(db_path, None, status, problem=unreachable(Path(where)))
        _name(db, author)
        before = _erased(db)
        report = sharing.sync(db, Path(where), backup_dir=paths.backups_dir())
        compacted = _erasure_arrived(db, before)
        return SyncOutcome(db_path, report, sharing.status(db), compacted)


def publish_now(db_path: Path, folder: Path | None) -> PublishOutcome:
    """Send this laptop's changes, without merging the others' (a session closed, quitting).

    Nothing is done for a database that is not shared; an unreachable folder is said in
    ``problem``: the changes stay and leave with the next sync.
    """
    from alliance_desktop.services import sharing

    # The services offer sync (publish, then pull); publishing alone is the engine's.
    from alliance_desktop.storage import sync_engine

    with opened(db_path) as db:
        status = sharing.status(db)
        where = status.shared_dir or (str(folder) if folder else None)
        if status.workspace_id is None or not where:
            return PublishOutcome(db_path, 0, status)
        if not Path(where).is_dir():
            return PublishOutcome(db_path, 0, status, unreachable(Path(where)))
        if status.unpublished == 0:
            return PublishOutcome(db_path, 0, status)
        done = sync_engine.publish(db, Path(where))
        return PublishOutcome(db_path, done.changes, sharing.status(db))


def merge_now(db_path: Path, file: Path) -> SyncOutcome:
    """« Fusionner un fichier… »: a database or bundle received another way."""
    from alliance_desktop.services import sharing

    with opened(db_path) as db:
        before = _erased(db)
        report = sharing.merge_file(db, file, backup_dir=paths.backups_dir())
        compacted = _erasure_arrived(db, before)
        return SyncOutcome(db_path, report, sharing.status(db), compacted)


def _conflict_list(db_path: Path, db: Database) -> ConflictList:
    from alliance_desktop.services import sharing

    status = sharing.status(db)
    me = status.device_id
    items = tuple(
        # The same rule as keep_mine: this laptop's value, or else the provisional one.
        ConflictItem(c, c.other_device != me or c.winner_device == me)
        for c in sharing.conflicts(db)
    )
    return ConflictList(db_path, items, status)


def load_conflicts(db_path: Path) -> ConflictList:
    """The open conflicts."""
    with opened(db_path) as db:
        return _conflict_list(db_path, db)


def decide(db_path: Path, conflict_id: str, choice: str, value: Any = None) -> ConflictList:
    """Settle one conflict, then list those left."""
    from alliance_desktop.services import sharing

    with opened(db_path) as db:
        if choice == MINE:
            sharing.keep_mine(db, conflict_id)
        elif choice == THEIRS:
            sharing.keep_theirs(db, conflict_id)
        elif choice == VALUE:
            sharing.keep_value(db, conflict_id, value)
        elif choice == KEEP_RECORD:
            sharing.keep_record(db, conflict_id)
        elif choice == DELETE_RECORD:
            sharing.delete_record(db, conflict_id)
        else:
            raise ValueError(choice)
        return _conflict_list(db_path, db)


def _reference_names() -> dict[str, str]:
    from alliance_desktop.core import enums as e
    from alliance_desktop.core.labels import label
    from alliance_desktop.storage import reference

    names = {reference.theme_id(th).hex: label(th) for th in e.Theme}
    names.update({reference.stage_id(st).hex: label(st) for st in e.Stage})
    return names


def _shown(
    db: Database, table: str, field: str, value: Any, cache: dict[tuple[str, str], str]
) -> str:
    from alliance_desktop.storage import sync_review
    from alliance_desktop.storage.sync_schema import travelling

    if isinstance(value, uuid.UUID):
        parents = {fk.column: fk.parent for fk in travelling()[table].foreign_keys}
        parent = parents.get(field)
        key = (parent or "", value.hex)
        if key not in cache:
            if parent is None or parent not in travelling():
                cache[key] = _reference_names().get(value.hex, value.hex[:8])
            else:
                with db.engine.connect() as con:
                    cache[key] = sync_review.describe_row(con, parent, value.hex)
        return cache[key]
    return wording.value_text(value)


def _record(
    db: Database, table: str, row_id: str, cache: dict[tuple[str, str], str]
) -> RecordHistory:
    from alliance_desktop.services import sharing
    from alliance_desktop.storage import sync_review

    entries = sharing.record_history(db, table, row_id)
    with db.engine.connect() as con:
        name = sync_review.describe_row(con, table, row_id)
    if name == row_id[:8]:
        # A record without a text of its own (an attendance) is named by whom it is about.
        for field in ("person_id", "organisation_id"):
            refs = [h.value for h in entries if h.field == field and h.value is not None]
            if refs:
                name = _shown(db, table, field, refs[-1], cache)
                break
    lines = tuple(
        HistoryLine(
            h.at,
            h.field,
            ""
            if h.field in (wording.CREATED, wording.DELETED, wording.KEPT)
            else _shown(db, table, h.field, h.value, cache),
            h.author,
            h.current,
        )
        for h in entries
        if h.field not in ("created_at", "updated_at")
    )
    return RecordHistory(table, row_id, name, lines)


def session_history(db_path: Path, meeting_id: uuid.UUID) -> SessionHistory:
    """Every value the session and its records held, who set it and when.

    Its records are those that cannot exist without it (points, notes, attendance…),
    deleted ones included: the change log remembers them.
    """
    from alliance_desktop.storage import sync_review
    from alliance_desktop.storage.sync_schema import children_of

    with opened(db_path) as db:
        mid = meeting_id.hex
        keys = [("meeting", mid)]
        with db.engine.connect() as con:
            for child, fk in children_of("meeting"):
                if fk.ondelete == "CASCADE" or not fk.nullable:
                    # The engine's own search of the log, which finds deleted records too.
                    found = sync_review._log_children(con, child, fk.column, mid)
                    keys.extend((child, rid) for rid in found)
        cache: dict[tuple[str, str], str] = {}
        records = tuple(_record(db, table, rid, cache) for table, rid in keys)
    return SessionHistory(meeting_id, records)


def list_backups(db_path: Path) -> tuple[BackupInfo, ...]:
    """The backups of the database, newest first."""
    from alliance_desktop.services import sharing

    return tuple(sharing.backups(db_path, paths.backups_dir()))


def backup_now(db_path: Path) -> Path:
    """A verified backup, taken now."""
    from alliance_desktop.services import sharing

    return sharing.backup_now(db_path, paths.backups_dir())


def restore(db_path: Path, backup: Path) -> Restored:
    """Put ``backup`` back in place of the database (the window has let go of it).

    The services erase again at once the people erased on this laptop, whom an older
    backup may still hold.
    """
    from alliance_desktop.services import sharing

    try:
        previous = sharing.restore_backup(backup, db_path, paths.backups_dir())
    except OSError as exc:
        raise folder_error(exc) from exc
    return Restored(db_path, backup, previous)


def copy_to_local(db_path: Path) -> Path:
    """A checked copy of the database in the app's local folder."""
    from alliance_desktop.ui.sharing import places

    try:
        return places.copy_to_local(db_path)
    except OSError as exc:
        raise folder_error(exc) from exc
