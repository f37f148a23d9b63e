"""Entry point for ``python -m alliance_desktop``."""

import sys

from alliance_desktop.cli import main

sys.exit(main())
