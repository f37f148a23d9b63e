"""Entry point of the frozen application (PyInstaller runs this file as ``__main__``)."""

import multiprocessing
import sys

from alliance_desktop.cli import main

if __name__ == "__main__":
    # Frozen Windows builds re-launch themselves for worker processes.
    multiprocessing.freeze_support()
    sys.exit(main())
