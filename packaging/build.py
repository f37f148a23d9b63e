"""Build the one-folder application with PyInstaller and print its size and version.

    python packaging/build.py [--dist DIR] [--work DIR]

The result is ``DIR/alliance-desktop/`` (default ``dist/``), with the executable
``alliance-desktop`` (``alliance-desktop.exe`` on Windows). See packaging/README.md for
the Windows installer and the macOS bundle.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "alliance-desktop.spec"


def folder_size(path: Path) -> int:
    """Bytes of every file below ``path`` (what the user's disk holds, uncompressed)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the application folder."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )
    return dist / "alliance-desktop"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    from alliance_desktop import version

    app = build(args.dist, args.work)
    print(f"version {version()}")
    print(f"{app}: {folder_size(app) / 1e6:.1f} MB uncompressed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
