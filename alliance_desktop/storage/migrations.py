"""Running the Alembic migrations in ``db/`` on a database file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from alliance_desktop.core.paths import migrations_dir
from alliance_desktop.storage.errors import translate_error


def _config(path: Path) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    return cfg


def upgrade(path: Path, revision: str = "head") -> None:
    """Bring the file at ``path`` to ``revision`` (Alembic is imported only when needed)."""
    from alembic import command
    from alembic.config import Config

    from alliance_desktop.storage.database import make_engine

    cfg = _config(path)
    assert isinstance(cfg, Config)
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as con:
            cfg.attributes["connection"] = con
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:
        raise translate_error(exc, path) from exc
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision among the migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = _config(Path("unused.sqlite3"))
    assert isinstance(cfg, Config)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def all_revisions() -> list[str]:
    """Every revision among the migration scripts, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = _config(Path("unused.sqlite3"))
    assert isinstance(cfg, Config)
    revs = [s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()]
    return list(reversed(revs))
