"""Build the one-folder application with PyInstaller and print its size and version.

    python packaging/build.py [--dist DIR] [--work DIR] [--with-blas]

The result is ``DIR/alliance-desktop/`` (default ``dist/``), with the executable
``alliance-desktop`` (``alliance-desktop.exe`` on Windows). See packaging/README.md for
the Windows installer and the macOS bundle.

On Linux the bundle gets a NumPy built without BLAS (see ``lean_numpy_wheel``); the first
build compiles it (about three minutes) and later builds reuse the wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

from platformdirs import user_cache_dir

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "alliance-desktop.spec"

# NumPy's wheels carry OpenBLAS compiled for every x86 generation (27 MB with its Fortran
# runtime) and SIMD variants of every loop. The application multiplies no matrices: NumPy
# is there for pandas' tables and pyqtgraph's curves of a few hundred points. NumPy's own
# build options make a NumPy without BLAS (its bundled LAPACK-lite serves numpy.linalg)
# and with only the baseline SIMD loops: 28 MB less in the bundle.
LEAN_NUMPY_OPTIONS = (
    "-Csetup-args=-Dallow-noblas=true",
    "-Csetup-args=-Dblas=none",
    "-Csetup-args=-Dlapack=none",
    "-Csetup-args=-Dcpu-dispatch=none",
)


def folder_size(path: Path) -> int:
    """Bytes of every file below ``path`` (what the user's disk holds, uncompressed)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def lean_numpy_wheel(cache: Path) -> Path:
    """A wheel of the installed NumPy version built without BLAS, compiled once and cached."""
    version = importlib.metadata.version("numpy")
    key = hashlib.sha256(" ".join((sys.version, *LEAN_NUMPY_OPTIONS)).encode()).hexdigest()[:12]
    folder = cache / f"numpy-{version}-{key}"
    wheels = sorted(folder.glob(f"numpy-{version}-*.whl"))
    if wheels:
        return wheels[0]
    print(f"compiling NumPy {version} without BLAS (once; about three minutes)", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-binary",
            "numpy",
            "--no-cache-dir",  # pip's cache ignores build options: never take its wheel
            "--wheel-dir",
            str(folder),
            *LEAN_NUMPY_OPTIONS,
            f"numpy=={version}",
        ],
        check=True,
    )
    return sorted(folder.glob(f"numpy-{version}-*.whl"))[0]


def build_environment(work: Path, numpy_wheel: Path) -> Path:
    """A virtual environment that sees this one's packages, but the lean NumPy first.

    Returns its interpreter. Everything else (PySide6, pandas, PyInstaller...) is the
    installed copy, reached through a .pth file that adds this environment's
    site-packages after the build environment's own.
    """
    env = work / "build-env"
    venv.create(env, clear=True, with_pip=False)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            own_site,
            str(numpy_wheel),
        ],
        check=True,
    )
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in parents)
    (Path(own_site) / "zz-installed-packages.pth").write_text(lines, encoding="utf-8")
    return python


def build(dist: Path, work: Path, *, lean_numpy: bool = True) -> Path:
    """Run PyInstaller on the spec; returns the application folder."""
    python = Path(sys.executable)
    if lean_numpy and sys.platform.startswith("linux"):
        wheel = lean_numpy_wheel(Path(user_cache_dir("alliance-desktop-build")))
        python = build_environment(work, wheel)
    subprocess.run(
        [
            str(python),
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
    parser.add_argument(
        "--with-blas",
        action="store_true",
        help="bundle the installed NumPy as is (faster to build, 28 MB larger)",
    )
    args = parser.parse_args()
    from alliance_desktop import version

    app = build(args.dist, args.work, lean_numpy=not args.with_blas)
    print(f"version {version()}")
    print(f"{app}: {folder_size(app) / 1e6:.1f} MB uncompressed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
