"""The bundle's slimming: the library walk and the trimmed ICU data Qt reads French from."""

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="ELF libraries and Qt's ICU are Linux's"
)


def test_icu_selection_keeps_french_english_and_the_shared_tables(trim: ModuleType) -> None:
    kept = [
        "root.res",
        "fr.res",
        "fr_FR.res",
        "fr_CA.res",
        "en.res",
        "en_GB.res",
        "pool.res",
        "res_index.res",
        "supplementalData.res",
        "likelySubtags.res",
        "zoneinfo64.res",
        "metaZones.res",
        "cnvalias.icu",
        "nfkc.nrm",
        "uts46.nrm",
        "ibm-5348_P100-1997.cnv",
        "coll/root.res",
        "coll/fr.res",
        "coll/ucadata.icu",
        "zone/fr.res",
        "zone/tzdbNames.res",
        "brkitr/root.res",
        "brkitr/line.brk",
    ]
    dropped = [
        "de.res",
        "zh_Hant_TW.res",
        "yue.res",
        "coll/zh.res",
        "coll/ja.res",
        "zone/ru.res",
        "brkitr/cjdict.dict",
        "brkitr/thaidict.dict",
        "translit/root.res",
        "unames.icu",
        "euc-tw-2014.cnv",
        "gb18030.cnv",
    ]
    assert sorted(trim.icu_items_to_drop(kept + dropped)) == sorted(dropped)


def _elf(folder: Path, name: str, needs: list[str]) -> str:
    """A real shared library named ``name`` whose NEEDED entries are ``needs``."""
    source = folder / f"{name}.c"
    source.write_text("int x;\n", encoding="utf-8")
    out = folder / name
    subprocess.run(
        ["gcc", "-shared", "-nostdlib", "-o", str(out), str(source)]
        + [f"-Wl,--no-as-needed,-l:{n}" for n in needs]
        + [f"-L{folder}"],
        check=True,
        capture_output=True,
    )
    return str(out)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to make libraries")
def test_libraries_nothing_loads_are_found(trim: ModuleType, tmp_path: Path) -> None:
    base = _elf(tmp_path, "libbase.so.1", [])
    mid = _elf(tmp_path, "libmid.so.2", ["libbase.so.1"])
    orphan_dep = _elf(tmp_path, "liborphandep.so.1", [])
    orphan = _elf(tmp_path, "liborphan.so.1", ["liborphandep.so.1"])
    module = _elf(tmp_path, "mod.cpython-311-x86_64-linux-gnu.so", ["libmid.so.2"])
    plugin = _elf(tmp_path, "libqplugin.so", ["libbase.so.1"])
    entries = [
        ("libbase.so.1", base, "BINARY"),
        ("PySide6/Qt/lib/libmid.so.2", mid, "BINARY"),
        ("liborphandep.so.1", orphan_dep, "BINARY"),
        ("liborphan.so.1", orphan, "BINARY"),
        ("pkg/mod.cpython-311-x86_64-linux-gnu.so", module, "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqplugin.so", plugin, "BINARY"),
    ]
    assert trim.unreachable(entries) == {"liborphan.so.1", "liborphandep.so.1"}
    links = [("libmid.so.2", "PySide6/Qt/lib/libmid.so.2", "SYMLINK")]
    binaries, datas = trim.slim(entries, links, tmp_path / "work")
    assert {e[0] for e in binaries} == {e[0] for e in entries} - {
        "liborphan.so.1",
        "liborphandep.so.1",
    }
    assert datas == links
    # A link to a dropped library goes with it.
    _binaries, datas = trim.slim(
        entries, [("x/liborphan.so.1", "../liborphan.so.1", "SYMLINK")], tmp_path / "work"
    )
    assert datas == []


PROBE = textwrap.dedent(
    """
    import functools, sys
    from pathlib import Path
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0], "-platform", "offscreen"])
    icu = [l.split()[-1] for l in Path("/proc/self/maps").read_text().splitlines()
           if "libicudata" in l]
    print("ICU", sorted(set(icu)))
    words = ["Zoé", "élodie", "Émile", "eric", "Œuvre", "oeuf", "côté", "cote", "côte",
             "coté", "10 ans", "2 ans", "Ängel"]
    french = QLocale(QLocale.Language.French, QLocale.Country.France)
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    for locale in (french, english):
        collator = QCollator(locale)
        print(sorted(words, key=functools.cmp_to_key(collator.compare)))
        collator.setNumericMode(True)
        print(sorted(words, key=functools.cmp_to_key(collator.compare)))
        zone = QTimeZone(b"Europe/Paris")
        for kind in (QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime):
            for name in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName):
                print(zone.displayName(kind, name, locale))
        print(locale.toUpper("élève œuvre straße"))
    for codec in ("windows-1252", "ISO-8859-15"):
        print(codec, QStringDecoder(codec).isValid())
    """
)


@pytest.mark.slow
def test_trimmed_icu_gives_qt_the_same_french_and_english(trim: ModuleType, tmp_path: Path) -> None:
    pyside = importlib.util.find_spec("PySide6")
    assert pyside is not None and pyside.origin is not None
    full = next((Path(pyside.origin).parent / "Qt" / "lib").glob("libicudata.so.*"))
    small = trim.trimmed_icu_library(full, tmp_path / "icu")
    assert small.stat().st_size < full.stat().st_size / 5

    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")

    def probe(library_path: str | None) -> list[str]:
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)
        if library_path:
            env["LD_LIBRARY_PATH"] = library_path
        proc = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    before = probe(None)
    after = probe(str(small.parent))
    assert str(full.resolve()) in before[0]
    assert str(small) in after[0]  # the trimmed data was the one loaded
    assert after[1:] == before[1:]
    # And what is compared is real French: accents second, numbers in numeric mode.
    assert before[1].startswith("['10 ans', '2 ans', 'Ängel', 'cote', 'coté', 'côte', 'côté'")
    assert before[2].startswith("['2 ans', '10 ans'")
    assert before[3] == "heure normale d’Europe centrale"
    assert before[7] == "ÉLÈVE ŒUVRE STRASSE"
    assert before[-2:] == ["windows-1252 True", "ISO-8859-15 True"]
