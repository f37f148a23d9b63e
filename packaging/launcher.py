"""Entry point of the frozen application (PyInstaller runs this file as ``__main__``)."""

import sys

from alliance_desktop.cli import main

if __name__ == "__main__":
    # No multiprocessing.freeze_support(): the application starts no child process, and
    # importing multiprocessing costs every start (the spec drops its run-time hook too).
    sys.exit(main())
