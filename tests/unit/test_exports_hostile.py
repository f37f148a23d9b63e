"""Hostile text (controls, surrogates, emoji, form feeds, 1 MB paragraphs) never breaks exports."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_exports_data import build_sample, full_text, open_db, style_name

from alliance_desktop.core import enums as e
from alliance_desktop.exports import text as tx
from alliance_desktop.exports.minutes import render_minutes, render_summary, write_minutes
from alliance_desktop.exports.model import (
    AttendanceSummary,
    HarvestBlock,
    IndicatorItem,
    LeverItem,
    Minutes,
    Missing,
    NoteItem,
    ObjectiveItem,
    OrgAttendance,
    Photo,
    PointItem,
    Series,
    SessionInfo,
    ThemeSection,
    YearReport,
)
from alliance_desktop.exports.report import render_report, write_report
from alliance_desktop.exports.tables import TABLES, write_table
from alliance_desktop.storage.models import (
    Attachment,
    ListeningNote,
    Meeting,
    Organisation,
    Point,
)

PIECES = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\ud83d\ude00",
    "\ufffe",
    "\uffff",
    "\ufeff",
    "\u2028",
    "\u2029",
    "😀",
    "👩🏽‍🌾",
    "𝕏",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "«",
    "»",
    " :",
    "?!",
    "=",
    "@",
    "-",
    "<w:p>",
    "&amp;",
    "]]>",
    "\u202e",
]
hostile = st.lists(
    st.one_of(
        st.text(
            st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
            max_size=30,
        ),
        st.sampled_from(PIECES),
    ),
    max_size=25,
).map("".join)


def xml_ok(value: str) -> bool:
    try:
        OxmlElement("w:t").text = value
    except ValueError:
        return False
    return True


@given(hostile)
@settings(max_examples=300, deadline=None)
def test_clean_always_gives_xml_and_is_idempotent(value: str) -> None:
    cleaned = tx.clean(value)
    assert xml_ok(cleaned)
    assert tx.clean(cleaned) == cleaned
    assert xml_ok(tx.prose(value))
    assert xml_ok(tx.spreadsheet_cell(value))


def test_clean_keeps_what_means_something() -> None:
    assert tx.clean("a\tb\nc") == "a\tb\nc"
    assert tx.clean("a\r\nb\rc\x0bd") == "a\nb\nc\nd"
    assert tx.clean("page 1\x0cpage 2") == "page 1\n\npage 2"
    assert tx.clean("\ud83d\ude00") == "😀"  # a surrogate pair is an emoji, kept
    assert tx.clean("a\ud800b\udfffc") == "abc"  # lone halves dropped
    assert tx.clean("x\ufffey\uffffz\x00") == "xyz"
    assert tx.paragraphs("un\n\n\n deux\n \ntrois") == ["un", " deux", "trois"]


def test_typography() -> None:
    assert tx.french_typography("Note: voir « ici » ; quoi ?! Oui !") == (
        "Note\u00a0: voir «\u00a0ici\u00a0»\u00a0; quoi\u00a0?! Oui\u00a0!"
    )
    for untouched in ("17:30", "https://exemple.org/?q=1", "ratio 3:2", ":)"):
        assert tx.french_typography(untouched) == untouched


def _session(title: str) -> SessionInfo:
    return SessionInfo(
        id=uuid.uuid4(),
        number=5,
        date=dt.date(2024, 5, 29),
        title=title,
        kind=e.SessionKind.WORKSHOP,
        theme=e.Theme.GES,
        stage=e.Stage.OBJECTIVES,
        status=e.SessionStatus.CLOSED,
        location=title,
        start_time=dt.time(17),
        planned_end=dt.time(19),
        present=2,
    )


def _minutes(s: str) -> Minutes:
    objective = ObjectiveItem(
        indicator=s,
        unit=s,
        kind=e.ObjectiveKind.TARGET,
        target_value=787.0,
        horizon_year=2030,
        wording=s,
        source=s,
    )
    indicator = IndicatorItem(
        id=uuid.uuid4(),
        theme=e.Theme.GES,
        name=s,
        unit=s,
        definition=s,
        breakdown_label=s,
        breakdown=(s,),
        source=s,
        adopted_in=None,
        objectives=(objective,),
        has_data=True,
    )
    return Minutes(
        session=_session(s),
        speakers=(s,),
        co_facilitators=(s,),
        graphic_facilitators=(s,),
        attendance=AttendanceSummary(
            present=2,
            organisations=(OrgAttendance(s, 2, (s,)),),
            by_role=((e.Role.MEMBER, 2),),
            by_mode=(),
            excused=(s,),
        ),
        background=s,
        points=(PointItem(e.PointKind.CONSENSUS, s), PointItem(e.PointKind.DISSENT, s)),
        open_questions=(s,),
        indicators=(indicator,),
        levers=(LeverItem(s, s),),
        notes=(NoteItem(s, e.FollowUp.CARRIED_OVER, s, _session(s)),),
        harvest=(HarvestBlock(e.Theme.GES, s, (s,), (), (s, s)),),
        photos=(Photo(s, s, s.encode("utf-8", "surrogatepass")),),
        next_session=_session(s),
    )


def _reopen(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@given(hostile)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_renders_minutes_summary_and_report(value: str) -> None:
    minutes = _minutes(value)
    for doc in (render_minutes(minutes), render_summary(minutes)):
        reopened = _reopen(doc.to_bytes())
        title = next(p.text for p in reopened.paragraphs if style_name(p) == "Title")
        expected = [c for c in tx.clean(value) if c.isalnum()]
        assert [c for c in title if c.isalnum()] == expected
    series = Series(
        value, value, e.Theme.GES, ((value, ((2020, 1.0), (2021, 2.0))),), True, (value,)
    )
    report = YearReport(
        year=2024,
        sessions=(minutes,),
        progress=(),
        themes=(ThemeSection(e.Theme.GES, (minutes,), minutes.indicators),),
        other_sessions=(),
        indicators=minutes.indicators,
        missing=Missing((), (e.Theme.EAU,), minutes.indicators, minutes.indicators),
        series=(series,),
    )
    _reopen(render_report(report).to_bytes())


def test_huge_and_hostile_database_text(tmp_path: Path) -> None:
    sample = build_sample(tmp_path / "s.sqlite3")
    huge = ("Un paragraphe très long, copié d'un PDF, avec 😀 et \x0b. " * 20_000)[:1_000_000]
    pages = "Page copiée d'un PDF\x0c" * 2_000
    nasty = "=cmd|' /C calc'!A0 \x00\x01\x1b\x7f\ufffe « titre » : 👩🏽‍🌾\r\n\tfin"
    db = open_db(sample.path)
    try:
        with db.session() as s:
            meeting = s.get(Meeting, sample.main)
            assert meeting is not None
            meeting.title = nasty
            meeting.background = huge
            meeting.location = "\x0c\x0c"
            meeting.points.append(Point(kind=e.PointKind.DISSENT, text=huge, position=9))
            meeting.points.append(Point(kind=e.PointKind.CONSENSUS, text=nasty, position=10))
            meeting.points.append(Point(kind=e.PointKind.CONSENSUS, text=pages, position=11))
            meeting.notes.append(ListeningNote(text=nasty, position=9))
            meeting.attachments.append(
                Attachment(filename=nasty, caption=nasty, data=b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
            )
            s.add(Organisation(name=nasty, is_member=True))
        out = write_minutes(db, sample.main, tmp_path / "cr.docx")
        write_report(db, 2024, tmp_path / "r.docx")
        for name in TABLES:
            write_table(db, name, "csv", tmp_path / f"{name}.csv")
            write_table(db, name, "xlsx", tmp_path / f"{name}.xlsx")
    finally:
        db.close()
    text = full_text(out)
    assert "titre" in text and "👩🏽‍🌾" in text
    assert "\x00" not in text and "\ufffe" not in text
    assert len(text) > 1_000_000
    raw = (tmp_path / "points.csv").read_text(encoding="utf-8-sig")
    assert "'=cmd" in raw and "\x1b" not in raw
