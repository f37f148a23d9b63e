"""The indicators service: stored objectives turned into statuses, gaps, stages, charts, edits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import set_language
from alliance_desktop.core.objectives import Status, YearValue
from alliance_desktop.services import indicators as si
from alliance_desktop.services.demo import write_demo
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Indicator, Measurement, Meeting, Objective

TODAY = dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    write_demo(path)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database (the 2024 year)."""
    path = tmp_path / "demo.sqlite3"
    path.write_bytes(demo_file.read_bytes())
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "empty.sqlite3")
    yield db
    db.close()


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("fr")


def _info(**kw: Any) -> si.IndicatorInfo:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "theme": e.Theme.GES,
        "name": "Émissions",
        "unit": "kt CO2e",
        "definition": None,
        "breakdown_label": "secteur",
        "breakdown": ("Transport", "Industrie"),
        "source": None,
        "adopted_in": None,
        "position": 0,
    }
    values.update(kw)
    return si.IndicatorInfo(**values)


def _m(year: int, value: float, key: str = "", illustrative: bool = False) -> si.MeasurementInfo:
    return si.MeasurementInfo(uuid.uuid4(), year, value, key, None, illustrative)


def _objective(**kw: Any) -> si.ObjectiveInfo:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "indicator_id": uuid.uuid4(),
        "kind": e.ObjectiveKind.TARGET,
        "breakdown_key": None,
        "target_value": None,
        "horizon_year": None,
        "change_percent": None,
        "baseline_year": None,
        "direction": None,
        "wording": None,
        "source": None,
        "agreed_in": None,
        "validated": True,
    }
    values.update(kw)
    return si.ObjectiveInfo(**values)


def _state(db: Database, theme: e.Theme, name: str) -> si.IndicatorState:
    board = si.theme_dashboard(db, theme, today=TODAY)
    return next(i for i in board.indicators if i.info.name == name)


GES = "Émissions de gaz à effet de serre par secteur"
AIR = "Émissions des 6 polluants réglementaires"
LAND = "Consommation d'espaces naturels et agricoles"


# --- series -----------------------------------------------------------------------------


def test_series_of_one_key_in_year_order() -> None:
    values = [_m(2020, 5, "Transport"), _m(2015, 7, "Transport"), _m(2015, 3, "Industrie")]
    assert si.series_of(values, "Transport", _info()) == (YearValue(2015, 7), YearValue(2020, 5))


def test_whole_is_the_sum_of_complete_years_only() -> None:
    values = [
        _m(2015, 7, "Transport"),
        _m(2015, 3, "Industrie"),
        _m(2018, 6, "Transport"),  # Industrie missing in 2018: no total that year
        _m(2020, 5, "Transport"),
        _m(2020, 2, "Industrie"),
    ]
    assert si.series_of(values, None, _info()) == (YearValue(2015, 10), YearValue(2020, 7))


def test_a_recorded_total_wins_over_the_sum() -> None:
    values = [_m(2015, 7, "Transport"), _m(2015, 3, "Industrie"), _m(2015, 11)]
    assert si.series_of(values, None, _info()) == (YearValue(2015, 11),)


def test_parts_without_a_shared_unit_are_never_summed() -> None:
    info = _info(unit=None, breakdown=("Haies", "Collisions"))
    values = [_m(2015, 7, "Haies"), _m(2015, 3, "Collisions")]
    assert si.series_of(values, None, info) == ()


# --- assessing stored objectives ----------------------------------------------------------


def test_direction_tells_a_ceiling_from_a_floor() -> None:
    # Below the target at first, then above it: a floor was reached, a ceiling was broken.
    values = [_m(2015, 700), _m(2022, 800)]
    info = _info(breakdown=(), breakdown_label=None)
    floor = si.assess_objective(_objective(target_value=787, horizon_year=2030), info, values)
    ceiling = si.assess_objective(
        _objective(target_value=787, horizon_year=2030, direction=e.Direction.DOWN), info, values
    )
    assert floor.status is Status.ON_TRACK
    assert ceiling.status is Status.OFF_TRACK


def test_objective_on_one_key_uses_that_key_only() -> None:
    values = [_m(2005, 100, "Transport"), _m(2020, 40, "Transport"), _m(2020, 500, "Industrie")]
    o = _objective(
        kind=e.ObjectiveKind.CHANGE,
        breakdown_key="Transport",
        change_percent=-50,
        baseline_year=2005,
        horizon_year=2030,
    )
    state = si.assess_objective(o, _info(), values)
    assert state.series == (YearValue(2005, 100), YearValue(2020, 40))
    assert state.status is Status.ON_TRACK
    assert state.assessment.target_value == pytest.approx(50)


def test_direction_on_parts_without_a_unit_is_assessed_part_by_part() -> None:
    info = _info(unit=None, breakdown=("Haies", "Collisions"))
    values = [
        _m(2018, 10, "Haies"),
        _m(2022, 6, "Haies"),
        _m(2018, 50, "Collisions"),
        _m(2022, 80, "Collisions"),
    ]
    o = _objective(kind=e.ObjectiveKind.DIRECTION, direction=e.Direction.DOWN)
    state = si.assess_objective(o, info, values)
    assert state.status is Status.OFF_TRACK  # collisions rise
    assert "Haies" in state.assessment.explanation_fr
    assert "Collisions" in state.assessment.explanation_fr
    none = si.assess_objective(o, info, [])
    assert none.status is Status.NOT_MEASURABLE


def test_worst_status_wins() -> None:
    assert si.worst_status([Status.ON_TRACK, Status.OFF_TRACK]) is Status.OFF_TRACK
    assert si.worst_status([Status.NOT_MEASURABLE, Status.ON_TRACK]) is Status.ON_TRACK
    assert si.worst_status([]) is Status.NOT_MEASURABLE


def test_demo_ghg_is_late_with_the_rate_still_needed(demo: Database) -> None:
    ges = _state(demo, e.Theme.GES, GES)
    assert ges.illustrative
    (objective,) = ges.objectives
    assert objective.status is Status.OFF_TRACK
    a = objective.assessment
    assert a.latest == YearValue(2022, 1595)  # the sum of the six sectors
    assert a.baseline == YearValue(2015, 1802)
    assert a.required_rate == pytest.approx((787 - 1595) / 8)
    assert "baisser de 101" in a.explanation_fr
    assert objective.objective.agreed_in is not None
    assert objective.objective.agreed_in.date == dt.date(2024, 5, 29)


def test_demo_air_prepa_and_ppa_differ_for_nox(demo: Database) -> None:
    air = _state(demo, e.Theme.AIR, AIR)
    nox = [o for o in air.objectives if o.objective.breakdown_key == "NOx"]
    by_source = {o.objective.source: o.status for o in nox}
    assert by_source == {"PREPA": Status.ON_TRACK, "PPA": Status.OFF_TRACK}
    assert air.status is Status.OFF_TRACK
    assert nox[0].series[0].year == 2005


def test_demo_direction_objectives_without_data_are_not_measurable(demo: Database) -> None:
    board = si.theme_dashboard(demo, e.Theme.BIODIVERSITE, today=TODAY)
    assert len(board.indicators) == 11
    assert {i.status for i in board.indicators} == {Status.NOT_MEASURABLE}
    assert {m.kind for m in board.missing} == {si.MissingKind.OBJECTIVE_WITHOUT_DATA}


def test_direction_trend_from_stored_measurements(demo: Database) -> None:
    tree = _state(demo, e.Theme.BIODIVERSITE, "Indicateur de couvert arboré (surface)")
    for year, value in ((2019, 100.0), (2021, 104.0), (2023, 110.0)):
        si.record_measurement(demo, tree.info.id, year, value)
    tree = _state(demo, e.Theme.BIODIVERSITE, "Indicateur de couvert arboré (surface)")
    (objective,) = tree.objectives
    assert objective.status is Status.ON_TRACK
    assert objective.assessment.trend is e.Direction.UP
    assert not tree.illustrative


# --- what is missing, where each theme stands ----------------------------------------------


def test_missing_lists_each_kind_of_gap(demo: Database) -> None:
    assert [m.kind for m in si.theme_dashboard(demo, e.Theme.EAU, today=TODAY).missing] == [
        si.MissingKind.THEME_WITHOUT_INDICATORS
    ]
    land = si.theme_dashboard(demo, e.Theme.ARTIFICIALISATION, today=TODAY)
    assert [(m.kind, m.text) for m in land.missing] == [
        (
            si.MissingKind.INDICATOR_WITHOUT_OBJECTIVES,
            "« Part de la surface métropolitaine artificialisée » n'a pas d'objectif.",
        )
    ]
    # The latest GHG inventory is 2022: not recent any more seen from 2027.
    later = si.theme_dashboard(demo, e.Theme.GES, today=dt.date(2027, 1, 1))
    (gap,) = later.missing
    assert gap.kind is si.MissingKind.OBJECTIVE_WITHOUT_RECENT_DATA
    assert "dernière : 2022" in gap.text
    assert gap.objective_id == later.indicators[0].objectives[0].objective.id
    assert si.theme_dashboard(demo, e.Theme.GES, today=TODAY).missing == ()


def test_overview_stages_and_counts(demo: Database) -> None:
    view = si.overview(demo, today=TODAY)
    rows = {r.theme: r for r in view.themes}
    assert [c.state for c in rows[e.Theme.GES].stages] == [
        si.StageState.DONE,
        si.StageState.DONE,
        si.StageState.NOT_STARTED,
    ]
    ges_objectives = rows[e.Theme.GES].stages[1].meeting
    assert ges_objectives is not None and ges_objectives.date == dt.date(2024, 5, 29)
    # The ZAN workshop chose its indicators during acculturation: both stages are done.
    land = rows[e.Theme.ARTIFICIALISATION].stages
    assert [c.state for c in land[:2]] == [si.StageState.DONE, si.StageState.DONE]
    assert land[1].meeting is not None and land[1].meeting.date == dt.date(2024, 3, 25)
    assert rows[e.Theme.ADAPTATION].stages[1].state is si.StageState.NOT_STARTED
    assert rows[e.Theme.BIODIVERSITE].indicators == 11
    assert rows[e.Theme.BIODIVERSITE].count(Status.NOT_MEASURABLE) == 11
    assert rows[e.Theme.GES].count(Status.OFF_TRACK) == 1
    themes_without = [
        m.theme for m in view.missing if m.kind is si.MissingKind.THEME_WITHOUT_INDICATORS
    ]
    assert themes_without == [e.Theme.EAU, e.Theme.ADAPTATION, e.Theme.SOLIDAIRE]


def test_a_planned_workshop_marks_its_stage_planned(demo: Database) -> None:
    with demo.session() as s:
        s.add(
            Meeting(
                date=dt.date(2025, 1, 20),
                title="Atelier 3 sur les GES — leviers",
                theme_id=reference.theme_id(e.Theme.GES),
                stage_id=reference.stage_id(e.Stage.LEVERS),
                status=e.SessionStatus.PLANNED,
            )
        )
    rows = {r.theme: r for r in si.overview(demo, today=TODAY).themes}
    cell = rows[e.Theme.GES].stages[2]
    assert cell.state is si.StageState.PLANNED
    assert cell.meeting is not None and cell.meeting.title.startswith("Atelier 3")


# --- charts as data ---------------------------------------------------------------------


def test_ghg_chart_stacks_the_sectors_under_the_trajectory(demo: Database) -> None:
    chart = si.chart_for(_state(demo, e.Theme.GES, GES))
    assert isinstance(chart, si.TrajectoryChart)
    assert chart.stacked and chart.illustrative
    assert [line.label for line in chart.lines][:2] == ["Transport", "Résidentiel"]
    assert chart.total is not None and chart.total.points[-1] == YearValue(2022, 1595)
    (path,) = chart.paths
    assert path.points == ((2015.0, 1802.0), (2030.0, 787.0))
    assert path.target == 787 and path.horizon == 2030
    assert path.label == "787\u00a0kt CO2e en 2030 (SNBC, Fit For 50)"


def test_pollutants_chart_against_prepa_and_ppa(demo: Database) -> None:
    state = _state(demo, e.Theme.AIR, AIR)
    chart = si.chart_for(state)
    assert isinstance(chart, si.TargetsChart)
    assert chart.baseline_year == 2005
    assert [b.key for b in chart.bars] == ["NH3", "PM2.5", "PM10", "COVNM", "NOx", "SO2"]
    pm10 = chart.bars[2]
    assert pm10.status is Status.NOT_MEASURABLE and not pm10.has_objective
    assert pm10.change == pytest.approx(-46.4)
    assert chart.mark_labels == ("PREPA 2030", "PPA 2027")
    nox = {m.label: m.change for m in chart.marks if m.key == "NOx"}
    assert nox == {"PREPA 2030": -69, "PPA 2027": -69}
    views = si.chart_views(state)
    assert views[0][0] is None and [k for k, _ in views[1:]] == [b.key for b in chart.bars]
    detail = si.chart_for(state, "NOx")
    assert isinstance(detail, si.TrajectoryChart)
    assert [p.horizon for p in detail.paths] == [2030, 2027]
    assert detail.paths[0].points[0] == (2005.0, 4800.0)


def test_direction_path_is_the_fitted_trend() -> None:
    info = _info(breakdown=(), breakdown_label=None, unit="ha")
    o = _objective(kind=e.ObjectiveKind.DIRECTION, direction=e.Direction.UP)
    state = si.assess_objective(o, info, [_m(2019, 100), _m(2021, 104), _m(2023, 108)])
    path = si.objective_path(state, "ha")
    assert path.trend and path.target is None
    (x0, y0), (x1, y1) = path.points
    assert (x0, x1) == (2019.0, 2023.0)
    assert y0 == pytest.approx(100.0)
    assert y1 == pytest.approx(108.0)


# --- editing, one ORM transaction each ---------------------------------------------------


@pytest.fixture
def flushed() -> Iterator[list[str]]:
    """The kinds of ORM objects each flush wrote: what the sharing engine gets to see."""
    seen: list[str] = []

    def record(session: Session, _ctx: Any, _instances: Any) -> None:
        for what, objs in (("new", session.new), ("dirty", session.dirty)):
            seen.extend(f"{what} {type(o).__name__}" for o in objs)
        seen.extend(f"deleted {type(o).__name__}" for o in session.deleted)

    event.listen(Session, "before_flush", record)
    yield seen
    event.remove(Session, "before_flush", record)


def test_indicator_life_cycle(empty: Database, flushed: list[str]) -> None:
    fields = si.IndicatorFields(
        name=" Qualité des cours d'eau ",
        unit="%",
        breakdown_label="bassin",
        breakdown=("Allier", " Artière ", ""),
    )
    made = si.create_indicator(empty, e.Theme.EAU, fields)
    assert made.theme is e.Theme.EAU and made.indicator_id is not None
    assert "new Indicator" in flushed
    state = si.indicator_state(empty, made.indicator_id)
    assert state is not None
    assert state.info.name == "Qualité des cours d'eau"
    assert state.info.breakdown == ("Allier", "Artière")
    with pytest.raises(KnownError, match="déjà"):
        si.create_indicator(empty, e.Theme.GES, si.IndicatorFields(name="QUALITE des cours d eau"))
    with pytest.raises(KnownError, match="même clé"):
        si.create_indicator(
            empty, e.Theme.EAU, si.IndicatorFields(name="Autre", breakdown=("PM2.5", "pm 2,5"))
        )
    with pytest.raises(KnownError, match="nom"):
        si.create_indicator(empty, e.Theme.EAU, si.IndicatorFields(name="  "))

    si.record_measurement(empty, made.indicator_id, 2022, 12.5, "Allier")
    with pytest.raises(KnownError, match="« Allier »"):
        si.update_indicator(
            empty, made.indicator_id, si.IndicatorFields(name="Qualité", breakdown=("Artière",))
        )
    si.update_indicator(
        empty,
        made.indicator_id,
        si.IndicatorFields(name="Qualité", unit="%", breakdown=("Allier", "Artière", "Bédat")),
    )
    state = si.indicator_state(empty, made.indicator_id)
    assert state is not None and state.info.breakdown[-1] == "Bédat"

    flushed.clear()
    si.delete_indicator(empty, made.indicator_id)
    assert "deleted Indicator" in flushed and "deleted Measurement" in flushed
    assert si.indicator_state(empty, made.indicator_id) is None
    with pytest.raises(si.Gone):
        si.delete_indicator(empty, made.indicator_id)


def test_objectives_are_checked_before_recording(demo: Database, flushed: list[str]) -> None:
    ges = _state(demo, e.Theme.GES, GES)
    problems = si.check_objective(si.ObjectiveFields(kind=e.ObjectiveKind.TARGET))
    assert problems == ["indiquez la valeur cible", "indiquez l'année d'horizon"]
    assert si.check_objective(
        si.ObjectiveFields(
            kind=e.ObjectiveKind.CHANGE, change_percent=-120, baseline_year=2030, horizon_year=2020
        )
    ) == [
        "une baisse ne peut dépasser −100 %",
        "l'horizon doit venir après l'année de référence",
    ]
    assert si.check_objective(si.ObjectiveFields(kind=e.ObjectiveKind.DIRECTION)) == [
        "choisissez le sens d'évolution"
    ]
    with pytest.raises(KnownError, match="« Fret » n'est pas une clé"):
        si.add_objective(
            demo,
            ges.info.id,
            si.ObjectiveFields(
                kind=e.ObjectiveKind.DIRECTION, direction=e.Direction.DOWN, breakdown_key="Fret"
            ),
        )
    flushed.clear()
    si.add_objective(
        demo,
        ges.info.id,
        si.ObjectiveFields(
            kind=e.ObjectiveKind.CHANGE,
            breakdown_key="Transport",
            change_percent=-30,
            baseline_year=2015,
            horizon_year=2030,
            target_value=999,  # left over from another kind in the dialog: not kept
            source="PCAET",
        ),
    )
    assert flushed == ["new Objective"]
    ges = _state(demo, e.Theme.GES, GES)
    added = ges.objectives[-1]
    assert added.objective.target_value is None
    assert added.objective.summary("kt CO2e") == (
        "Transport\u00a0: −30\u00a0% en 2030 par rapport à 2015"
    )
    assert added.series[0] == YearValue(2015, 560)

    si.update_objective(
        demo,
        added.objective.id,
        si.ObjectiveFields(kind=e.ObjectiveKind.DIRECTION, direction=e.Direction.DOWN),
    )
    changed = _state(demo, e.Theme.GES, GES).objectives[-1]
    assert changed.objective.kind is e.ObjectiveKind.DIRECTION
    assert changed.objective.change_percent is None and changed.objective.baseline_year is None
    si.delete_objective(demo, added.objective.id)
    assert len(_state(demo, e.Theme.GES, GES).objectives) == 1


def test_a_typed_value_replaces_the_illustrative_one(demo: Database) -> None:
    land = _state(demo, e.Theme.ARTIFICIALISATION, LAND)
    assert land.illustrative
    before = len(land.measurements)
    si.record_measurement(demo, land.info.id, 2023, 31.0, source=" Observatoire ")
    land = _state(demo, e.Theme.ARTIFICIALISATION, LAND)
    assert len(land.measurements) == before
    typed = next(m for m in land.measurements if m.year == 2023)
    assert (typed.value, typed.source, typed.illustrative) == (31.0, "Observatoire", False)
    with pytest.raises(KnownError, match="entre 1990 et 2100"):
        si.record_measurement(demo, land.info.id, 1850, 1.0)
    with pytest.raises(KnownError, match="n'est pas une clé"):
        si.record_measurement(demo, land.info.id, 2023, 1.0, "Transport")
    with pytest.raises(KnownError, match="nombre"):
        si.record_measurement(demo, land.info.id, 2023, float("nan"))
    si.delete_measurement(demo, typed.id)
    land = _state(demo, e.Theme.ARTIFICIALISATION, LAND)
    assert [m.year for m in land.measurements if m.year == 2023] == []
    with pytest.raises(si.Gone):
        si.delete_measurement(demo, typed.id)


def test_deleting_an_indicator_removes_its_rows(demo: Database) -> None:
    ges = _state(demo, e.Theme.GES, GES)
    si.delete_indicator(demo, ges.info.id)
    with demo.read() as s:
        for model in (Objective, Measurement):
            column = model.indicator_id
            assert s.scalar(select(func.count()).where(column == ges.info.id)) == 0
        assert s.get(Indicator, ges.info.id) is None


def test_sessions_offered_for_adoption_put_the_theme_first(demo: Database) -> None:
    sessions = si.adopting_sessions(demo, e.Theme.AIR)
    assert [m.date for m in sessions[:2]] == [dt.date(2024, 9, 5), dt.date(2024, 6, 19)]
    assert sessions[0].describe().endswith("(5 septembre 2024)")


def test_numbers_in_french() -> None:
    assert si.format_number(1234567.891) == "1\u202f234\u202f567,89"
    assert si.format_number(-0.001) == "0"
    assert si.format_number(-69) == "−69"
    assert si.format_number(2.5, 2) == "2,50"
    assert si.format_quantity(787, "kt CO2e") == "787\u00a0kt CO2e"
    assert si.format_percent(3.5) == "+3,5\u00a0%"
    set_language("en")
    assert si.format_number(1234.5) == "1,234.5"


def test_year_range_is_the_import_s() -> None:
    from alliance_desktop.imports import measurements

    assert (si.FIRST_YEAR, si.LAST_YEAR) == (measurements.FIRST_YEAR, measurements.LAST_YEAR)
