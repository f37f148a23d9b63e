"""Alliance Desktop: the facilitators' offline tool for the Alliance's workshops."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("alliance-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Alliance Desktop"
APP_ID = "alliance-desktop"
ORG_NAME = "Alliance"
