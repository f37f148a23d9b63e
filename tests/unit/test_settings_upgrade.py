"""Settings survive an upgrade: a newer version keeps what an older one saved, and back."""

import json
from pathlib import Path

from alliance_desktop.ui.settings import LANGUAGE_KEY, Settings


def test_settings_written_by_another_version_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "reglages.json"
    # As an earlier version left it, plus a key this version does not know.
    path.write_text(
        json.dumps({LANGUAGE_KEY: "en", "partage/dossier": "/mnt/partage", "futur/cle": "x"}),
        encoding="utf-8",
    )
    settings = Settings(path)
    assert settings.text(LANGUAGE_KEY) == "en"
    settings.set_text("fenetre/separation", "300")
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["futur/cle"] == "x"
    assert again["partage/dossier"] == "/mnt/partage"
    assert again[LANGUAGE_KEY] == "en"


def test_damaged_settings_file_gives_defaults_and_is_replaced_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "reglages.json"
    path.write_bytes(b"\x00{not json")
    settings = Settings(path)
    assert settings.text(LANGUAGE_KEY) is None
    settings.set_text(LANGUAGE_KEY, "fr")
    assert json.loads(path.read_text(encoding="utf-8")) == {LANGUAGE_KEY: "fr"}
    assert not path.with_name("reglages.json.tmp").exists()
