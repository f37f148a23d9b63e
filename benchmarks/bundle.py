"""The packaged application: its size on disk, and its start-up against the source.

Builds the one-folder bundle (or reuses ``--app``), then times, alternating in the same
run, process start to the main window painted on the five-year database: the bundle's
executable against ``python -m alliance_desktop`` from the source tree. Targets: at most
150 MB uncompressed; start-up of the bundle at most 1.1× start-up from source.

    python -m benchmarks.bundle [--app DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from benchmarks.generate import ensure

ROOT = Path(__file__).resolve().parent.parent


def _build_module() -> ModuleType:
    # packaging/ is a folder of scripts, not a package (the name would shadow PyPI's).
    spec = importlib.util.spec_from_file_location("alliance_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _build_module()
build: Callable[[Path, Path], Path] = _build.build
folder_size: Callable[[Path], int] = _build.folder_size


def time_start(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning ``cmd`` to its "painted" line."""
    start = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError(f"{cmd[0]} did not paint (exit {proc.returncode})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=None, help="an already built bundle")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    app = args.app
    if app is None:
        out = Path(tempfile.mkdtemp(prefix="alliance-bundle-"))
        app = build(out / "dist", out / "work")
    exe = app / "alliance-desktop"
    db = ensure()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["ALLIANCE_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="alliance-bench-")
    env["ALLIANCE_DESKTOP_EXIT_AFTER_PAINT"] = "1"
    bundle_cmd = [str(exe), "--db", str(db)]
    source_cmd = [sys.executable, "-m", "alliance_desktop", "--db", str(db)]
    time_start(bundle_cmd, env)  # warm the file cache for both
    time_start(source_cmd, env)
    b, s = [], []
    for _ in range(args.runs):
        b.append(time_start(bundle_cmd, env))
        s.append(time_start(source_cmd, env))
    mb, ms = statistics.median(b), statistics.median(s)
    print(f"bundle: {app}")
    print(f"size uncompressed                : {folder_size(app) / 1e6:7.1f} MB  (target <= 150)")
    print(f"runs: {args.runs} each, alternating; medians")
    print(f"start-up from source             : {ms * 1000:7.1f} ms")
    print(f"start-up of the bundle           : {mb * 1000:7.1f} ms")
    print(f"ratio                            : {mb / ms:7.2f}x   (target <= 1.1x)")


if __name__ == "__main__":
    main()
