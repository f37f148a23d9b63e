"""Alliance Desktop: the facilitators' offline tool for the Alliance's workshops."""

from functools import cache

APP_NAME = "Alliance Desktop"
APP_ID = "alliance-desktop"
ORG_NAME = "Alliance"


@cache
def version() -> str:
    """The version, read from the installed package's metadata: its one source."""
    # importlib.metadata pulls in email, zipfile and csv (about 20 ms): only on demand.
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _version

    try:
        return _version("alliance-desktop")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(name)
