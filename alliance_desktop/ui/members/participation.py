"""The participation window: attendance by organisation and kind, a chart, absences, who is missing.

pyqtgraph is imported when the chart is first drawn, not with this module: the tables
show at once, and a test or a laptop without the chart's needs pays nothing for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services import participation as sp
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.members.common import records_table, search_field, warn
from alliance_desktop.ui.members.models import (
    GOOD_BACKGROUND,
    WARNING_BACKGROUND,
    Column,
    RecordsModel,
    day,
    percent,
    theme_text,
    yes_no,
)

# One colour per kind of organisation, distinct and still apart printed in grey.
KIND_COLOURS: Final = {
    e.OrganisationKind.PUBLIC_AUTHORITY: QColor(48, 96, 150),
    e.OrganisationKind.PUBLIC_SERVICE: QColor(30, 140, 140),
    e.OrganisationKind.COMPANY: QColor(181, 84, 28),
    e.OrganisationKind.ASSOCIATION: QColor(46, 107, 63),
    e.OrganisationKind.EDUCATION: QColor(150, 120, 20),
    e.OrganisationKind.RESEARCH: QColor(120, 60, 130),
    e.OrganisationKind.OTHER: QColor(120, 120, 120),
}
_LOW_RATE: Final = 0.34


def _rate_colour(rate: float | None) -> QColor | None:
    if rate is None:
        return None
    return WARNING_BACKGROUND if rate < _LOW_RATE else None


def organisation_columns() -> list[Column[sp.OrganisationParticipation]]:
    """The columns of the table by organisation."""
    return [
        Column(t("Organisation", "Organisation"), lambda o: o.name),
        Column(t("Type", "Kind"), lambda o: label(o.kind)),
        Column(t("Membre", "Member"), lambda o: yes_no(o.is_member)),
        Column(
            t("Séances", "Sessions"),
            lambda o: f"{o.attended} / {o.expected}",
            lambda o: o.attended,
            True,
            tooltip=lambda _o: t(
                "Séances suivies sur celles tenues depuis son arrivée",
                "Sessions attended out of those held since it joined",
            ),
        ),
        Column(
            t("Taux", "Rate"),
            lambda o: percent(o.rate),
            lambda o: -1.0 if o.rate is None else o.rate,
            True,
            background=lambda o: _rate_colour(o.rate),
        ),
        Column(
            t("Première venue", "First seen"), lambda o: day(o.first_seen), lambda o: o.first_seen
        ),
        Column(t("Dernière venue", "Last seen"), lambda o: day(o.last_seen), lambda o: o.last_seen),
        Column(t("Personnes", "People"), lambda o: str(o.people), lambda o: o.people, True),
    ]


def kind_columns() -> list[Column[sp.KindParticipation]]:
    """The columns of the table by kind of organisation."""
    return [
        Column(t("Type", "Kind"), lambda k: label(k.kind)),
        Column(
            t("Organisations", "Organisations"),
            lambda k: str(k.organisations),
            lambda k: k.organisations,
            True,
        ),
        Column(
            t("Venues au moins une fois", "Came at least once"),
            lambda k: str(k.attending),
            lambda k: k.attending,
            True,
        ),
        Column(
            t("Taux", "Rate"),
            lambda k: percent(k.rate),
            lambda k: -1.0 if k.rate is None else k.rate,
            True,
        ),
        Column(
            t("Présences", "Presences"), lambda k: str(k.presences), lambda k: k.presences, True
        ),
        Column(t("Dernière venue", "Last seen"), lambda k: day(k.last_seen), lambda k: k.last_seen),
    ]


def session_columns() -> list[Column[sp.SessionPoint]]:
    """The columns of the table by session."""
    return [
        Column(t("Date", "Date"), lambda s: day(s.date), lambda s: s.date),
        Column("N°", lambda s: str(s.number or ""), lambda s: s.number or 0, True),
        Column(t("Thématique", "Theme"), lambda s: theme_text(s.theme) if s.theme else ""),
        Column(t("Personnes", "People"), lambda s: str(s.people), lambda s: s.people, True),
        Column(
            t("Organisations", "Organisations"),
            lambda s: str(s.organisations),
            lambda s: s.organisations,
            True,
        ),
        Column(
            t("Nouvelles personnes", "New people"),
            lambda s: str(s.new_people),
            lambda s: s.new_people,
            True,
        ),
        Column(
            t("Nouvelles organisations", "New organisations"),
            lambda s: ", ".join(s.new_organisations),
            background=lambda s: GOOD_BACKGROUND if s.new_organisations else None,
        ),
    ]


def absent_columns(people: bool) -> list[Column[sp.Absent]]:
    """The columns of the tables of long absences."""
    cols: list[Column[sp.Absent]] = [Column(t("Nom", "Name"), lambda a: a.name)]
    if people:
        cols.append(Column(t("Organisation", "Organisation"), lambda a: a.organisation))
    cols += [
        Column(t("Type", "Kind"), lambda a: label(a.kind)),
        Column(
            t("Dernière venue", "Last seen"),
            lambda a: day(a.last_seen) or t("jamais", "never"),
            lambda a: a.last_seen,
        ),
    ]
    return cols


def _missing_status(c: sp.MissingCheck) -> str:
    names = ", ".join(n for n, _d in c.organisations)
    if c.status == "too_early":
        who = names or (label(c.kind) if c.kind is not None else "")
        return t(f"{who} : aucune séance depuis", f"{who}: no session since")
    if c.status == "came":
        if c.organisations:
            came = [f"{n} ({day(d)})" for n, d in c.organisations if d]
            return t("venu·e depuis : ", "came since: ") + ", ".join(came)
        assert c.kind is not None
        return t(
            f"{c.kind_present_since} organisation(s) « {label(c.kind)} » venue(s) depuis",
            f"{c.kind_present_since} “{label(c.kind)}” organisation(s) came since",
        )
    if c.status == "missing":
        if names:
            return t(f"{names} : pas venu·e depuis", f"{names}: not come since")
        assert c.kind is not None
        return t(
            f"aucune organisation « {label(c.kind)} » venue depuis",
            f"no “{label(c.kind)}” organisation came since",
        )
    return t("à vérifier (aucune organisation reconnue)", "to check (no organisation recognised)")


def missing_columns() -> list[Column[sp.MissingCheck]]:
    """The columns of the « Ceux qui manquent ? » check."""
    return [
        Column(t("Noté le", "Listed on"), lambda c: day(c.listed_on), lambda c: c.listed_on),
        Column(t("Thématique", "Theme"), lambda c: theme_text(c.theme) if c.theme else ""),
        Column(t("Ceux qui manquent ?", "Who is missing?"), lambda c: c.text),
        Column(
            t("Depuis", "Since then"),
            _missing_status,
            background=lambda c: (
                WARNING_BACKGROUND
                if c.status == "missing"
                else (GOOD_BACKGROUND if c.status == "came" else None)
            ),
        ),
    ]


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class ParticipationWindow(QDialog):
    """Attendance across the series of sessions, with a chart."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        """The participation of ``db``'s sessions (``today``: for tests)."""
        super().__init__(parent)
        self.setObjectName("participationWindow")
        self.setWindowTitle(t("Participation", "Participation"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._db = db
        self._today = today
        self.view: sp.ParticipationView | None = None
        self.chart: Any = None

        self.all_sessions = QCheckBox(t("Toutes les séances", "All sessions"), self)
        self.all_sessions.setChecked(True)
        self.since = QDateEdit(self)
        self.since.setDisplayFormat("dd/MM/yyyy")
        self.since.setCalendarPopup(True)
        self.since.setDate(_qdate((today or dt.date.today()) - dt.timedelta(days=365)))
        self.since.setEnabled(False)
        self.since.setAccessibleName(t("Depuis le", "Since"))
        self.months = QSpinBox(self)
        self.months.setRange(1, 120)
        self.months.setValue(sp.DEFAULT_ABSENCE_MONTHS)
        self.months.setSuffix(t(" mois", " months"))
        self.months.setAccessibleName(t("Absents depuis", "Absent for"))
        self.all_sessions.toggled.connect(self._all_sessions_toggled)
        self.since.dateChanged.connect(lambda _d: self.reload())
        self.months.valueChanged.connect(lambda _v: self.reload())
        filters = QHBoxLayout()
        filters.addWidget(self.all_sessions)
        form = QFormLayout()
        form.addRow(t("Depuis le :", "Since:"), self.since)
        filters.addLayout(form)
        form2 = QFormLayout()
        form2.addRow(t("Absents depuis plus de :", "Absent for more than:"), self.months)
        filters.addLayout(form2)
        filters.addStretch(1)
        self.summary = QLabel(self)
        self.summary.setObjectName("participationSummary")
        self.summary.setWordWrap(True)

        self.org_model: RecordsModel[sp.OrganisationParticipation] = RecordsModel(
            organisation_columns(), self
        )
        self.kind_model: RecordsModel[sp.KindParticipation] = RecordsModel(kind_columns(), self)
        self.session_model: RecordsModel[sp.SessionPoint] = RecordsModel(session_columns(), self)
        self.absent_org_model: RecordsModel[sp.Absent] = RecordsModel(absent_columns(False), self)
        self.absent_people_model: RecordsModel[sp.Absent] = RecordsModel(absent_columns(True), self)
        self.missing_model: RecordsModel[sp.MissingCheck] = RecordsModel(missing_columns(), self)

        self.tabs = QTabWidget(self)
        org_page = QWidget(self)
        self.org_view, org_proxy = records_table(
            org_page,
            "participationByOrganisation",
            t("Par organisation", "By organisation"),
            self.org_model,
            stretch=0,
        )
        org_search = search_field(
            org_page, t("Filtrer les organisations…", "Filter…"), org_proxy.set_query
        )
        org_layout = QVBoxLayout(org_page)
        org_layout.addWidget(org_search)
        org_layout.addWidget(self.org_view, 1)
        self.tabs.addTab(org_page, t("Par &organisation", "By &organisation"))

        self.chart_area = QWidget(self)
        self.chart_area.setObjectName("participationChartArea")
        self.chart_layout = QVBoxLayout(self.chart_area)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.kind_view, _p = records_table(
            self, "participationByKind", t("Par type", "By kind"), self.kind_model, stretch=0
        )
        kind_split = QSplitter(Qt.Orientation.Vertical, self)
        kind_split.addWidget(self.kind_view)
        kind_split.addWidget(self.chart_area)
        kind_split.setSizes([200, 360])
        self.tabs.addTab(kind_split, t("Par &type et graphique", "By &kind and chart"))

        self.session_view, _p = records_table(
            self, "participationBySession", t("Séances", "Sessions"), self.session_model
        )
        self.tabs.addTab(
            self.session_view, t("&Séances et nouveaux venus", "&Sessions and newcomers")
        )

        absent_page = QSplitter(Qt.Orientation.Horizontal, self)
        self.absent_org_view, _p = records_table(
            self,
            "absentOrganisations",
            t("Organisations membres absentes", "Absent members"),
            self.absent_org_model,
            stretch=0,
        )
        self.absent_people_view, _p = records_table(
            self,
            "absentPeople",
            t("Représentants absents", "Absent representatives"),
            self.absent_people_model,
            stretch=0,
        )
        absent_page.addWidget(self.absent_org_view)
        absent_page.addWidget(self.absent_people_view)
        self.tabs.addTab(absent_page, t("&Absents depuis longtemps", "&Long absent"))

        self.missing_view, _p = records_table(
            self,
            "whoIsMissing",
            t("Ceux qui manquent ?", "Who is missing?"),
            self.missing_model,
            stretch=2,
        )
        self.tabs.addTab(self.missing_view, t("« Ceux qui &manquent ? »", "“Who is &missing?”"))
        self.tabs.currentChanged.connect(lambda _i: self._draw_if_visible())

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.reload()
        self.resize(1150, 680)

    def _all_sessions_toggled(self, on: bool) -> None:
        self.since.setEnabled(not on)
        self.reload()

    def set_database(self, db: Database) -> None:
        """Show another database's participation."""
        self._db = db
        self.reload()

    def reload(self) -> None:
        """Compute the participation again with the filters chosen."""
        since = None
        if not self.all_sessions.isChecked():
            q = self.since.date()
            since = dt.date(q.year(), q.month(), q.day())
        try:
            view = sp.participation(
                self._db, since=since, absence_months=self.months.value(), today=self._today
            )
        except KnownError as exc:
            warn(self, str(exc))
            return
        self.view = view
        self.org_model.set_records(view.organisations)
        self.kind_model.set_records(view.kinds)
        self.session_model.set_records(view.sessions)
        self.absent_org_model.set_records(view.absent_organisations)
        self.absent_people_model.set_records(view.absent_people)
        self.missing_model.set_records(view.missing)
        members = [o for o in view.organisations if o.is_member]
        rates = [o.rate for o in members if o.rate is not None]
        mean = sum(rates) / len(rates) if rates else None
        newcomers = sum(len(s.new_organisations) for s in view.sessions)
        self.summary.setText(
            t(
                f"{len(view.sessions)} séance(s) ; {len(members)} organisation(s) membre(s), "
                f"taux moyen {percent(mean)} ; {newcomers} nouvelle(s) organisation(s) sur la "
                f"période ; {len(view.absent_organisations)} membre(s) absent(s) depuis plus de "
                f"{view.absence_months} mois.",
                f"{len(view.sessions)} session(s); {len(members)} member organisation(s), "
                f"mean rate {percent(mean)}; {newcomers} new organisation(s) in the period; "
                f"{len(view.absent_organisations)} member(s) absent for more than "
                f"{view.absence_months} months.",
            )
        )
        if self.chart is not None:
            self.draw_chart()
        else:
            self._draw_if_visible()

    def _draw_if_visible(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.draw_chart()

    def draw_chart(self) -> Any:
        """Draw (or redraw) the chart: organisations present at each session, by kind."""
        import pyqtgraph as pg

        if self.chart is None:
            pg.setConfigOptions(antialias=True, background="w", foreground=(40, 40, 40))
            self.chart = pg.PlotWidget(self.chart_area)
            self.chart.setObjectName("participationChart")
            self.chart.setAccessibleName(
                t("Organisations présentes par séance, par type", "Organisations present by kind")
            )
            self.chart.showGrid(x=False, y=True, alpha=0.2)
            self.chart.setMouseEnabled(x=False, y=False)
            self.chart.setMenuEnabled(False)
            self.chart.addLegend(offset=(10, 10))
            self.chart_layout.addWidget(self.chart)
        plot = self.chart.getPlotItem()
        plot.clear()
        view = self.view
        if view is None or not view.sessions:
            return self.chart
        xs = list(range(len(view.sessions)))
        bottom = [0.0] * len(xs)
        for kind in e.OrganisationKind:
            heights = [float(dict(s.by_kind).get(kind, 0)) for s in view.sessions]
            if not any(heights):
                continue
            colour = KIND_COLOURS[kind]
            bars = pg.BarGraphItem(
                x=xs,
                height=heights,
                y0=bottom,
                width=0.7,
                brush=colour,
                pen=pg.mkPen(colour),
                name=label(kind),
            )
            plot.addItem(bars)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        people = [float(s.people) for s in view.sessions]
        plot.plot(
            xs,
            people,
            pen=pg.mkPen((40, 40, 40), width=2),
            symbol="o",
            symbolSize=5,
            name=t("Personnes présentes", "People present"),
        )
        step = max(1, len(xs) // 12)
        ticks = [(i, view.sessions[i].date.strftime("%d/%m/%y")) for i in range(0, len(xs), step)]
        plot.getAxis("bottom").setTicks([ticks])
        plot.setLabel(
            "left",
            t("Organisations (barres) et personnes (ligne)", "Organisations (bars), people (line)"),
        )
        return self.chart
