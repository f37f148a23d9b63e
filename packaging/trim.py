"""Slimming of the Linux bundle: libraries nothing loads, and ICU data no French or English user needs."""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

# PyInstaller's table of contents: (name in the bundle, source file, kind).
Entry = tuple[str, str, str]

# Qt's own calls into ICU (read off libQt6Core's undefined symbols) are collation
# (QCollator, which the file dialog sorts with), time-zone display names (QTimeZone),
# locale-aware case mapping (QLocale::toUpper) and legacy text codecs (QStringDecoder).
# Those need the root, French and English locale data and the shared tables; the other
# 700 locales, the transliterators, the dictionaries that break Thai or Chinese text
# into words, the character names and the East Asian codecs are 28 of ICU's 32 MB.
ICU_LANGUAGES = frozenset({"root", "fr", "en"})
# Western European code pages that a user's old file could be in: windows-1252 and
# ISO-8859-15 (ISO-8859-1, ASCII and the UTF encodings are built into ICU's code).
ICU_KEPT_CODECS = frozenset({"ibm-5348_P100-1997.cnv", "ibm-923_P100-1998.cnv"})
# Libraries every Linux desktop has and that the AppImage project's exclude list
# (github.com/AppImage/pkg2appimage, "excludelist") tells packagers not to bundle: a copy
# older than the system's clashes with the system's configuration (fontconfig's files,
# GLib's modules, the X server's extensions) and with the graphics drivers loaded beside it.
SYSTEM_LIBRARIES = frozenset(
    {
        "libglib-2.0.so.0",
        "libgthread-2.0.so.0",
        "libgobject-2.0.so.0",
        "libgio-2.0.so.0",
        "libX11.so.6",
        "libxcb.so.1",
        "libfontconfig.so.1",
        "libfreetype.so.6",
        "libharfbuzz.so.0",
        "libexpat.so.1",
        "libz.so.1",
        "libuuid.so.1",
        "libgpg-error.so.0",
        "libcom_err.so.2",
    }
)
_LANGUAGE = re.compile(r"[a-z]{2,3}")


class TrimError(RuntimeError):
    """A tool the trimming needs is missing or failed."""


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise TrimError(f"`{name}` not found: install the Debian package {package}")
    return path


def _run(*args: str) -> str:
    """Run a tool; its error output becomes the message if it fails."""
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise TrimError(f"{Path(args[0]).name} failed: {proc.stderr.strip()}")
    return proc.stdout


def elf_needed(path: Path) -> list[str]:
    """The sonames ``path`` asks the dynamic loader for (its DT_NEEDED entries)."""
    out = _run(_tool("readelf", "binutils"), "-dW", str(path))
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out)


def _loaded_directly(name: str, kind: str) -> bool:
    # What Python or Qt opens by path rather than by the loader's NEEDED chain: Python's
    # extension modules, Qt's plugins, and libpython, which the executable opens itself.
    parts = Path(name).parts
    return kind == "EXTENSION" or "plugins" in parts or parts[-1].startswith("libpython")


def unreachable(entries: Sequence[Entry]) -> set[str]:
    """Names of the shared libraries in ``entries`` that nothing loaded needs.

    PyInstaller keeps a library once some binary it analysed asked for it, even when that
    binary is later left out of the bundle (the GTK theme plugin brings GTK's whole
    stack: Pango, Cairo, ATK, GIO...). Walking the NEEDED chains again from what is really
    opened finds those orphans.
    """
    by_soname: dict[str, list[Entry]] = {}
    for entry in entries:
        by_soname.setdefault(Path(entry[0]).name, []).append(entry)
    stack = [e for e in entries if _loaded_directly(e[0], e[2])]
    seen: set[str] = set()
    while stack:
        name, src, _kind = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for soname in elf_needed(Path(src)):
            stack.extend(e for e in by_soname.get(soname, []) if e[0] not in seen)
    return {e[0] for e in entries if e[0] not in seen}


def _icu_item_needed(item: str) -> bool:
    parts = item.split("/")
    base = parts[-1]
    stem, _, ext = base.rpartition(".")
    if parts[0] == "translit" or ext == "dict" or base == "unames.icu":
        return False
    if ext == "cnv":
        return base in ICU_KEPT_CODECS
    if ext == "res" and stem not in {"res_index", "pool"}:
        language = stem.split("_")[0]
        return not _LANGUAGE.fullmatch(language) or language in ICU_LANGUAGES
    return True


def icu_items_to_drop(items: Iterable[str]) -> list[str]:
    """Items of an ICU data package (``coll/de.res``, ``cjdict.dict``...) left out."""
    return [item for item in items if not _icu_item_needed(item)]


def _symbol_bytes(library: Path, symbol: str) -> bytes:
    """The bytes of a data symbol of a shared library (ICU's data is one such symbol)."""
    readelf = _tool("readelf", "binutils")
    symbols = _run(readelf, "-sW", str(library))
    match = re.search(
        rf"^\s*\d+:\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+{symbol}$",
        symbols,
        re.MULTILINE,
    )
    if match is None:
        raise TrimError(f"{library.name}: no symbol {symbol}")
    value, size, section = int(match[1], 16), int(match[2], 0), int(match[3])
    sections = _run(readelf, "-SW", str(library))
    row = re.search(
        rf"^\s*\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections, re.MULTILINE
    )
    if row is None:
        raise TrimError(f"{library.name}: no section {section}")
    offset = int(row[2], 16) + value - int(row[1], 16)
    with library.open("rb") as f:
        f.seek(offset)
        data = f.read(size)
    if len(data) != size or data[12:16] != b"CmnD":
        raise TrimError(f"{library.name}: {symbol} is not an ICU data package")
    return data


def trimmed_icu_library(library: Path, workdir: Path) -> Path:
    """A copy of ``libicudataNN`` holding only the ICU data Qt needs for French and English.

    The data is extracted from the library's ``icudtNN_dat`` symbol, trimmed with ICU's
    own ``icupkg``, and linked back into a library of the same soname exporting the same
    symbol, so that Qt's ``libicuuc`` loads it unchanged.
    """
    match = re.fullmatch(r"libicudata\.so\.(\d+)", library.name)
    if match is None:
        raise TrimError(f"{library.name} is not ICU's data library")
    version = match[1]
    package = f"icudt{version}l"
    workdir.mkdir(parents=True, exist_ok=True)
    full = workdir / "full" / f"{package}.dat"
    full.parent.mkdir(exist_ok=True)
    full.write_bytes(_symbol_bytes(library, f"icudt{version}_dat"))
    icupkg = _tool("icupkg", "icu-devtools")
    items = _run(icupkg, "-l", str(full)).split()
    drop_list = workdir / "drop.txt"
    drop_list.write_text("\n".join(icu_items_to_drop(items)) + "\n", encoding="utf-8")
    # The package's table of contents is prefixed with its file name, which must stay
    # icudtNNl; --ignore-deps because the root break rules name the dictionaries dropped
    # (without them ICU falls back to its rule-based breaking).
    small = workdir / "small" / f"{package}.dat"
    small.parent.mkdir(exist_ok=True)
    _run(icupkg, "--ignore-deps", "-r", str(drop_list), str(full), str(small))
    source = workdir / "icudata.S"
    source.write_text(
        "\t.section .rodata\n"
        f"\t.globl icudt{version}_dat\n"
        f"\t.type icudt{version}_dat, @object\n"
        "\t.balign 16\n"
        f"icudt{version}_dat:\n"
        f'\t.incbin "{small}"\n'
        f"\t.size icudt{version}_dat, . - icudt{version}_dat\n"
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="utf-8",
    )
    out = workdir / "lib" / library.name
    out.parent.mkdir(exist_ok=True)
    _run(
        _tool("gcc", "gcc"),
        "-shared",
        "-nostdlib",
        f"-Wl,-soname,{library.name}",
        "-o",
        str(out),
        str(source),
    )
    return out


def _link_target(name: str, src: str) -> str:
    # A SYMLINK entry's source is the target, relative to the link's folder.
    return posixpath.normpath(posixpath.join(posixpath.dirname(name), src))


def slim(
    binaries: Sequence[Entry], datas: Sequence[Entry], workdir: Path
) -> tuple[list[Entry], list[Entry]]:
    """The bundle's lists, less system and unreachable libraries, with ICU trimmed."""
    system = {e[0] for e in binaries if Path(e[0]).name in SYSTEM_LIBRARIES}
    files = [e for e in binaries if e[2] != "SYMLINK" and e[0] not in system]
    orphans = unreachable(files) | system
    kept: list[Entry] = []
    for name, src, kind in binaries:
        if name in orphans or (kind == "SYMLINK" and _link_target(name, src) in orphans):
            continue
        if kind != "SYMLINK" and re.fullmatch(r"libicudata\.so\.\d+", Path(name).name):
            src = str(trimmed_icu_library(Path(src), workdir / "icu"))
        kept.append((name, src, kind))
    kept_datas = [
        e for e in datas if not (e[2] == "SYMLINK" and _link_target(e[0], e[1]) in orphans)
    ]
    return kept, kept_datas
