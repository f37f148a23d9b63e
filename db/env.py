"""Alembic environment: migrations run on the application's own connection."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from alliance_desktop.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run the migrations on the connection handed over by the application, if any."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with engine.begin() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    # The full-text index is raw SQL (FTS5), unknown to the ORM: never drop it.
    return not (type_ == "table" and name is not None and name.startswith("search_index"))


def _migrate(connection: object) -> None:
    context.configure(
        include_name=_include_name,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move instead
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
