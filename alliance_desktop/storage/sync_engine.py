"""Publishing to and pulling from the shared folder, joining a workspace, merging a file.

Order of every pull: read and check every new file into a local temporary folder
first (the shared folder may vanish at any moment), back the database up, then merge
everything in one ``BEGIN IMMEDIATE`` transaction with the bookkeeping of the files
merged and set aside. The local database is therefore as before or as after, never in
between, whatever happens to the shared folder, the process or the power.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from alliance_desktop.core import hlc
from alliance_desktop.core.errors import DatabaseError, KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.paths import data_dir
from alliance_desktop.storage import sync_bundle as bundles
from alliance_desktop.storage import sync_capture, sync_folder, sync_log
from alliance_desktop.storage.backup import backup_file
from alliance_desktop.storage.database import (
    APPLICATION_ID,
    KNOWN_REVISIONS,
    SCHEMA_HEAD,
    Database,
    inspect_file,
    open_database,
)
from alliance_desktop.storage.sync_apply import Key, Tally, materialize
from alliance_desktop.storage.sync_folder import FolderEntry, SharedFolderError
from alliance_desktop.storage.sync_log import Identity, NewChange
from alliance_desktop.storage.sync_schema import travelling
from alliance_desktop.storage.sync_state import Change

SNAPSHOT_META = "snapshot_meta"


class WorkspaceError(KnownError):
    """The database and the shared folder do not belong together."""


@dataclass(frozen=True)
class SetAside:
    """A file of the shared folder that was not merged, and why."""

    name: str
    reason: str
    retry: bool


@dataclass
class PullOutcome:
    """What a pull (or a join, or a merged file) did."""

    merged: list[str] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    foreign: list[FolderEntry] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    new_changes: int = 0
    backup: Path | None = None
    device_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishOutcome:
    """What a publish did."""

    bundle: str | None
    changes: int
    recovered: int = 0


@contextlib.contextmanager
def immediate(engine: Engine) -> Iterator[Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: the write lock is taken before the first read.

    pysqlite would otherwise begin lazily at the first write, after the merge has read
    the state it decides on, and another process could slip in between.
    """
    with engine.connect() as con:
        dbapi = con.connection.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        old = dbapi.isolation_level
        dbapi.isolation_level = None
        try:
            con.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if dbapi.in_transaction:
                    dbapi.execute("ROLLBACK")
                raise
            dbapi.execute("COMMIT")
        finally:
            dbapi.isolation_level = old


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A local temporary folder for the files of one operation, removed afterwards."""
    base = data_dir() / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sync-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def identity(db: Database) -> Identity:
    """The identity of the database as a replica (created on first use)."""
    with immediate(db.engine) as con:
        return sync_log.ensure_identity(con, db.path)


def set_identity(
    db: Database, *, author: str | None = None, device_name: str | None = None
) -> None:
    """Change the name shown to the other facilitators, or this laptop's name."""
    with immediate(db.engine) as con:
        ident = sync_log.ensure_identity(con, db.path)
        con.exec_driver_sql(
            "UPDATE sync_identity SET author = ?, device_name = ? WHERE id = ?",
            (
                ident.author if author is None else author.strip(),
                ident.device_name if device_name is None else device_name.strip(),
                ident.row_id,
            ),
        )


# -- publishing ----------------------------------------------------------------------


def _unpublished(con: Connection) -> list[tuple[str, NewChange]]:
    rows = con.exec_driver_sql(
        "SELECT id, stamp, table_name, row_id, field, value, parents, device_id, author "
        "FROM sync_change WHERE bundle IS NULL ORDER BY stamp, table_name, row_id, field"
    ).fetchall()
    return [
        (r[0], NewChange(r[1], r[2], r[3], r[4], r[5], tuple(r[6].split()), r[7], r[8]))
        for r in rows
    ]


def _mark_published(con: Connection, ids: Sequence[str], name: str, ident: Identity) -> None:
    for part in sync_log.chunks(list(ids)):
        marks = ",".join("?" * len(part))
        con.exec_driver_sql(
            f"UPDATE sync_change SET bundle = ? WHERE bundle IS NULL AND id IN ({marks})",
            (name, *part),
        )
    _record_file(
        con, name, "bundle", "published", None, ident.device_id, ident.author, len(ids), ""
    )


def _record_file(
    con: Connection,
    name: str,
    kind: str,
    status: str,
    sha: str | None,
    device: str | None,
    author: str,
    changes: int,
    reason: str,
    size: int | None = None,
) -> None:
    now = sync_log.now_text()
    con.exec_driver_sql("DELETE FROM sync_file WHERE name = ?", (name,))
    con.exec_driver_sql(
        "INSERT INTO sync_file (id, name, kind, status, sha256, size, device_id, author, "
        "changes, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uuid.uuid4().hex,
            name,
            kind,
            status,
            sha,
            size,
            device,
            author,
            changes,
            reason,
            now,
            now,
        ),
    )


def _known_files(con: Connection) -> dict[str, str]:
    return {
        r[0]: r[1] for r in con.exec_driver_sql("SELECT name, status FROM sync_file").fetchall()
    }


def _check_workspace(shared: Path, ident: Identity) -> dict[str, str]:
    ws = sync_folder.read_workspace(shared)
    if ws is None:
        raise WorkspaceError(
            t(
                f"« {shared} » n'est pas encore un dossier partagé d'Alliance Desktop.",
                f"“{shared}” is not an Alliance Desktop shared folder yet.",
            )
        )
    if ident.workspace_id is None:
        raise WorkspaceError(
            t(
                "Cette base n'a pas encore rejoint d'espace partagé.",
                "This database has not joined a shared workspace yet.",
            )
        )
    if ws["workspace_id"] != ident.workspace_id:
        raise WorkspaceError(
            t(
                f"Cette base appartient à un autre espace partagé que « {shared} » : "
                "choisissez le bon dossier.",
                f"This database belongs to another shared workspace than “{shared}”: "
                "choose the right folder.",
            )
        )
    return ws


def _recover_own(con: Connection, shared: Path, ident: Identity, tmp: Path) -> int:
    """Bundles of ours in the folder that this database does not know it published.

    An interrupted publish can leave a complete bundle behind without the database
    having recorded it; its changes are marked published instead of being sent twice.
    """
    known = _known_files(con)
    folder = sync_folder.device_dir(shared, ident.device_id) / sync_folder.BUNDLES
    if not folder.is_dir():
        return 0
    recovered = 0
    for p in sorted(folder.iterdir()):
        m = sync_folder.BUNDLE_RE.match(p.name)
        name = sync_folder.relative(shared, p)
        if not m or name in known:
            continue
        local = tmp / p.name
        if sync_folder.copy_file(p, local)[:32] != m.group("sha"):
            continue
        try:
            changes = bundles.read_changes(local, bundles.read_meta(local))
        except bundles.BundleError:
            continue
        ids = [sync_log.change_id(c.table, c.row_id, c.field, c.stamp) for c in changes]
        _mark_published(con, ids, name, ident)
        recovered += 1
    return recovered


def _bundle_groups(
    pending: list[tuple[str, NewChange]], clock: hlc.Clock
) -> list[list[tuple[str, NewChange]]]:
    # Changes stamped while this laptop's clock was far ahead would make the others set
    # the whole bundle aside: they travel in a bundle of their own, the rest at once.
    now = [p for p in pending if not clock.too_far_ahead(p[1].stamp)]
    ahead = [p for p in pending if clock.too_far_ahead(p[1].stamp)]
    return [g for g in (now, ahead) if g]


def publish(db: Database, shared: Path) -> PublishOutcome:
    """Publish this laptop's changes since last time as a new bundle.

    Raises:
        SharedFolderError: the folder could not be written; the changes stay unpublished.
        WorkspaceError: the database and folder do not belong together.
    """
    with scratch() as tmp:
        with immediate(db.engine) as con:
            ident = sync_log.ensure_identity(con, db.path)
            _check_workspace(shared, ident)
            recovered = _recover_own(con, shared, ident, tmp)
            since = con.exec_driver_sql(
                "SELECT reconciled_at FROM sync_identity WHERE id = ?", (ident.row_id,)
            ).scalar()
            started = sync_log.now_text()
            sync_capture.reconcile(con, since)
            con.exec_driver_sql(
                "UPDATE sync_identity SET reconciled_at = ? WHERE id = ?", (started, ident.row_id)
            )
            ident = sync_log.ensure_identity(con, db.path)
            pending = _unpublished(con)
        sync_folder.clean_own_parts(shared, ident.device_id)
        names: list[str] = []
        for group in _bundle_groups(pending, sync_log.clock_for(ident)):
            names.append(_publish_group(db, shared, tmp, ident, group))
        return PublishOutcome(names[0] if names else None, len(pending), recovered)


def _publish_group(
    db: Database, shared: Path, tmp: Path, ident: Identity, group: list[tuple[str, NewChange]]
) -> str:
    with immediate(db.engine) as con:
        seq = sync_log.ensure_identity(con, db.path).next_seq
    changes = [c for _id, c in group]
    meta = {
        "format": str(bundles.FORMAT),
        "workspace_id": str(ident.workspace_id),
        "device_id": ident.device_id,
        "device_name": ident.device_name,
        "author": ident.author,
        "seq": str(seq),
        "changes": str(len(changes)),
        "min_stamp": min(c.stamp for c in changes),
        "max_stamp": max(c.stamp for c in changes),
        "schema": SCHEMA_HEAD,
        "bundle_id": uuid.uuid4().hex,
    }
    local = tmp / f"out-{seq}.bundle"
    bundles.write_bundle(local, meta, changes)
    sha = sync_folder.sha256_file(local)
    name = f"{seq:08d}-{sha[:32]}.bundle"
    folder = sync_folder.device_dir(shared, ident.device_id) / sync_folder.BUNDLES
    final = sync_folder.place_immutable(local, folder, name, sha)
    rel = sync_folder.relative(shared, final)
    with immediate(db.engine) as con:
        current = sync_log.ensure_identity(con, db.path)
        _mark_published(con, [i for i, _c in group], rel, current)
        con.exec_driver_sql(
            "UPDATE sync_identity SET next_seq = max(next_seq, ?) WHERE id = ?",
            (seq + 1, current.row_id),
        )
    return rel


# -- pulling -------------------------------------------------------------------------


@dataclass
class _Candidate:
    entry: FolderEntry
    local: Path
    sha: str
    meta: bundles.BundleMeta
    changes: list[NewChange]


def _fetch(
    shared: Path, entry: FolderEntry, tmp: Path, workspace_id: str, clock: hlc.Clock
) -> _Candidate:
    """Copy one bundle locally and check it through; raises BundleError to set it aside."""
    m = sync_folder.BUNDLE_RE.match(entry.path.name)
    assert m is not None
    local = tmp / f"{uuid.uuid4().hex}.bundle"
    try:
        sha = sync_folder.copy_file(entry.path, local)
    except FileNotFoundError as exc:
        if not shared.is_dir():
            raise  # the whole folder went away: the pull stops, nothing merged
        raise bundles.BundleError(
            t("disparu pendant la lecture", "vanished while being read"), retry=True
        ) from exc
    if sha[:32] != m.group("sha"):
        raise bundles.BundleError(
            t(
                "incomplet ou modifié (synchronisation en cours ?)",
                "incomplete or altered (still syncing?)",
            ),
            retry=True,
        )
    meta = bundles.read_meta(local)
    if meta.schema not in KNOWN_REVISIONS:
        # Its tables or fields may not exist here: wait for this laptop to be updated.
        raise bundles.BundleError(
            t(
                f"écrit par une version plus récente d'Alliance Desktop ({meta.schema}) : "
                "mettez à jour cet ordinateur",
                f"written by a newer version of Alliance Desktop ({meta.schema}): update "
                "this laptop",
            ),
            retry=True,
        )
    if meta.workspace_id != workspace_id:
        raise bundles.BundleError(t("d'un autre espace partagé", "from another shared workspace"))
    if meta.device_id != entry.device_id:
        raise bundles.BundleError(
            t("rangé dans le dossier d'un autre ordinateur", "filed under another laptop's folder")
        )
    if meta.changes and clock.too_far_ahead(meta.max_stamp):
        when = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=hlc.wall_of(meta.max_stamp))
        raise bundles.BundleError(
            t(
                f"daté du {when:%d/%m/%Y %H:%M} (UTC), dans le futur : l'horloge de "
                f"« {meta.device_name} » est fausse ; il sera repris le moment venu",
                f"dated {when:%Y-%m-%d %H:%M} (UTC), in the future: the clock of "
                f"“{meta.device_name}” is wrong; it will be taken when that time comes",
            ),
            retry=True,
        )
    changes = bundles.read_changes(local, meta)
    return _Candidate(entry, local, sha, meta, changes)


def merge_changes(
    con: Connection,
    changes: Sequence[NewChange],
    ident: Identity,
    *,
    tally: Tally,
    source: str | None,
) -> int:
    """Merge change records into the database, inside the caller's transaction.

    ``source`` is the bundle they came from: they are already in the shared folder. A
    file merged by hand has none, so its changes are relayed by this laptop's next
    publish to the laptops that did not receive the file.

    Returns:
        How many of them were new.
    """
    fresh: dict[str, NewChange] = {}
    for c in changes:
        fresh[sync_log.change_id(c.table, c.row_id, c.field, c.stamp)] = c
    ids = list(fresh)
    for part in sync_log.chunks(ids):
        marks = ",".join("?" * len(part))
        for r in con.exec_driver_sql(
            f"SELECT id FROM sync_change WHERE id IN ({marks})", tuple(part)
        ):
            fresh.pop(r[0], None)
    if not fresh:
        return 0
    keys: set[Key] = {(c.table, c.row_id) for c in fresh.values()}
    by_table: dict[str, list[str]] = {}
    for table, rid in keys:
        by_table.setdefault(table, []).append(rid)
    seen: set[Key] = set()
    for table, ids in by_table.items():
        for part in sync_log.chunks(sorted(ids)):
            marks = ",".join("?" * len(part))
            seen.update(
                (table, r[0])
                for r in con.exec_driver_sql(
                    "SELECT DISTINCT row_id FROM sync_change "
                    f"WHERE table_name = ? AND row_id IN ({marks})",
                    (table, *part),
                )
            )
    # Rows the log knew nothing about: their whole history is what just arrived.
    preloaded: dict[str, dict[str, list[Change]]] = {}
    for c in fresh.values():
        if (c.table, c.row_id) not in seen:
            preloaded.setdefault(c.table, {}).setdefault(c.row_id, []).append(
                Change(c.stamp, c.field, c.value, c.parents, c.device, c.author)
            )
    sync_log.write_changes(con, list(fresh.values()), ids=list(fresh), bundle=source)
    con.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    materialize(con, keys, tally=tally, local_device=ident.device_id, preloaded=preloaded)
    clock = sync_log.clock_for(ident)
    newest = max(c.stamp for c in fresh.values())
    if not clock.too_far_ahead(newest):
        clock.observe(newest)
        sync_log.save_clock(con, ident, clock)
    return len(fresh)


def _foreign(entries: Sequence[FolderEntry], own: str) -> list[FolderEntry]:
    out = []
    for e in entries:
        if e.kind in ("conflict-copy", "unknown") or (e.kind == "part" and e.device_id != own):
            out.append(e)
    return out


def pull(db: Database, shared: Path, *, backup_dir: Path | None = None) -> PullOutcome:
    """Merge every new bundle of the other laptops, in one transaction.

    Raises:
        SharedFolderError: the folder could not be read; the database is unchanged.
        WorkspaceError: the database and folder do not belong together.
    """
    out = PullOutcome()
    with scratch() as tmp:
        with immediate(db.engine) as con:
            ident = sync_log.ensure_identity(con, db.path)
            known = _known_files(con)
        ws = _check_workspace(shared, ident)
        entries = sync_folder.scan(shared, ident.device_id)
        out.foreign = _foreign(entries, ident.device_id)
        clock = sync_log.clock_for(ident)
        candidates: list[_Candidate] = []
        for entry in entries:
            if entry.kind != "bundle" or entry.device_id == ident.device_id:
                continue
            if known.get(entry.name) in ("merged", "published"):
                continue
            try:
                candidates.append(_fetch(shared, entry, tmp, ws["workspace_id"], clock))
            except bundles.BundleError as exc:
                out.set_aside.append(SetAside(entry.name, str(exc), exc.retry))
            except OSError as exc:
                raise SharedFolderError(
                    t(
                        f"Lecture du dossier partagé interrompue ({exc}) : la base n'a pas "
                        "été modifiée.",
                        f"Reading the shared folder was interrupted ({exc}): the database "
                        "was not changed.",
                    )
                ) from exc
        if not (shared / sync_folder.WORKSPACE_FILE).is_file():
            # The folder went away while it was read: stop before the database changes.
            raise SharedFolderError(
                t(
                    f"Le dossier partagé « {shared} » a disparu pendant la lecture : la base "
                    "n'a pas été modifiée.",
                    f"The shared folder “{shared}” went away while being read: the database "
                    "was not changed.",
                )
            )
        if candidates:
            out.backup = backup_file(db.path, backup_dir, reason="avant-fusion")
        with immediate(db.engine) as con:
            ident = sync_log.ensure_identity(con, db.path)
            for c in candidates:
                out.new_changes += merge_changes(
                    con, c.changes, ident, tally=out.tally, source=c.entry.name
                )
                out.merged.append(c.entry.name)
                out.device_names[c.meta.device_id] = c.meta.device_name
                _record_file(
                    con,
                    c.entry.name,
                    "bundle",
                    "merged",
                    c.sha,
                    c.meta.device_id,
                    c.meta.author,
                    c.meta.changes,
                    "",
                    c.entry.size,
                )
            for s in out.set_aside:
                _record_file(con, s.name, "bundle", "set_aside", None, None, "", 0, s.reason)
            for f in out.foreign:
                if f.name not in known:
                    _record_file(
                        con, f.name, "foreign", "reported", None, None, "", 0, f.kind, f.size
                    )
            con.exec_driver_sql(
                "UPDATE sync_identity SET last_sync_at = ?, shared_dir = ? WHERE id = ?",
                (sync_log.now_text(), str(shared), ident.row_id),
            )
    return out


# -- creating and joining a workspace ------------------------------------------------


def has_content(db: Database) -> bool:
    """Whether the database holds any travelling row or any change (beyond reference data)."""
    with db.engine.connect() as con:
        if con.exec_driver_sql("SELECT 1 FROM sync_change LIMIT 1").first():
            return True
        return any(
            con.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first() for name in travelling()
        )


def create_workspace(db: Database, shared: Path) -> str:
    """Make an empty folder the shared workspace, with this database as its first content.

    Returns:
        The new workspace id.

    Raises:
        WorkspaceError: the database already belongs to a workspace.
        SharedFolderError: the folder already holds one, or cannot be written.
    """
    with immediate(db.engine) as con:
        ident = sync_log.ensure_identity(con, db.path)
    if ident.workspace_id is not None:
        raise WorkspaceError(
            t(
                "Cette base appartient déjà à un espace partagé.",
                "This database already belongs to a shared workspace.",
            )
        )
    if sync_folder.read_workspace(shared) is not None:
        raise SharedFolderError(
            t(f"« {shared} » contient déjà un espace partagé.", f"“{shared}” already holds one.")
        )
    workspace = uuid.uuid4().hex
    with scratch() as tmp:
        sync_folder.write_workspace(shared, workspace, ident.author, tmp)
    with immediate(db.engine) as con:
        con.exec_driver_sql(
            "UPDATE sync_identity SET workspace_id = ?, shared_dir = ? WHERE id = ?",
            (workspace, str(shared), ident.row_id),
        )
    publish(db, shared)
    publish_snapshot(db, shared)
    return workspace


def publish_snapshot(db: Database, shared: Path) -> str:
    """Leave a copy of the whole database for laptops that join later (faster than replay).

    Returns:
        The snapshot's name relative to the shared folder.
    """
    with immediate(db.engine) as con:
        ident = sync_log.ensure_identity(con, db.path)
        clock = sync_log.clock_for(ident)
        stamp = clock.tick()
        sync_log.save_clock(con, ident, clock)
    with scratch() as tmp:
        local = tmp / "snapshot.sqlite3"
        src = sqlite3.connect(f"{db.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            src.execute("VACUUM INTO ?", (str(local),))
        finally:
            src.close()
        con2 = sqlite3.connect(local)
        try:
            con2.execute("PRAGMA journal_mode=DELETE")
            con2.execute("DELETE FROM sync_identity")
            con2.execute("DELETE FROM sync_file WHERE status NOT IN ('merged', 'published')")
            con2.execute(f"CREATE TABLE {SNAPSHOT_META} (key TEXT PRIMARY KEY, value TEXT)")
            con2.executemany(
                f"INSERT INTO {SNAPSHOT_META} VALUES (?, ?)",
                [
                    ("workspace_id", str(ident.workspace_id)),
                    ("device_id", ident.device_id),
                    ("device_name", ident.device_name),
                    ("author", ident.author),
                    ("stamp", stamp),
                    ("schema", SCHEMA_HEAD),
                ],
            )
            con2.commit()
            con2.execute("VACUUM")
        finally:
            con2.close()
        sha = sync_folder.sha256_file(local)
        name = f"{stamp}-{sha[:32]}.snapshot"
        folder = sync_folder.device_dir(shared, ident.device_id) / sync_folder.SNAPSHOTS
        final = sync_folder.place_immutable(local, folder, name, sha)
        return sync_folder.relative(shared, final)


def _check_snapshot(path: Path, workspace_id: str) -> None:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise bundles.BundleError(t("ce n'est pas un instantané", "not a snapshot"))
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise bundles.BundleError(t("instantané endommagé", "damaged snapshot"))
        meta = dict(con.execute(f"SELECT key, value FROM {SNAPSHOT_META}").fetchall())
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise bundles.BundleError(
            t(f"instantané illisible ({exc})", f"unreadable ({exc})")
        ) from exc
    finally:
        con.close()
    if meta.get("workspace_id") != workspace_id:
        raise bundles.BundleError(t("d'un autre espace partagé", "from another shared workspace"))
    if rev != SCHEMA_HEAD:
        raise bundles.BundleError(
            t(f"d'une autre version du schéma ({rev})", f"of another schema version ({rev})"),
            retry=rev not in KNOWN_REVISIONS,
        )


def _load_snapshot(db: Database, path: Path) -> None:
    """Copy a snapshot's content into this (empty) database, in one transaction."""
    tables = [*travelling(), "sync_change", "sync_conflict", "sync_row_state", "sync_file"]
    with db.engine.connect() as con:
        dbapi = con.connection.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        old = dbapi.isolation_level
        dbapi.isolation_level = None
        dbapi.execute("ATTACH DATABASE ? AS snap", (f"{path.resolve().as_uri()}?mode=ro",))
        try:
            dbapi.execute("BEGIN IMMEDIATE")
            try:
                dbapi.execute("PRAGMA defer_foreign_keys = ON")
                for name in tables:
                    cols = [r[1] for r in dbapi.execute(f"PRAGMA main.table_info({name})")]
                    names = ", ".join(f'"{c}"' for c in cols)
                    select = names
                    if name == "sync_change":
                        select = names.replace('"bundle"', "coalesce(\"bundle\", 'snapshot')")
                    dbapi.execute(
                        f"INSERT OR IGNORE INTO main.{name} ({names}) "
                        f"SELECT {select} FROM snap.{name}"
                    )
                dbapi.execute("COMMIT")
            except BaseException:
                if dbapi.in_transaction:
                    dbapi.execute("ROLLBACK")
                raise
        finally:
            dbapi.execute("DETACH DATABASE snap")
            dbapi.isolation_level = old


def join_workspace(db: Database, shared: Path, *, backup_dir: Path | None = None) -> PullOutcome:
    """Join the workspace of ``shared``: receive the whole database, then share from now on.

    An empty database takes the newest good snapshot, then the bundles published since;
    a database that already holds data keeps it, enters it in the log, and merges every
    bundle (its own data then travels with its first publish).

    Raises:
        WorkspaceError: the database already belongs to another workspace.
        SharedFolderError: the folder holds no workspace or cannot be read.
    """
    ws = sync_folder.read_workspace(shared)
    if ws is None:
        raise WorkspaceError(
            t(
                f"« {shared} » n'est pas un dossier partagé d'Alliance Desktop.",
                f"“{shared}” is not an Alliance Desktop shared folder.",
            )
        )
    with immediate(db.engine) as con:
        ident = sync_log.ensure_identity(con, db.path)
    if ident.workspace_id not in (None, ws["workspace_id"]):
        raise WorkspaceError(
            t(
                "Cette base appartient déjà à un autre espace partagé.",
                "This database already belongs to another shared workspace.",
            )
        )
    snapshot_used: str | None = None
    if not has_content(db):
        entries = sync_folder.scan(shared, ident.device_id)
        snaps = sorted(
            (e for e in entries if e.kind == "snapshot"), key=lambda e: e.path.name, reverse=True
        )
        with scratch() as tmp:
            for entry in snaps:
                local = tmp / f"{uuid.uuid4().hex}.sqlite3"
                m = sync_folder.SNAPSHOT_RE.match(entry.path.name)
                assert m is not None
                try:
                    if sync_folder.copy_file(entry.path, local)[:32] != m.group("sha"):
                        continue
                    _check_snapshot(local, ws["workspace_id"])
                except (bundles.BundleError, OSError):
                    continue
                _load_snapshot(db, local)
                snapshot_used = entry.name
                break
    with immediate(db.engine) as con:
        con.exec_driver_sql(
            "UPDATE sync_identity SET workspace_id = ?, shared_dir = ? WHERE id = ?",
            (ws["workspace_id"], str(shared), ident.row_id),
        )
        if snapshot_used is None:
            sync_capture.adopt_all(con)
    out = pull(db, shared, backup_dir=backup_dir)
    if snapshot_used is not None:
        out.merged.insert(0, snapshot_used)
        # What the snapshot brought, by author, for the report (rows created, alive).
        with db.engine.connect() as con:
            for device, author, n in con.exec_driver_sql(
                "SELECT device_id, author, count(*) FROM sync_change c WHERE field = '+' "
                "AND NOT EXISTS (SELECT 1 FROM sync_change d WHERE d.table_name = c.table_name "
                "AND d.row_id = c.row_id AND d.field = '-') GROUP BY device_id, author"
            ):
                out.tally.added[(device, author)] += int(n)
    return out


# -- merging a file that did not come through the shared folder ----------------------


def _changes_of_database(path: Path, tmp: Path, shown: Path) -> list[NewChange]:
    """Every change a database file holds, read from a migrated private copy of it.

    The copy gets the file's rows that predate its log entered as created, under a
    device id of its own (the copy is bound to another path). Messages name ``shown``,
    the file the user chose.
    """
    try:
        state = inspect_file(path)
    except DatabaseError as exc:
        raise DatabaseError(
            t(
                f"« {shown} » est endommagé ou n'est pas une base ({exc}).",
                f"“{shown}” is damaged or not a database ({exc}).",
            )
        ) from exc
    if state.application_id != APPLICATION_ID or not state.tables:
        raise DatabaseError(
            t(
                f"« {shown} » n'est pas une base Alliance Desktop.",
                f"“{shown}” is not an Alliance Desktop database.",
            )
        )
    copy = tmp / "incoming.sqlite3"
    src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.execute("VACUUM INTO ?", (str(copy),))
    except sqlite3.Error as exc:
        raise DatabaseError(
            t(f"« {shown} » est illisible ({exc}).", f"“{shown}” cannot be read ({exc}).")
        ) from exc
    finally:
        src.close()
    try:
        other = open_database(copy, create=False, backup_dir=tmp / "backups")
    except DatabaseError as exc:
        # Name the user's file, not the private copy, in the message.
        raise type(exc)(str(exc).replace(str(copy), str(shown))) from exc
    try:
        with immediate(other.engine) as con:
            sync_capture.adopt_all(con)
            rows = con.exec_driver_sql(
                "SELECT stamp, table_name, row_id, field, value, parents, device_id, author "
                "FROM sync_change"
            ).fetchall()
    finally:
        other.close()
    out = []
    for row in rows:
        try:
            out.append(bundles.validate_change(tuple(row)))
        except (ValueError, TypeError) as exc:
            raise DatabaseError(
                t(
                    f"« {shown} » contient une modification invalide ({exc}) : "
                    "rien n'a été fusionné.",
                    f"“{shown}” holds an invalid change ({exc}): nothing was merged.",
                )
            ) from exc
    return out


def merge_file(db: Database, path: Path, *, backup_dir: Path | None = None) -> PullOutcome:
    """Merge a database file (e-mailed, or a sync client's conflict copy) or a bundle.

    The same rules as a pull apply; the file itself is only read.

    Raises:
        DatabaseError: the file is not ours, is damaged, newer, or from another workspace.
    """
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(t(f"« {path} » n'existe pas.", f"“{path}” does not exist."))
    out = PullOutcome()
    with scratch() as tmp:
        local = tmp / "source"
        try:
            sync_folder.copy_file(path, local)
        except OSError as exc:
            raise DatabaseError(
                t(f"Lecture de « {path} » impossible ({exc}).", f"Cannot read “{path}” ({exc}).")
            ) from exc
        with immediate(db.engine) as con:
            ident = sync_log.ensure_identity(con, db.path)
        try:
            meta = bundles.read_meta(local)
        except bundles.BundleError:
            meta = None
        if meta is not None:
            if ident.workspace_id not in (None, meta.workspace_id):
                raise DatabaseError(
                    t(
                        f"« {path} » vient d'un autre espace partagé : rien n'a été fusionné.",
                        f"“{path}” comes from another shared workspace: nothing was merged.",
                    )
                )
            try:
                changes = bundles.read_changes(local, meta)
            except bundles.BundleError as exc:
                raise DatabaseError(
                    t(
                        f"« {path} » : {exc} ; rien n'a été fusionné.",
                        f"“{path}”: {exc}; nothing merged.",
                    )
                ) from exc
            out.device_names[meta.device_id] = meta.device_name
        else:
            with local.open("rb") as fh:
                header = fh.read(16)
            if header != b"SQLite format 3\x00":
                raise DatabaseError(
                    t(
                        f"« {path} » n'est ni une base ni un paquet Alliance Desktop.",
                        f"“{path}” is neither an Alliance Desktop database nor a bundle.",
                    )
                )
            changes = _changes_of_database(local, tmp, path)
        clock = sync_log.clock_for(ident)
        future = [c for c in changes if clock.too_far_ahead(c.stamp)]
        if future:
            raise DatabaseError(
                t(
                    f"« {path} » contient {len(future)} modifications datées dans le futur "
                    "(horloge fausse) : rien n'a été fusionné.",
                    f"“{path}” holds {len(future)} changes dated in the future (wrong clock): "
                    "nothing was merged.",
                )
            )
        out.backup = backup_file(db.path, backup_dir, reason="avant-fusion-fichier")
        with immediate(db.engine) as con:
            ident = sync_log.ensure_identity(con, db.path)
            out.new_changes = merge_changes(con, changes, ident, tally=out.tally, source=None)
        out.merged.append(str(path))
    return out


def content_digest(db: Database) -> str:
    """A digest of every travelling row (``updated_at`` aside): equal on converged replicas."""
    h = hashlib.sha256()
    with db.engine.connect() as con:
        for name, info in travelling().items():
            cols = ", ".join(f'"{c}"' for c in ("id", *info.fields))
            for row in con.exec_driver_sql(f"SELECT {cols} FROM {name} ORDER BY id"):
                h.update(repr((name, tuple(row))).encode())
    return h.hexdigest()
