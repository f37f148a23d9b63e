"""The yearly progress report (rapport d'étape), shaped like the Alliance's 2024 report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label
from alliance_desktop.exports import sections
from alliance_desktop.exports import template as tpl
from alliance_desktop.exports import wording as w
from alliance_desktop.exports.charts import ChartRenderer, line_chart
from alliance_desktop.exports.docxwriter import Writer
from alliance_desktop.exports.model import (
    Minutes,
    Progress,
    Series,
    SurveyOverview,
    ThemeSection,
    YearReport,
)
from alliance_desktop.exports.progress import ProgressCallback, ignore
from alliance_desktop.exports.queries import build_year_report
from alliance_desktop.exports.text import number, unbroken
from alliance_desktop.storage.database import Database

_FILLS = {
    Progress.DONE: tpl.LIGHT_GREEN,
    Progress.PLANNED: tpl.AMBER_LIGHT,
    Progress.NOT_STARTED: tpl.LIGHT_GREY,
}


def _progress_text(state: Progress, day: str | None) -> str:
    if state is Progress.DONE:
        return t(f"Réalisé\n{day}", f"Done\n{day}")
    if state is Progress.PLANNED:
        return t(f"Prévu\n{day}", f"Planned\n{day}")
    return t("Non commencé", "Not started")


def _introduction(doc: Writer, report: YearReport) -> None:
    doc.heading(t("Introduction", "Introduction"), 1)
    doc.paragraph(
        t(
            f"Ce rapport est un point d'étape sur l'année {report.year} de l'Alliance pour la "
            "transition écologique et solidaire. C'est avant tout un outil qui donne à voir "
            "l'état des réflexions ; il montre aussi le chemin qu'il reste à parcourir vers une "
            "stratégie territoriale partagée.",
            f"This report takes stock of the Alliance's year {report.year}. It shows where the "
            "thinking stands and the way still to go towards a shared territorial strategy.",
        )
    )
    workshops = sum(1 for m in report.sessions if m.session.kind is e.SessionKind.WORKSHOP)
    attendances = sum(m.attendance.present for m in report.sessions)
    organisations = {o.organisation for m in report.sessions for o in m.attendance.organisations}
    doc.paragraph(
        t(
            f"En {report.year}, l'Alliance s'est réunie "
            f"{w.plural(len(report.sessions), 'fois', 'fois')}, dont "
            f"{w.plural(workshops, 'atelier', 'ateliers')} thématiques ; on compte "
            f"{w.plural(attendances, 'participation', 'participations')} et "
            f"{w.plural(len(organisations), 'organisation', 'organisations')} représentées.",
            f"In {report.year} the Alliance met {len(report.sessions)} times, including "
            f"{workshops} theme workshops, with {attendances} attendances from "
            f"{len(organisations)} organisations.",
        )
    )
    # The questionnaire's own section gives the figures when the caller passed them.
    if report.survey_answers and report.survey is None:
        doc.paragraph(
            t(
                f"{w.plural(report.survey_answers, 'organisation a', 'organisations ont')} "
                "répondu au questionnaire sur leurs objectifs, stratégies et actions.",
                f"{report.survey_answers} organisations answered the questionnaire on their "
                "objectives, strategies and actions.",
            )
        )


def _timeline(doc: Writer, report: YearReport) -> None:
    doc.heading(t("Les séances de l'année", "The year's sessions"), 1)
    rows = []
    for m in report.sessions:
        s = m.session
        title = s.title
        if m.speakers:
            who = ", ".join(m.speakers)
            title += "\n" + t(f"Intervention : {who}", f"Speaker: {who}")
        rows.append(
            [
                str(s.number) if s.number is not None else "—",
                long_date(s.date, doc.lang),
                title,
                label(s.stage) if s.stage is not None else label(s.kind),
                str(m.attendance.present),
            ]
        )
    doc.table(
        [
            t("N°", "No."),
            t("Date", "Date"),
            t("Séance", "Session"),
            t("Étape", "Stage"),
            t("Présents", "Present"),
        ],
        rows,
        [1.1, 3.0, 8.0, 3.0, 1.9],
    )


def _progress(doc: Writer, report: YearReport) -> None:
    doc.heading(t("Point d'avancement par thématique", "Progress by theme"), 1)
    doc.paragraph(
        t(
            "Chaque thématique passe par trois ateliers : l'acculturation, le choix des "
            "objectifs et des indicateurs, puis les leviers d'action.",
            "Each theme goes through three workshops: shared understanding, objectives "
            "and indicators, then action levers.",
        )
    )
    rows, fills = [], []
    for row in report.progress:
        cells = [label(row.theme)]
        shade: list[str | None] = [None]
        for cell in row.cells:
            day = long_date(cell.session.date, doc.lang) if cell.session is not None else None
            cells.append(_progress_text(cell.state, day))
            shade.append(_FILLS[cell.state])
        rows.append(cells)
        fills.append(shade)
    doc.table(
        [t("Thématique", "Theme")] + [label(s) for s in e.Stage],
        rows,
        [6.2, 3.6, 3.6, 3.6],
        shading=fills,
        bold_first_column=True,
    )
    doc.caption(
        t(
            f"Réalisé : une séance close de cette étape (au 31 décembre {report.year}) ; "
            "prévu : une séance programmée ; non commencé : aucune séance.",
            f"Done: a closed session of that stage (by 31 December {report.year}); "
            "planned: a session scheduled; not started: no session.",
        )
    )


def _theme(doc: Writer, section: ThemeSection) -> None:
    numbers = [m.session.number for m in section.sessions if m.session.number is not None]
    title = label(section.theme)
    if numbers:
        title += f" {w.DASH} {w.meetings_phrase(numbers)}"
    doc.heading(title, 1)
    for m in section.sessions:
        doc.paragraph(w.session_line(m.session, doc.lang), italic=True, colour=tpl.GREY)
    sections.background(doc, [m.background for m in section.sessions], 2)
    sections.points(doc, [p for m in section.sessions for p in m.points], 2)
    sections.open_questions(doc, [q for m in section.sessions for q in m.open_questions], 2)
    stages = {m.session.stage for m in section.sessions}
    sections.objectives(
        doc,
        section.indicators,
        2,
        empty=t(
            "La thématique n'ayant fait l'objet que d'un atelier d'acculturation, il n'y a "
            "pas encore eu de proposition et de validation d'indicateurs et d'objectifs."
            if stages <= {e.Stage.ACCULTURATION, None}
            else "Aucun indicateur ni objectif n'a encore été validé pour cette thématique.",
            "No indicator or objective has been agreed for this theme yet.",
        ),
    )
    sections.levers(doc, [lv for m in section.sessions for lv in m.levers], 2)
    sections.notes(doc, [n for m in section.sessions for n in m.notes], 2)
    sections.photos(doc, [p for m in section.sessions for p in m.photos], 2, max_height_cm=12)


def _other(doc: Writer, m: Minutes) -> None:
    s = m.session
    title = s.title
    if s.kind is e.SessionKind.RENCONTRES:
        title = t(f"Focus : {s.title}", f"Focus: {s.title}")
    doc.heading(title, 1)
    place = f", {s.location}" if s.location else ""
    doc.paragraph(f"{w.when(s, doc.lang)}{place}", italic=True, colour=tpl.GREY)
    if m.attendance.present:
        doc.paragraph(
            t(
                f"{w.plural(m.attendance.present, 'personne présente', 'personnes présentes')}"
                f", {w.plural(m.attendance.organisation_count, 'organisation', 'organisations')}.",
                f"{m.attendance.present} people present, "
                f"{m.attendance.organisation_count} organisations.",
            )
        )
    if m.background:
        doc.block(m.background)
    if m.points:
        sections.points(doc, m.points, 2)
    if m.open_questions:
        sections.open_questions(doc, m.open_questions, 2)
    sections.harvest(doc, m.harvest, 2)
    sections.notes(doc, m.notes, 2)
    sections.photos(doc, m.photos, 2, max_height_cm=12)


def _answered(survey: SurveyOverview) -> str:
    """« 14 organisations ont répondu, dont 12 organisations membres sur 40 »."""
    n, members, of_members = survey.answered, survey.members, survey.members_answered
    verb = t("a" if n == 1 else "ont", "")
    members_fr = w.plural(of_members, "organisation membre", "organisations membres")
    if members and of_members == n:
        return t(
            f"{members_fr} sur {members} {verb} répondu",
            f"{of_members} of the {members} member organisations answered",
        )
    answered = w.plural(n, "organisation", "organisations")
    if not members:
        return t(f"{answered} {verb} répondu", f"{n} organisations answered")
    if not of_members:
        return t(
            f"{answered} {verb} répondu, mais aucune des {members} organisations membres",
            f"{n} organisations answered, but none of the {members} member organisations",
        )
    return t(
        f"{answered} {verb} répondu, dont {members_fr} sur {members}",
        f"{n} organisations answered, {of_members} of the {members} member organisations "
        "among them",
    )


def _survey(doc: Writer, survey: SurveyOverview) -> None:
    doc.heading(t("Le questionnaire des membres", "The members' questionnaire"), 1)
    if survey.answered == 0:
        doc.paragraph(
            t(
                "Aucune organisation n'a encore répondu au questionnaire transmis aux membres "
                "sur leurs objectifs, stratégies et actions.",
                "No organisation has answered yet the questionnaire sent to the members on "
                "their objectives, strategies and actions.",
            )
        )
        return
    doc.paragraph(
        t(
            "Lors du lancement de la démarche, un questionnaire a été transmis aux membres de "
            "l'Alliance. Il visait à connaître les objectifs, stratégies et actions menés par "
            "chacun des membres dans les thématiques de travail de l'Alliance. À ce jour, "
            f"{_answered(survey)} (il est encore temps de le compléter).",
            "When the Alliance was launched, its members received a questionnaire on the "
            "objectives, strategies and actions of each of them in the Alliance's themes. "
            f"So far, {_answered(survey)} (there is still time to fill it in).",
        )
    )
    doc.paragraph(
        t(
            "Le tableau ci-dessous indique, pour chaque thématique, les organisations qui "
            "déclarent y agir.",
            "The table below shows, for each theme, the organisations that say they act on it.",
        )
    )
    rows = []
    for item in survey.themes:
        # Names whole on their line: a list cut at « Clermont- / Ferrand » reads as two.
        names = ", ".join(unbroken(o) for o in item.organisations)
        names = names or t("Aucune pour l'instant", "None so far")
        rows.append([label(item.theme), str(len(item.organisations)), names])
    doc.table(
        [
            t("Thématique", "Theme"),
            t("Nombre", "Number"),
            t("Organisations qui y agissent", "Organisations acting on it"),
        ],
        rows,
        [6.2, 1.8, 9.0],
        bold_first_column=True,
    )
    caption = t(
        "Une organisation peut agir sur plusieurs thématiques.",
        "An organisation may act on several themes.",
    )
    if survey.year is not None:
        caption = t(
            f"Réponses de {survey.year} et réponses non datées. {caption}",
            f"Answers of {survey.year} and undated answers. {caption}",
        )
    doc.caption(caption)
    if survey.general_only:
        doc.labelled(
            t("Ont répondu sans préciser de thématique", "Answered without naming a theme"),
            ", ".join(survey.general_only),
        )


def _recap(doc: Writer, report: YearReport) -> None:
    doc.heading(t("Récapitulatif des objectifs et indicateurs", "Objectives and indicators"), 1)
    if not report.indicators:
        doc.note(t("Aucun indicateur n'a encore été choisi.", "No indicator chosen yet."))
        return
    for theme in e.Theme:
        chosen = [i for i in report.indicators if i.theme is theme]
        if not chosen:
            continue
        doc.heading(label(theme), 2)
        sections.objectives(doc, chosen, 3, heading="")


def _charts(
    doc: Writer,
    series: tuple[Series, ...],
    chart: ChartRenderer | None,
    step: Callable[[str], None],
) -> None:
    doc.heading(t("Indicateurs suivis", "Indicators over time"), 1)
    if not series:
        doc.note(t("Aucune mesure n'a encore été saisie.", "No measurement recorded yet."))
        return
    if any(s.illustrative for s in series):
        doc.rich(
            [
                (
                    t("Valeurs illustratives", "Illustrative values"),
                    {"bold": True, "colour": tpl.ORANGE},
                ),
                (
                    t(
                        " : les séries ainsi marquées servent d'exemple et ne sont pas des "
                        "chiffres officiels.",
                        ": series marked so are examples, not official figures.",
                    ),
                    {},
                ),
            ]
        )
    for n, s in enumerate(series, start=1):
        step(
            t(
                f"Graphique {n} sur {len(series)} : {s.indicator}",
                f"Chart {n} of {len(series)}: {s.indicator}",
            )
        )
        caption = f"{t('Figure', 'Figure')} {n} {w.DASH} {s.indicator}"
        if s.unit:
            caption += f" ({s.unit})"
        if s.sources:
            caption += t(f". Source : {', '.join(s.sources)}", f". Source: {', '.join(s.sources)}")
        if s.illustrative:
            caption += t(" — valeurs illustratives", " — illustrative values")
        if chart is None:
            _values_table(doc, s)
            doc.caption(caption)
            continue
        try:
            png = chart(s, doc.lang)
        except Exception:
            # A chart is a convenience: a failing renderer (an injected one included) must
            # cost the figure, not the report.
            _values_table(doc, s)
            doc.caption(caption)
            continue
        doc.picture(png, caption, s.indicator, max_height_cm=9.5)


def _values_table(doc: Writer, s: Series) -> None:
    years = sorted({y for _, pts in s.lines for y, _ in pts})[-8:]
    rows = []
    for key, pts in s.lines:
        by_year = dict(pts)
        rows.append([key] + [number(by_year[y], doc.lang) if y in by_year else "—" for y in years])
    doc.table([""] + [str(y) for y in years], rows, bold_first_column=True)


def _missing(doc: Writer, report: YearReport) -> None:
    doc.heading(t("Ce qui manque encore", "What is still missing"), 1)
    doc.paragraph(
        t(
            "Certains indicateurs n'existent pas encore sur certaines thématiques : il faut "
            "les créer. Voici ce qui manque pour atteindre les objectifs.",
            "Some themes still lack indicators: they must be created. Here is what is "
            "missing to reach the objectives.",
        )
    )
    m = report.missing
    groups = (
        (
            t("Thématiques sans atelier réalisé", "Themes with no workshop held"),
            [label(th) for th in m.themes_not_started],
        ),
        (
            t("Thématiques sans indicateur", "Themes without indicators"),
            [label(th) for th in m.themes_without_indicators],
        ),
        (
            t("Indicateurs sans objectif", "Indicators without objectives"),
            [
                f"{w.indicator_summary(i)} ({label(i.theme)})"
                for i in m.indicators_without_objectives
            ],
        ),
        (
            t("Indicateurs sans données", "Indicators without data"),
            [f"{w.indicator_summary(i)} ({label(i.theme)})" for i in m.indicators_without_data],
        ),
    )
    for title, items in groups:
        doc.heading(title, 2)
        if not items:
            doc.note(t("Aucun.", "None."))
        for item in items:
            doc.bullet(item)


def report_steps(report: YearReport) -> int:
    """How many steps :func:`render_report` tells its progress in."""
    # The opening pages, each theme, each other session, the questionnaire if given, the
    # recap, each chart, the gaps.
    survey = 0 if report.survey is None else 1
    return 1 + len(report.themes) + len(report.other_sessions) + survey + 1 + len(report.series) + 1


def render_report(
    report: YearReport,
    template: Path | None = None,
    chart: ChartRenderer | None = line_chart,
    progress: ProgressCallback | None = None,
) -> Writer:
    """The yearly report as a document.

    Args:
        report: the report's content.
        template: a user's Word template; the shipped one if None.
        chart: draws an indicator's series as PNG bytes (Pillow by default; the window
            may pass its own); None puts a table of values instead.
        progress: told each step before it is taken, out of :func:`report_steps`, and
            the end; it may raise ``Cancelled``.
    """
    tell = progress or ignore
    total = report_steps(report)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        tell(done, total, what)
        done += 1

    step(t("Introduction, séances et avancement", "Introduction, sessions and progress"))
    doc = Writer(template, language())
    title = t(f"Rapport d'étape {report.year}", f"Progress report {report.year}")
    doc.properties(
        title,
        t(
            "Alliance pour la transition écologique et solidaire",
            "Alliance for the ecological and fair transition",
        ),
    )
    doc.heading(title, 0)
    doc.paragraph(
        t(
            "Alliance pour la transition écologique et solidaire",
            "Alliance pour la transition écologique et solidaire (ecological and fair transition)",
        ),
        doc.style("Subtitle"),
    )
    _introduction(doc, report)
    _timeline(doc, report)
    _progress(doc, report)
    for section in report.themes:
        step(t(f"Thématique : {label(section.theme)}", f"Theme: {label(section.theme)}"))
        _theme(doc, section)
    for other in report.other_sessions:
        step(t(f"Séance : {other.session.title}", f"Session: {other.session.title}"))
        _other(doc, other)
    if report.survey is not None:
        step(t("Le questionnaire des membres", "The members' questionnaire"))
        _survey(doc, report.survey)
    step(t("Récapitulatif des objectifs", "Objectives and indicators"))
    _recap(doc, report)
    _charts(doc, report.series, chart, step)
    step(t("Ce qui manque encore", "What is still missing"))
    _missing(doc, report)
    sections.stamp(doc, t("Rapport", "Report"))
    tell(total, total, t("Rapport mis en page", "Report laid out"))
    return doc


def write_report(
    db: Database,
    year: int,
    path: Path,
    template: Path | None = None,
    chart: ChartRenderer | None = line_chart,
    progress: ProgressCallback | None = None,
    *,
    survey: SurveyOverview | None = None,
) -> Path:
    """Read a year and write its progress report to ``path``.

    Args:
        db: the database to read.
        year: the report's year.
        path: the .docx file to write, whole or not at all.
        template: a user's Word template; the shipped one if None.
        chart: draws the indicators' charts; None puts tables of values instead.
        progress: told ``(done, total, what)``: first with a total of 0 while the
            database is read, then once per step, lastly with ``done == total`` once
            the file is written. Raising ``Cancelled`` from it stops the report before
            anything is written.
        survey: the members' questionnaire in figures, for its section (the caller
            reads it: the questionnaire's rules are the services' business); None
            leaves the section out.
    """
    tell = progress or ignore
    tell(0, 0, t(f"Lecture des séances de {year}", f"Reading the sessions of {year}"))
    report = build_year_report(db, year)
    if survey is not None:
        report = replace(report, survey=survey)
    # Reading and saving are one step each around the layout's own.
    total = report_steps(report) + 2

    def laid_out(done: int, _steps: int, what: str) -> None:
        # The layout's last call (all its steps done) is the saving step's start.
        tell(done + 1, total, what)

    doc = render_report(report, template, chart, laid_out if progress is not None else None)
    tell(total - 1, total, t("Enregistrement du document", "Saving the document"))
    written = doc.save(path)
    tell(total, total, t("Rapport enregistré", "Report saved"))
    return written
