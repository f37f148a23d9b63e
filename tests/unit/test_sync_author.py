"""The name a facilitator signs shared changes with, before choosing one: a person's, never a login."""

from __future__ import annotations

import getpass
import pwd
from typing import Any

import pytest

from alliance_desktop.storage.sync_log import default_author


def _account(monkeypatch: pytest.MonkeyPatch, login: str, uid: int, gecos: str) -> None:
    def entry(name: str) -> Any:
        assert name == login
        return pwd.struct_passwd((login, "x", uid, uid, gecos, f"/home/{login}", "/bin/sh"))

    monkeypatch.setattr(getpass, "getuser", lambda: login)
    monkeypatch.setattr(pwd, "getpwnam", entry)


def test_full_name_of_the_account(monkeypatch: pytest.MonkeyPatch) -> None:
    _account(monkeypatch, "cmartin", 1000, "Camille Martin,,,")
    assert default_author() == "Camille Martin"


@pytest.mark.parametrize(
    ("login", "uid", "gecos"),
    [("root", 0, "root"), ("cmartin", 1000, ""), ("admin", 1001, "admin"), ("x", 0, "Boss")],
)
def test_no_system_account_nor_bare_login(
    monkeypatch: pytest.MonkeyPatch, login: str, uid: int, gecos: str
) -> None:
    _account(monkeypatch, login, uid, gecos)
    assert default_author() == ""
