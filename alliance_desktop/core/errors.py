"""Errors caused by the environment or the user's input, shown in plain words."""


class KnownError(Exception):
    """A failure the user can understand and act on (not a bug).

    The message is a complete sentence meant for the user, in the interface language.
    """


class DatabaseError(KnownError):
    """The database file cannot be opened or used as asked."""


class NewerSchemaError(DatabaseError):
    """The database was written by a newer version of the application."""
