"""Storage: SQLAlchemy models, the database file, migrations, backups and search."""
