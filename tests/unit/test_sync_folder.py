"""The shared folder is hostile: conflict copies, truncated, fuzzed, foreign, future files."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sync_support import Lab, add_meeting, add_point, digest, set_text, texts

from alliance_desktop.core import hlc
from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_folder
from alliance_desktop.storage.database import Database

DAY_MS = 24 * 3600 * 1000


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(tmp_path)
    yield lab
    lab.close()


def snapshot_of_folder(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def bundles_of(lab: Lab, db: Database) -> list[Path]:
    folder = lab.shared / "devices" / sharing.status(db).device_id / "bundles"
    return sorted(folder.iterdir())


def two_laptops(lab: Lab) -> tuple[Database, Database]:
    a = lab.laptop("anne")
    m = add_meeting(a)
    add_point(a, m, "départ")
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    return a, b


def rename_to_hash(path: Path) -> Path:
    """Give a (tampered) bundle the name its content hashes to, as if its author wrote it."""
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    seq = path.name.split("-")[0]
    target = path.with_name(f"{seq}-{sha[:32]}.bundle")
    path.rename(target)
    return target


# -- sync clients' conflict copies and other foreign files ----------------------------

CONFLICT_NAMES = {
    "Dropbox": "{stem} (conflicted copy).bundle",
    "Dropbox (named)": "{stem} (Marie Dupont's conflicted copy 2024-05-29).bundle",
    "OneDrive": "{stem}-PC-MARIE.bundle",
    "Nextcloud": "{stem} (conflicted copy 2024-05-29 174512).bundle",
    "Syncthing": "{stem}.sync-conflict-20240529-174512-ABCDEF7.bundle",
    "Google Drive": "{stem} (1).bundle",
}


@pytest.mark.parametrize("client", sorted(CONFLICT_NAMES))
def test_conflict_copies_are_reported_and_left_alone(lab: Lab, client: str) -> None:
    a, b = two_laptops(lab)
    original = bundles_of(lab, a)[0]
    copy = original.with_name(CONFLICT_NAMES[client].format(stem=original.stem))
    shutil.copy(original, copy)
    ws_copy = lab.shared / CONFLICT_NAMES[client].format(stem="alliance-workspace").replace(
        ".bundle", ".json"
    )
    shutil.copy(lab.shared / "alliance-workspace.json", ws_copy)
    before_files = snapshot_of_folder(lab.shared)
    before = digest(b)
    report = lab.sync(b)
    foreign = {f.name: f for f in report.foreign}
    rel = copy.relative_to(lab.shared).as_posix()
    assert foreign[rel].kind == "conflict-copy"
    assert foreign[rel].client == client.split(" (")[0]
    assert foreign[ws_copy.name].kind == "conflict-copy"
    assert digest(b) == before
    after_files = snapshot_of_folder(lab.shared)
    assert {k: v for k, v in after_files.items() if k in before_files} == before_files
    assert any("Fichier étranger" in line for line in report.lines())


def test_unknown_files_and_other_laptops_unfinished_files_are_reported(lab: Lab) -> None:
    a, b = two_laptops(lab)
    (lab.shared / "notes de réunion.docx").write_bytes(b"PK\x03\x04")
    a_bundles = bundles_of(lab, a)[0].parent
    (a_bundles / ".00000009-abc.bundle.1234abcd.part").write_bytes(b"half")
    (lab.shared / "desktop.ini").write_text("[.ShellClassInfo]")  # a sync client's own file
    report = lab.sync(b)
    kinds = {f.name.split("/")[-1]: f.kind for f in report.foreign}
    assert kinds == {
        "notes de réunion.docx": "unknown",
        ".00000009-abc.bundle.1234abcd.part": "part",
    }
    assert (a_bundles / ".00000009-abc.bundle.1234abcd.part").exists()


def test_own_unfinished_files_are_cleaned(lab: Lab) -> None:
    a, _b = two_laptops(lab)
    folder = bundles_of(lab, a)[0].parent
    leftover = folder / ".00000005-x.bundle.deadbeef.part"
    leftover.write_bytes(b"interrupted")
    add_meeting(a)
    lab.sync(a)
    assert not leftover.exists()


# -- damaged bundles -----------------------------------------------------------------


def test_a_truncated_bundle_is_set_aside_then_merged_once_complete(lab: Lab) -> None:
    a, b = two_laptops(lab)
    m = add_meeting(a, "Nouvelle")
    add_point(a, m, "arrivera")
    lab.sync(a)
    newest = bundles_of(lab, a)[-1]
    whole = newest.read_bytes()
    newest.write_bytes(whole[: len(whole) // 2])  # the sync client is still downloading it
    before = digest(b)
    report = lab.sync(b)
    (aside,) = report.set_aside
    assert aside.retry and "incomplet" in aside.reason
    assert digest(b) == before
    newest.write_bytes(whole)
    report = lab.sync(b)
    assert report.set_aside == () and "arrivera" in texts(b).values()
    assert digest(a) == digest(b)


def test_a_bundle_from_another_workspace_is_set_aside(lab: Lab, tmp_path: Path) -> None:
    a, b = two_laptops(lab)
    other = Lab(tmp_path / "other")
    x = other.laptop("xavier")
    add_meeting(x, "Ailleurs")
    other.sync(x)
    stray = bundles_of(other, x)[0]
    target = bundles_of(lab, a)[0].parent / stray.name
    shutil.copy(stray, target)
    report = lab.sync(b)
    assert [s.name.split("/")[-1] for s in report.set_aside] == [stray.name]
    assert "autre espace" in report.set_aside[0].reason
    assert target.exists()
    other.close()


def test_a_bundle_filed_under_another_laptops_folder_is_set_aside(lab: Lab) -> None:
    a, b = two_laptops(lab)
    c = lab.laptop("claire")
    lab.sync(c)
    add_meeting(c, "de Claire")
    lab.sync(c)
    theirs = bundles_of(lab, c)[-1]
    shutil.copy(theirs, bundles_of(lab, a)[0].parent / f"00000099-{theirs.name[9:]}")
    report = lab.sync(b)
    assert any("autre ordinateur" in s.reason for s in report.set_aside)


flips = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=8
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damage=flips, cut=st.none() | st.floats(0, 1), tag=st.integers(0, 10**9))
def test_fuzzed_bundles_are_set_aside_or_merged_never_half(
    tmp_path: Path, damage: list[tuple[float, int]], cut: float | None, tag: int
) -> None:
    lab = Lab(tmp_path / f"fuzz-{tag}")
    try:
        a, b = two_laptops(lab)
        m = add_meeting(a, "fuzz")
        for i in range(5):
            add_point(a, m, f"point {i} « é »")
        lab.sync(a)
        target = bundles_of(lab, a)[-1]
        raw = bytearray(target.read_bytes())
        for where, xor in damage:
            raw[int(where * len(raw))] ^= xor
        if cut is not None:
            raw = raw[: int(cut * len(raw))]
        target.write_bytes(bytes(raw))
        target = rename_to_hash(target)
        before = digest(b)
        report = lab.sync(b)
        after = digest(b)
        merged = target.relative_to(lab.shared).as_posix() in report.merged_files
        if not merged:
            assert after == before
            assert any(s.name.endswith(target.name) for s in report.set_aside)
        assert b.integrity_problems() == []
    finally:
        lab.close()


def test_a_bundle_with_an_invalid_change_is_set_aside_whole(lab: Lab) -> None:
    a, b = two_laptops(lab)
    m = add_meeting(a, "valide")
    add_point(a, m, "valide aussi")
    lab.sync(a)
    target = bundles_of(lab, a)[-1]
    con = sqlite3.connect(target)
    con.execute("UPDATE change SET table_name = 'sqlite_master' WHERE rowid = 1")
    con.commit()
    con.close()
    target = rename_to_hash(target)
    before = digest(b)
    report = lab.sync(b)
    (aside,) = report.set_aside
    assert "invalide" in aside.reason and not aside.retry
    assert digest(b) == before


# -- wrong clocks ----------------------------------------------------------------------


@pytest.mark.parametrize("ahead_days", [3, 365 * 5])
def test_a_laptop_whose_clock_is_ahead_cannot_win(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, ahead_days: int
) -> None:
    a, b = two_laptops(lab)
    (p,) = texts(a)
    real = hlc.physical_ms
    monkeypatch.setattr(hlc, "physical_ms", lambda: real() + ahead_days * DAY_MS)
    set_text(a, p, "écrit dans le futur")
    lab.sync(a)
    monkeypatch.setattr(hlc, "physical_ms", real)
    set_text(b, p, "écrit aujourd'hui")
    report = lab.sync(b)
    (aside,) = report.set_aside
    assert aside.retry and "futur" in aside.reason
    assert texts(b)[p] == "écrit aujourd'hui"
    # Once that date has come, the edit is taken, as a conflict, with nothing lost.
    monkeypatch.setattr(hlc, "physical_ms", lambda: real() + (ahead_days + 1) * DAY_MS)
    report = lab.sync(b)
    assert report.set_aside == ()
    values = {c.winner_value for c in sharing.conflicts(b)} | {
        c.other_value for c in sharing.conflicts(b)
    }
    assert values == {"écrit dans le futur", "écrit aujourd'hui"}


def test_a_clock_put_right_after_being_ahead_gets_a_new_device_id(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_laptops(lab)
    (p,) = texts(a)
    real = hlc.physical_ms
    monkeypatch.setattr(hlc, "physical_ms", lambda: real() + 400 * DAY_MS)
    set_text(a, p, "futur")
    first_id = sharing.status(a).device_id
    monkeypatch.setattr(hlc, "physical_ms", real)
    m = add_meeting(a, "après correction de l'horloge")
    assert sharing.status(a).device_id != first_id
    lab.sync(a)
    lab.sync(b)
    # The new edits travel at once; the one stamped in the future waits for its date.
    with b.read() as s:
        from alliance_desktop.storage.models import Meeting

        assert s.get(Meeting, m) is not None


def test_a_laptop_whose_clock_is_years_behind_still_shares(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_laptops(lab)
    (p,) = texts(a)
    real = hlc.physical_ms
    monkeypatch.setattr(hlc, "physical_ms", lambda: real() - 3 * 365 * DAY_MS)
    set_text(b, p, "sur la base reçue")  # made on top of a newer value: still applies
    m = add_meeting(b, "de l'ordinateur en retard")
    lab.sync(b)
    monkeypatch.setattr(hlc, "physical_ms", real)
    lab.sync(a)
    assert texts(a)[p] == "sur la base reçue"
    with a.read() as s:
        from alliance_desktop.storage.models import Meeting

        assert s.get(Meeting, m) is not None
    assert sharing.conflicts(a) == []


# -- the folder going away ---------------------------------------------------------------


def test_the_folder_vanishing_mid_pull_leaves_the_database_as_before(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_laptops(lab)
    for i in range(3):
        add_meeting(a, f"séance {i}")
        lab.sync(a)
    before = digest(b)
    real_copy = sync_folder.copy_file
    calls = {"n": 0}

    def unplugged(src: Path, dest: Path) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            shutil.rmtree(lab.shared)
        return real_copy(src, dest)

    monkeypatch.setattr(sync_folder, "copy_file", unplugged)
    from alliance_desktop.core.errors import KnownError

    with pytest.raises(KnownError):
        lab.sync(b)
    assert digest(b) == before and b.integrity_problems() == []


def test_an_unreachable_folder_is_one_clear_error(lab: Lab) -> None:
    a = lab.laptop("anne")
    from alliance_desktop.core.errors import KnownError

    with pytest.raises(KnownError, match="introuvable"):
        sharing.sync(a, lab.root / "débranché")


def test_a_bundle_from_a_newer_version_waits_for_an_update(lab: Lab) -> None:
    a, b = two_laptops(lab)
    add_meeting(a, "nouvelle version")
    lab.sync(a)
    target = bundles_of(lab, a)[-1]
    con = sqlite3.connect(target)
    con.execute("UPDATE meta SET value = '9999_future' WHERE key = 'schema'")
    con.commit()
    con.close()
    rename_to_hash(target)
    before = digest(b)
    (aside,) = lab.sync(b).set_aside
    assert aside.retry and "plus récente" in aside.reason
    assert digest(b) == before


def test_a_row_created_by_an_older_version_gets_the_defaults_of_missing_fields(lab: Lab) -> None:
    import json

    a, b = two_laptops(lab)
    m = add_meeting(a, "ancienne version")
    p = add_point(a, m, "sans position")
    lab.sync(a)
    target = bundles_of(lab, a)[-1]
    con = sqlite3.connect(target)
    for rowid, value in con.execute("SELECT rowid, value FROM change WHERE field = '+'").fetchall():
        row = json.loads(value)
        row.pop("position", None)
        con.execute("UPDATE change SET value = ? WHERE rowid = ?", (json.dumps(row), rowid))
    con.commit()
    con.close()
    rename_to_hash(target)
    lab.sync(b)
    assert texts(b)[p] == "sans position"
    from alliance_desktop.storage.models import Point

    with b.read() as s:
        point = s.get(Point, p)
        assert point is not None and point.position == 0.0
