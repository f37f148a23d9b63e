"""The packaging files are consistent: every file they name exists and parses."""

import plistlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "packaging"


def test_icons_in_every_size_the_platforms_need() -> None:
    for size in (16, 32, 48, 256, 512):
        with Image.open(PKG / "icons" / f"alliance-desktop-{size}.png") as im:
            assert im.size == (size, size)
            assert im.mode == "RGBA"
    with Image.open(PKG / "icons" / "alliance-desktop.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(PKG / "icons" / "alliance-desktop.icns") as icns:
        assert icns.size == (1024, 1024)


def test_desktop_entry() -> None:
    entry = PKG / "linux" / "alliance-desktop.desktop"
    text = entry.read_text(encoding="utf-8")
    assert "Exec=alliance-desktop" in text
    assert "Icon=alliance-desktop" in text
    assert "Name[fr]=" in text
    validator = shutil.which("desktop-file-validate")
    if validator:
        proc = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_macos_bundle_settings() -> None:
    info = plistlib.loads((PKG / "macos" / "Info.plist").read_bytes())
    assert info["CFBundleIdentifier"].count(".") >= 2
    assert info["CFBundleDevelopmentRegion"] == "fr"
    assert info["NSHighResolutionCapable"] is True
    assert "en" in info["CFBundleLocalizations"]


def test_windows_installer_script_names_existing_files() -> None:
    iss = (PKG / "windows" / "alliance-desktop.iss").read_text(encoding="utf-8")
    # A fixed AppId is what makes an upgrade replace the old version.
    assert re.search(r"^AppId=\{\{[0-9A-F-]{36}\}", iss, re.MULTILINE)
    for rel in re.findall(r"^(?:SetupIconFile|LicenseFile)=(.+)$", iss, re.MULTILINE):
        target = (PKG / "windows" / rel.strip().replace("\\", "/")).resolve()
        assert target.is_file(), rel
    assert "#error AppVersion" in iss  # the version comes from the build, not the script
    assert 'Name: "french"' in iss


def test_spec_bundles_existing_data() -> None:
    spec = (PKG / "alliance-desktop.spec").read_text(encoding="utf-8")
    for folder in re.findall(r'ROOT / "([a-z]+)" / "([a-z_.\-]+)"', spec):
        assert (ROOT.joinpath(*folder)).exists(), folder
    assert "onefile" not in spec.replace("onefile unpacks", "")


@pytest.mark.parametrize("name", ["build.py", "make_icons.py", "launcher.py"])
def test_scripts_compile(name: str) -> None:
    compile((PKG / name).read_text(encoding="utf-8"), name, "exec")
