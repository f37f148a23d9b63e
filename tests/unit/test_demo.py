"""The demo database against the Alliance's 2024 progress report it is transcribed from.

Expected values below are read from the report (« Rapport d'étape de la première année
de l'Alliance »), not from the demo content, so that a transcription slip shows up here.
"""

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.rules import check_plan
from alliance_desktop.services.demo import demo_json_path, write_demo
from alliance_desktop.storage import search
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import (
    Attendance,
    Contributor,
    HarvestItem,
    Indicator,
    Lever,
    ListeningNote,
    Measurement,
    Meeting,
    Objective,
    Organisation,
    Person,
    Point,
    StageRow,
    ThemeRow,
)

ILLUSTRATIVE_SOURCE = "Valeurs illustratives (démonstration) — pas des chiffres officiels"

# The report's timeline: number, date, theme, stage, kind.
TIMELINE = [
    (1, dt.date(2024, 2, 6), None, None, e.SessionKind.LAUNCH),
    (2, dt.date(2024, 3, 11), e.Theme.GES, e.Stage.ACCULTURATION, e.SessionKind.WORKSHOP),
    (
        3,
        dt.date(2024, 3, 25),
        e.Theme.ARTIFICIALISATION,
        e.Stage.ACCULTURATION,
        e.SessionKind.WORKSHOP,
    ),
    (4, dt.date(2024, 5, 14), e.Theme.BIODIVERSITE, e.Stage.ACCULTURATION, e.SessionKind.WORKSHOP),
    (5, dt.date(2024, 5, 29), e.Theme.GES, e.Stage.OBJECTIVES, e.SessionKind.WORKSHOP),
    (6, dt.date(2024, 6, 19), e.Theme.AIR, e.Stage.ACCULTURATION, e.SessionKind.WORKSHOP),
    (7, dt.date(2024, 9, 5), e.Theme.AIR, e.Stage.OBJECTIVES, e.SessionKind.WORKSHOP),
    (8, dt.date(2024, 9, 26), e.Theme.ADAPTATION, e.Stage.ACCULTURATION, e.SessionKind.WORKSHOP),
    (9, dt.date(2024, 9, 30), e.Theme.BIODIVERSITE, e.Stage.OBJECTIVES, e.SessionKind.WORKSHOP),
    (None, dt.date(2024, 10, 10), None, None, e.SessionKind.RENCONTRES),
]

# « Objectifs PREPA 2030 (/2005) » and « Objectifs PPA 2027 (/2005) »; PM10 is « NC ».
AIR_TABLE = {
    "NOx": (-69, -69),
    "PM2.5": (-57, -50),
    "NH3": (-13, -11),
    "COVNM": (-52, -46),
    "SO2": (-77, -77),
}

# The biodiversity table, in the report's order: start of the indicator's name, direction.
BIODIVERSITY = [
    ("Fragmentation des milieux", e.Direction.DOWN_OR_STABLE),
    ("Indicateur de couvert arboré", e.Direction.UP),
    ("Part des masses d'eau de surface", e.Direction.DOWN),
    ("Nombre d'espèces exotiques envahissantes", e.Direction.DOWN_OR_STABLE),
    ("Part des habitats nationaux", e.Direction.UP),
    ("Part des surfaces d'habitats d'intérêt communautaire", e.Direction.UP),
    ("Part des espèces en catégories éteintes ou menacées", e.Direction.DOWN),
    ("Surface du territoire impacté par la pollution lumineuse", e.Direction.DOWN),
    ("Linéaire de renaturation des cours d'eau", e.Direction.UP),
    ("Abondance des populations d'oiseaux communs spécialistes", e.Direction.UP),
    ("Surface des refuges LPO", e.Direction.UP),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo written once into a temporary file, opened for reading."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_DESKTOP_HOME", str(folder))
        path = folder / "demo.sqlite3"
        write_demo(path)
        db = open_database(path)
        try:
            yield db
        finally:
            db.close()


@pytest.fixture
def s(demo: Database) -> Iterator[Session]:
    with demo.read() as session:
        yield session


def meeting(s: Session, number: int | None) -> Meeting:
    if number is None:
        stmt = select(Meeting).where(Meeting.kind == e.SessionKind.RENCONTRES)
    else:
        stmt = select(Meeting).where(Meeting.number == number)
    return s.scalars(stmt).one()


def indicator(s: Session, name_start: str) -> Indicator:
    return s.scalars(select(Indicator).where(Indicator.name.startswith(name_start))).one()


def test_the_ten_sessions_follow_the_report_timeline(s: Session) -> None:
    meetings = s.scalars(select(Meeting).order_by(Meeting.date)).all()
    got = [
        (
            m.number,
            m.date,
            m.theme.code if m.theme else None,
            m.stage.code if m.stage else None,
            m.kind,
        )
        for m in meetings
    ]
    assert got == TIMELINE
    assert all(m.status == e.SessionStatus.CLOSED for m in meetings)
    assert all(m.location for m in meetings)
    assert meeting(s, None).location == "Salons de l'Hôtel de Ville de Clermont-Ferrand"


def test_workshops_keep_the_alliance_rules(s: Session) -> None:
    workshops = s.scalars(select(Meeting).where(Meeting.kind != e.SessionKind.RENCONTRES)).all()
    assert len(workshops) == 9
    for m in workshops:
        assert m.start_time == dt.time(17, 0), m.title
        assert check_plan(m.start_time, m.planned_end) == [], m.title
        assert m.started_at is not None and m.closed_at is not None
        assert m.started_at < m.closed_at <= m.started_at + dt.timedelta(hours=2)


def test_titles_name_the_workshop_like_the_report(s: Session) -> None:
    assert meeting(s, 2).title == "Atelier 1 sur la réduction des gaz à effet de serre"
    assert meeting(s, 5).title == "Atelier 2 sur la réduction des gaz à effet de serre"
    assert "Fresque de l'air" in meeting(s, 6).title
    assert meeting(s, 9).title == "Atelier 2 sur la préservation de la biodiversité"


def test_background_sits_on_the_first_session_of_each_theme(s: Session) -> None:
    firsts = {2: "gaz à effet de serre", 3: "artificialisation", 4: "biodiversité"}
    firsts |= {6: "qualité de l'air", 8: "atténuation"}
    for number, words in firsts.items():
        background = meeting(s, number).background
        assert background is not None and words in background, number
    for number in (5, 7, 9):
        assert meeting(s, number).background is None


def test_contributors_named_in_the_report(s: Session) -> None:
    def orgs(number: int) -> set[str]:
        return {
            c.organisation.name
            for c in meeting(s, number).contributors
            if c.organisation is not None
        }

    assert "The Shift Project" in orgs(5)
    assert "ATMO Auvergne-Rhône-Alpes" in orgs(6)
    assert {"Muséum Henri Lecoq"} <= orgs(4)
    assert any(
        "LPO" in (c.organisation.short_name or "")
        for c in meeting(s, 4).contributors
        if c.organisation is not None
    )
    for number in range(1, 10):
        roles = {c.role for c in meeting(s, number).contributors}
        assert e.ContributorRole.GRAPHIC_FACILITATOR in roles, number
        assert {"Clermont Auvergne Métropole", "Ville de Clermont-Ferrand"} <= orgs(number)


def test_ges_objective_is_787_kt_by_2030(s: Session) -> None:
    ges = indicator(s, "Émissions de gaz à effet de serre")
    assert ges.theme.code == e.Theme.GES
    assert ges.breakdown_label == "secteur"
    assert ges.breakdown == [
        "Transport",
        "Résidentiel",
        "Tertiaire",
        "Déchets",
        "Industrie",
        "Agriculture",
    ]
    (obj,) = ges.objectives
    assert obj.kind == e.ObjectiveKind.TARGET
    assert (obj.target_value, obj.horizon_year) == (787, 2030)
    assert obj.source is not None and "SNBC" in obj.source and "Fit For 50" in obj.source
    assert obj.agreed_in is not None and obj.agreed_in.number == 5
    assert ges.adopted_in is not None and ges.adopted_in.number == 5


def test_air_objectives_match_the_prepa_and_ppa_table(s: Session) -> None:
    air = indicator(s, "Émissions des 6 polluants")
    assert air.unit == "t"
    assert sorted(air.breakdown) == sorted(["NH3", "PM2.5", "PM10", "COVNM", "NOx", "SO2"])
    got: dict[tuple[str, str], tuple[float, int, int]] = {}
    for o in air.objectives:
        assert o.kind == e.ObjectiveKind.CHANGE
        assert o.breakdown_key is not None and o.source is not None
        assert o.change_percent is not None and o.horizon_year is not None
        assert o.baseline_year == 2005
        got[(o.breakdown_key, o.source)] = (o.change_percent, o.horizon_year, o.baseline_year)
    expected = {}
    for key, (prepa, ppa) in AIR_TABLE.items():
        expected[(key, "PREPA")] = (prepa, 2030, 2005)
        expected[(key, "PPA")] = (ppa, 2027, 2005)
    assert got == expected
    assert not any(o.breakdown_key == "PM10" for o in air.objectives)
    assert {o.agreed_in.number for o in air.objectives if o.agreed_in} == {7}


def test_artificialisation_objectives(s: Session) -> None:
    land = indicator(s, "Consommation d'espaces naturels et agricoles")
    assert land.unit == "ha/an"
    targets = {(o.target_value, o.horizon_year): o for o in land.objectives}
    assert set(targets) == {(20, 2031), (0, 2050)}
    assert "50 %" in (targets[(20, 2031)].wording or "")
    assert "Zéro Artificialisation Nette" in (targets[(0, 2050)].wording or "")
    for o in land.objectives:
        assert o.source is not None and "ZAN" in o.source and "PLUi" in o.source
        assert o.agreed_in is not None and o.agreed_in.number == 3
    share = indicator(s, "Part de la surface métropolitaine artificialisée")
    # The report shows an indicator may exist without an objective.
    assert share.objectives == []
    assert share.adopted_in is not None and share.adopted_in.number == 3


def test_eleven_biodiversity_indicators_with_their_directions(s: Session) -> None:
    rows = s.scalars(
        select(Indicator)
        .join(ThemeRow, Indicator.theme_id == ThemeRow.id)
        .where(ThemeRow.code == e.Theme.BIODIVERSITE)
        .order_by(Indicator.position)
    ).all()
    assert len(rows) == len(BIODIVERSITY) == 11
    for ind, (name_start, direction) in zip(rows, BIODIVERSITY, strict=True):
        assert ind.name.startswith(name_start)
        (obj,) = ind.objectives
        assert (obj.kind, obj.direction) == (e.ObjectiveKind.DIRECTION, direction), ind.name
        assert obj.target_value is None and obj.change_percent is None
        assert obj.source is not None and "UICN" in obj.source
        assert obj.agreed_in is not None and obj.agreed_in.number == 9
        assert ind.adopted_in is not None and ind.adopted_in.number == 9


def test_every_objective_is_validated_where_its_indicator_was_adopted(s: Session) -> None:
    objectives = s.scalars(select(Objective)).all()
    assert objectives
    for o in objectives:
        assert o.validated
        assert o.agreed_in_id is not None and o.agreed_in_id == o.indicator.adopted_in_id
    # Nothing agreed yet for these three themes, as the report says.
    themes = set(
        s.scalars(select(ThemeRow.code).join(Indicator, Indicator.theme_id == ThemeRow.id))
    )
    assert themes.isdisjoint({e.Theme.ADAPTATION, e.Theme.EAU, e.Theme.SOLIDAIRE})


def test_points_are_marked_as_the_report_implies(s: Session) -> None:
    def kinds(number: int) -> list[e.PointKind]:
        return [p.kind for p in meeting(s, number).points]

    # Artificialisation: « de nombreux désaccords », « visions divergentes », « clivages ».
    assert kinds(3)[:3] == [e.PointKind.DISSENT] * 3
    assert kinds(3).count(e.PointKind.OPEN_QUESTION) == 3
    # GES (sessions 2 and 5, on the later one): « un large consensus », then three questions.
    assert kinds(5)[0] == e.PointKind.CONSENSUS
    assert kinds(5).count(e.PointKind.OPEN_QUESTION) >= 3
    # Biodiversity: the shared diagnosis, then the critique of the Métropole.
    assert kinds(9)[:2] == [e.PointKind.CONSENSUS, e.PointKind.DISSENT]
    # Air: consensus on the facts, tension between GES and air quality.
    assert kinds(7)[:2] == [e.PointKind.CONSENSUS, e.PointKind.DISSENT]
    # Adaptation: « unanimes ».
    assert kinds(8)[0] == e.PointKind.CONSENSUS
    texts_2 = " ".join(p.text for p in meeting(s, 2).points).lower()
    assert all(word in texts_2 for word in ("bâtiment", "déchets", "mobilités"))
    zan = meeting(s, 3).points[0].text
    assert "Zéro Artificialisation Nette" in zan


def test_biodiversity_levers_under_the_three_headings(s: Session) -> None:
    levers = meeting(s, 9).levers
    headings = list(dict.fromkeys(lv.heading for lv in levers))
    assert headings == [
        "Agir sur les paysages",
        "Agir sur la qualité de la biodiversité",
        "Favoriser la restauration et la régénération des écosystèmes",
    ]
    texts = [lv.text for lv in levers]
    assert any("pesticides" in t_ for t_ in texts)
    assert any("carrières" in t_ for t_ in texts)
    assert all(lv.theme is not None and lv.theme.code == e.Theme.BIODIVERSITE for lv in levers)


def test_harvest_tables_of_the_rencontres(s: Session) -> None:
    items = s.scalars(
        select(HarvestItem).options(
            selectinload(HarvestItem.theme), selectinload(HarvestItem.partner_organisation)
        )
    ).all()
    assert {i.meeting.kind for i in items} == {e.SessionKind.RENCONTRES}
    columns: dict[e.Theme, set[e.HarvestColumn]] = {}
    for i in items:
        assert i.theme is not None
        columns.setdefault(i.theme.code, set()).add(i.column)
        # « Non traité » is a placeholder, not an item.
        assert "non trait" not in i.text.lower()
    assert set(columns) == set(e.Theme)
    assert columns[e.Theme.GES] == {
        e.HarvestColumn.WHAT_IS_MISSING,
        e.HarvestColumn.PARTNER_ACTIONS,
    }
    assert columns[e.Theme.BIODIVERSITE] == {
        e.HarvestColumn.WHAT_IS_MISSING,
        e.HarvestColumn.WHO_IS_MISSING,
    }
    assert columns[e.Theme.EAU] == set(e.HarvestColumn)
    assert columns[e.Theme.AIR] == set(e.HarvestColumn)

    valtom = [
        i for i in items if i.partner_organisation and i.partner_organisation.name == "Valtom"
    ]
    assert [i.text for i in valtom] == ["Gestion et plan de traitement des biodéchets"]
    assert valtom[0].theme is not None and valtom[0].theme.code == e.Theme.GES
    # The partner is in its own field, not repeated in the text.
    for i in items:
        org = i.partner_organisation
        if org is not None:
            assert not i.text.startswith(org.display_name + " :")
    ges_table = {i.facilitated_by for i in items if i.theme and i.theme.code == e.Theme.GES}
    assert ges_table == {"The Shifters Auvergne"}


def test_listening_notes_are_anonymous_on_the_rencontres(s: Session) -> None:
    notes = s.scalars(select(ListeningNote)).all()
    assert len(notes) >= 15
    assert all(n.anonymous for n in notes)
    assert {n.meeting.kind for n in notes} == {e.SessionKind.RENCONTRES}
    assert any("pas de transition solidaire sans implication citoyenne" in n.text for n in notes)


def test_members_and_outside_experts(s: Session) -> None:
    orgs = {o.name: o for o in s.scalars(select(Organisation))}
    for name in (
        "Clermont Auvergne Métropole",
        "Ville de Clermont-Ferrand",
        "Valtom",
        "Assemblia",
        "GRDF",
        "ENGIE",
        "La Poste",
        "Orbimob",
        "ATMO Auvergne-Rhône-Alpes",
        "Muséum Henri Lecoq",
        "The Shifters Auvergne",
        "Vélocité 63",
    ):
        assert orgs[name].is_member, name
    assert not orgs["The Shift Project"].is_member
    by_short = {o.short_name: o for o in orgs.values() if o.short_name}
    for short in ("CISCA", "SMTC", "DDT", "LPO", "CEN", "CLCV"):
        assert by_short[short].is_member, short
    kinds = Counter(o.kind for o in orgs.values())
    assert kinds[e.OrganisationKind.PUBLIC_AUTHORITY] >= 2
    assert kinds[e.OrganisationKind.COMPANY] >= 4
    assert kinds[e.OrganisationKind.ASSOCIATION] >= 5


def test_every_person_is_visibly_fictional(s: Session) -> None:
    people = s.scalars(select(Person)).all()
    assert len(people) >= 100
    for p in people:
        assert p.email is not None and p.email.endswith("@exemple.org"), p.full_name
    consents = {p.consent_named for p in people}
    assert consents == {True, False}
    assert len({p.email for p in people}) == len(people)


def test_attendance_of_every_session(s: Session) -> None:
    for m in s.scalars(select(Meeting).options(selectinload(Meeting.attendances))):
        present = [a for a in m.attendances if a.status == e.AttendanceStatus.PRESENT]
        roles = Counter(a.role for a in present)
        if m.kind == e.SessionKind.RENCONTRES:
            assert len(present) > 100
            for role in (e.Role.ELECTED, e.Role.STAFF, e.Role.RESIDENT, e.Role.NEWCOMER):
                assert roles[role] > 0, role
        else:
            assert 10 <= len(present) <= 30, m.title
            assert roles[e.Role.FACILITATOR] >= 1
            assert roles[e.Role.MEMBER] >= 5
        assert roles[e.Role.GRAPHIC_FACILITATOR] == 1, m.title
        for a in m.attendances:
            # The organisation recorded that day is the person's own.
            assert a.organisation_id == a.person.organisation_id
    excused = s.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.status == e.AttendanceStatus.EXCUSED)
    )
    assert excused
    experts = s.scalars(
        select(Attendance).where(
            Attendance.role == e.Role.EXPERT,
            Attendance.meeting_id == meeting(s, 6).id,
        )
    ).all()
    assert experts and all(a.organisation and a.organisation.short_name == "ATMO" for a in experts)


def test_measurements_are_all_illustrative_and_plausible(s: Session) -> None:
    rows = s.scalars(select(Measurement)).all()
    assert rows
    assert all(m.illustrative for m in rows)
    assert {m.source for m in rows} == {ILLUSTRATIVE_SOURCE}

    ges = indicator(s, "Émissions de gaz à effet de serre")
    totals: Counter[int] = Counter()
    for m in ges.measurements:
        assert m.breakdown_key in ges.breakdown
        totals[m.year] += int(m.value)
    years = sorted(totals)
    assert len(years) >= 3
    assert all(1500 <= totals[y] <= 2000 for y in years)
    assert totals[years[-1]] < totals[years[0]]

    air = indicator(s, "Émissions des 6 polluants")
    baseline = {m.breakdown_key: m.value for m in air.measurements if m.year == 2005}
    assert set(baseline) == set(air.breakdown)
    latest = max(m.year for m in air.measurements)
    for m in air.measurements:
        if m.year == latest:
            assert m.value < baseline[m.breakdown_key]

    land = indicator(s, "Consommation d'espaces naturels et agricoles")
    assert len(land.measurements) >= 3
    assert all(m.breakdown_key == "" for m in land.measurements)


def test_search_index_holds_the_demo_text(demo: Database, s: Session) -> None:
    with demo.engine.connect() as con:
        n = con.exec_driver_sql(
            "SELECT count(*) FROM search_index WHERE search_index MATCH ?",
            (search.to_match_query("biodéchets"),),
        ).scalar()
    assert n is not None and n >= 2
    assert demo.integrity_problems() == []


def test_text_uses_french_quotation_marks(s: Session) -> None:
    texts: list[str] = []
    texts += s.scalars(select(Point.text)).all()
    texts += s.scalars(select(ListeningNote.text)).all()
    texts += s.scalars(select(Lever.text)).all()
    texts += s.scalars(select(HarvestItem.text)).all()
    texts += [b for b in s.scalars(select(Meeting.background)).all() if b]
    assert texts
    for text in texts:
        assert '"' not in text and "**" not in text, text
        assert text == text.strip() and "  " not in text, text


def test_counts_are_the_rows_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path))
    path = tmp_path / "demo.sqlite3"
    counts = write_demo(path)
    db = open_database(path)
    try:
        with db.read() as session:
            for key, model in (
                ("meetings", Meeting),
                ("points", Point),
                ("indicators", Indicator),
                ("contributors", Contributor),
            ):
                assert counts[key] == session.scalar(select(func.count()).select_from(model))
    finally:
        db.close()
    assert counts["meetings"] == 10
    assert counts["indicators"] >= 1 + 2 + 1 + 11


def test_refuses_to_overwrite_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path))
    path = tmp_path / "existing.sqlite3"
    path.write_bytes(b"not ours")
    with pytest.raises(KnownError, match="existe déjà"):
        write_demo(path)
    assert path.read_bytes() == b"not ours"

    stale_wal = tmp_path / "existing.sqlite3-wal"
    stale_wal.write_bytes(b"stale")
    counts = write_demo(path, overwrite=True)
    assert counts["meetings"] == 10
    assert not stale_wal.exists() or stale_wal.read_bytes() != b"stale"
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM meeting").fetchone()[0] == 10
    finally:
        con.close()


def test_refuses_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path))
    folder = tmp_path / "dossier"
    folder.mkdir()
    with pytest.raises(KnownError):
        write_demo(folder, overwrite=True)
    assert folder.is_dir()


def test_demo_content_ships_with_the_project() -> None:
    path = demo_json_path()
    assert path.is_file()
    assert path.parts[-3:] == ("db", "demo", "alliance-2024.json")


def test_a_new_database_holds_only_reference_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path))
    db = open_database(tmp_path / "vide.sqlite3")
    try:
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(ThemeRow)) == 7
            assert session.scalar(select(func.count()).select_from(StageRow)) == 3
            for model in (Meeting, Person, Organisation, Indicator, Measurement):
                assert session.scalar(select(func.count()).select_from(model)) == 0
    finally:
        db.close()
