"""Opening, creating, checking and migrating the SQLite database file.

A file is inspected through a read-only connection before anything may write to it,
so that a foreign, corrupt or newer file is refused with its bytes untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from alliance_desktop.core.errors import DatabaseError, NewerSchemaError, os_reason
from alliance_desktop.core.i18n import t
from alliance_desktop.storage.errors import translate_error

# The ORM (sqlalchemy.orm and the mapped models) costs about a third of the start-up
# time; opening a file and listing its sessions need neither, so they load on first use.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

SQLITE_HEADER = b"SQLite format 3\x00"
# "ALDk": marks a file as ours, so that another program's SQLite file is refused.
APPLICATION_ID = 0x414C446B
# The newest schema this version knows; tests check it matches the migrations' head.
SCHEMA_HEAD = "0005_search_map"
KNOWN_REVISIONS = (
    "0001_initial",
    "0002_search",
    "0003_sync",
    "0004_members",
    "0005_search_map",
)


@dataclass(frozen=True)
class FileState:
    """What a read-only look at an existing file found."""

    application_id: int
    revision: str | None
    tables: frozenset[str]


def _pragmas(foreign_keys: bool) -> Any:
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        _set_pragmas(dbapi_connection, foreign_keys)

    return set_pragmas


def _set_pragmas(dbapi_connection: Any, foreign_keys: bool) -> None:
    cursor = dbapi_connection.cursor()
    # FULL: a laptop's battery can die mid-workshop; each committed point must survive it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path, *, foreign_keys: bool = True) -> Engine:
    """An engine on ``path`` with the application's pragmas on every connection.

    Migrations pass ``foreign_keys=False``: a batch migration drops and re-creates
    tables, and with foreign keys on, dropping a parent table would cascade-delete the
    children's rows.
    """
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _pragmas(foreign_keys))
    return engine


def inspect_file(path: Path) -> FileState:
    """Look at an existing file without changing a byte of it.

    Raises:
        DatabaseError: the path is not a readable Alliance Desktop database.
    """
    if path.is_dir():
        raise DatabaseError(
            t(
                f"« {path} » est un dossier, pas un fichier de base de données.",
                f"“{path}” is a folder, not a database file.",
            )
        )
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(
            t(
                f"Impossible de lire « {path} » : {os_reason(exc)}.",
                f"Cannot read “{path}”: {os_reason(exc)}.",
            )
        ) from exc
    if not header:
        raise DatabaseError(
            t(
                f"« {path} » est un fichier vide, pas une base Alliance Desktop.",
                f"“{path}” is an empty file, not an Alliance Desktop database.",
            )
        )
    if header != SQLITE_HEADER:
        raise DatabaseError(
            t(
                f"« {path} » n'est pas une base de données SQLite.",
                f"“{path}” is not an SQLite database.",
            )
        )
    # immutable=1: no lock and no -shm file created beside it. After a crash the newest
    # pages may still sit in the -wal file, which immutable would ignore: read through it.
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    uri = f"{path.resolve().as_uri()}?{flags}"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = frozenset(
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            )
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            t(
                f"« {path} » est endommagé ou n'est pas une base de données ({exc}).",
                f"“{path}” is damaged or not a database ({exc}).",
            )
        ) from exc
    return FileState(app_id, revision, tables)


def _check_ours(path: Path, state: FileState) -> None:
    if state.application_id != APPLICATION_ID and state.tables:
        raise DatabaseError(
            t(
                f"« {path} » est une base SQLite d'un autre logiciel, "
                "pas une base Alliance Desktop.",
                f"“{path}” is another program's SQLite database, not an Alliance Desktop database.",
            )
        )
    if state.revision is not None and state.revision not in KNOWN_REVISIONS:
        raise NewerSchemaError(
            t(
                f"« {path} » a été écrite par une version plus récente d'Alliance Desktop : "
                "mettez l'application à jour pour l'ouvrir.",
                f"“{path}” was written by a newer version of Alliance Desktop: "
                "update the application to open it.",
            )
        )


def _check_writable_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseError(
            t(
                f"Le dossier « {folder} » n'existe pas.",
                f"The folder “{folder}” does not exist.",
            )
        )
    # SQLite in WAL mode creates -wal and -shm files beside the database: the folder
    # itself must accept new files, not only the database file.
    # A probe of its own each time: the export and import workers open the same database
    # while the window holds it, and with one shared probe name one opener's unlink could
    # remove the other's file, which then failed as an unwritable folder.
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
        os.close(fd)
        Path(probe).unlink(missing_ok=True)
    except OSError as exc:
        raise DatabaseError(
            t(
                f"Le dossier « {folder} » n'accepte pas l'écriture ({os_reason(exc)}) : "
                "choisissez un autre emplacement.",
                f"The folder “{folder}” cannot be written to ({os_reason(exc)}): "
                "choose another place.",
            )
        ) from exc


@dataclass(frozen=True)
class CheckReport:
    """What ``check_file`` found."""

    revision: str | None
    problems: list[str]


def check_file(path: Path) -> CheckReport:
    """Check an existing file's identity, schema and integrity, read-only.

    Raises:
        DatabaseError: the file is missing, foreign, newer or unreadable.
    """
    if not path.exists():
        raise DatabaseError(t(f"« {path} » n'existe pas.", f"“{path}” does not exist."))
    state = inspect_file(path)
    _check_ours(path, state)
    if not state.tables or state.application_id != APPLICATION_ID:
        raise DatabaseError(
            t(
                f"« {path} » ne contient pas de base Alliance Desktop.",
                f"“{path}” holds no Alliance Desktop database.",
            )
        )
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
            problems = [] if rows == ["ok"] else rows
            problems += [f"foreign key {tuple(r)}" for r in con.execute("PRAGMA foreign_key_check")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    return CheckReport(state.revision, problems)


def load_mappings() -> None:
    """Import every mapped class, and with them the change capture of the sharing engine.

    Every path that writes through the ORM goes through here first: a table missing from
    the metadata would not be created, and a write made before the capture listens would
    never travel to the other laptops.
    """
    import alliance_desktop.storage.members_models
    import alliance_desktop.storage.models
    import alliance_desktop.storage.sync_models  # noqa: F401


class Database:
    """An open working database: an engine and a factory of ORM sessions."""

    def __init__(self, path: Path, engine: Engine) -> None:
        """Wrap an engine already set up by :func:`open_database`."""
        self.path = path
        self.engine = engine
        self._factory: sessionmaker[Session] | None = None

    @property
    def _sessions(self) -> sessionmaker[Session]:
        if self._factory is None:
            from sqlalchemy.orm import sessionmaker

            load_mappings()

            self._factory = sessionmaker(self.engine, expire_on_commit=False)
        return self._factory

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        s = self._sessions()
        try:
            yield s
            s.commit()
        except SQLAlchemyError as exc:
            s.rollback()
            raise translate_error(exc, self.path) from exc
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def read(self) -> Session:
        """A session for reading; the caller closes it."""
        return self._sessions()

    def revision(self) -> str | None:
        """The schema revision stamped in the file."""
        with self.engine.connect() as con:
            return con.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def integrity_problems(self) -> list[str]:
        """What ``PRAGMA integrity_check`` and the foreign-key check report (empty: fine)."""
        with self.engine.connect() as con:
            rows = [r[0] for r in con.execute(text("PRAGMA integrity_check"))]
            problems = [] if rows == ["ok"] else rows
            fk = list(con.execute(text("PRAGMA foreign_key_check")))
            problems += [f"foreign key: {tuple(r)}" for r in fk]
        return problems

    def close(self) -> None:
        """Fold the WAL back into the file so the file at rest stands alone."""
        with contextlib.suppress(SQLAlchemyError), self.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.engine.dispose()


def _create(path: Path) -> Database:
    engine = make_engine(path)
    # The sharing engine's tables belong to the same metadata: register them first.
    load_mappings()
    from alliance_desktop.storage import reference
    from alliance_desktop.storage.models import Base

    try:
        with engine.begin() as con:
            Base.metadata.create_all(con)
            con.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            con.exec_driver_sql(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
            con.exec_driver_sql(f"INSERT INTO alembic_version VALUES ('{SCHEMA_HEAD}')")
            from alliance_desktop.storage import search

            search.create_index(con)
        db = Database(path, engine)
        with db.session() as s:
            reference.ensure(s)
        return db
    except SQLAlchemyError as exc:
        engine.dispose()
        raise translate_error(exc, path) from exc


def open_database(path: Path, *, create: bool = True, backup_dir: Path | None = None) -> Database:
    """Open ``path``, creating it at the latest schema or upgrading it after a backup.

    Args:
        path: the database file.
        create: create the file when it does not exist.
        backup_dir: where to put the backup taken before a migration.

    Raises:
        DatabaseError: the file cannot be used; it is left unchanged.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise DatabaseError(t(f"« {path} » n'existe pas.", f"“{path}” does not exist."))
        _check_writable_folder(path)
        return _create(path)
    state = inspect_file(path)
    _check_ours(path, state)
    _check_writable_folder(path)
    if not state.tables:
        # A valid but empty SQLite file (e.g. made by `sqlite3 x.db ""`): start it afresh.
        return _create(path)
    engine = make_engine(path)
    db = Database(path, engine)
    if state.revision != SCHEMA_HEAD:
        from alliance_desktop.storage import backup, migrations, reference

        backup.backup_file(path, backup_dir, reason=f"avant-migration-{state.revision}")
        migrations.upgrade(path)
        # A newer version may bring reference rows (a theme) with its migration.
        try:
            with db.session() as s:
                reference.ensure(s)
        except DatabaseError:
            engine.dispose()
            raise
    return db
