"""The parts the minutes and the yearly report share, written the same way in both."""

from __future__ import annotations

from collections.abc import Sequence

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.exports import template as tpl
from alliance_desktop.exports import wording as w
from alliance_desktop.exports.docxwriter import Writer
from alliance_desktop.exports.model import (
    AttendanceSummary,
    HarvestBlock,
    IndicatorItem,
    LeverItem,
    Minutes,
    NoteItem,
    ObjectiveItem,
    Photo,
    PointItem,
    SessionInfo,
)
from alliance_desktop.exports.text import NBSP, percent


def h_background() -> str:
    """« Comprenons-nous bien… »."""
    return t("Comprenons-nous bien…", "Let us make sure we understand each other…")


def h_points() -> str:
    """« Les points saillants de nos échanges… »."""
    return t("Les points saillants de nos échanges…", "The salient points of our exchanges…")


def h_open() -> str:
    """« Les éléments à éclaircir, approfondir ou aborder… »."""
    return t(
        "Les éléments à éclaircir, approfondir ou aborder…",
        "What is left to clarify, deepen or address…",
    )


def h_objectives() -> str:
    """« Objectifs & indicateurs choisis »."""
    return t("Objectifs & indicateurs choisis", "Objectives & indicators chosen")


def h_levers() -> str:
    """« Leviers d'action »."""
    return t("Leviers d'action", "Action levers")


def attendance(doc: Writer, att: AttendanceSummary, level: int) -> None:
    """Who came, counted by organisation, by role and by mode; names go to the annex."""
    doc.heading(t("Participation", "Attendance"), level)
    if att.present == 0:
        doc.note(t("Aucune présence n'a été enregistrée.", "No attendance was recorded."))
        return
    people = w.plural(
        att.present,
        t("personne présente", "person present"),
        t("personnes présentes", "people present"),
    )
    orgs = w.plural(
        att.organisation_count,
        t("organisation", "organisation"),
        t("organisations", "organisations"),
    )
    doc.paragraph(t(f"{people}, représentant {orgs}.", f"{people}, from {orgs}."))
    if att.by_role:
        roles = ", ".join(f"{label(r)} ({n})" for r, n in att.by_role)
        doc.labelled(t("Par rôle", "By role"), roles)
    if att.by_mode:
        modes = ", ".join(f"{label(m)} ({n})" for m, n in att.by_mode)
        doc.labelled(t("Mode de participation", "Participation"), modes)
    by_org = ", ".join(f"{o.organisation} ({o.count})" for o in att.organisations)
    doc.labelled(t("Organisations représentées", "Organisations"), by_org)
    if att.excused:
        doc.labelled(t("Excusé·es", "Apologies"), ", ".join(att.excused))


def attendance_annex(
    doc: Writer, att: AttendanceSummary, level: int, *, public: bool = False
) -> None:
    """The list of participants by organisation; only consenting people are named.

    At the end of the minutes: the members who did not come read the content first. In
    the public version everyone present is listed under their pseudonym.
    """
    if att.present == 0:
        return
    annex = doc.heading(t("Annexe : liste des participant·es", "Annex: participants"), level)
    annex.paragraph_format.page_break_before = True
    if public:
        doc.paragraph(
            t(
                "Version publique : chaque personne présente est désignée par un pseudonyme, "
                "le même dans tout le compte-rendu ; les organisations sont nommées.",
                "Public version: each person present is given a pseudonym, the same "
                "throughout the minutes; organisations are named.",
            ),
            italic=True,
        )
    else:
        doc.paragraph(
            t(
                "Seules les personnes qui l'ont accepté sont nommées ; les autres sont "
                "comptées avec leur organisation.",
                "Only people who agreed to it are named; the others are counted with their "
                "organisation.",
            ),
            italic=True,
        )
    rows = []
    for org in att.organisations:
        names = ", ".join(org.named)
        if org.named and org.unnamed:
            others = w.plural(
                org.unnamed, t("autre personne", "other"), t("autres personnes", "others")
            )
            names = t(f"{names} et {others}", f"{names} and {others}")
        rows.append([org.organisation, str(org.count), names or "—"])
    doc.table(
        [
            t("Organisation", "Organisation"),
            t("Présents", "Present"),
            t("Participant·es (pseudonymes)", "Participants (pseudonyms)")
            if public
            else t("Participant·es nommé·es", "Named participants"),
        ],
        rows,
        [7.0, 2.2, 7.8],
        bold_first_column=True,
    )


def background(doc: Writer, texts: Sequence[str], level: int) -> None:
    """« Comprenons-nous bien… »: the shared framing text(s)."""
    texts = [x for x in texts if x.strip()]
    if not texts:
        return
    doc.heading(h_background(), level)
    seen: set[str] = set()
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        doc.block(text)


def _numbered(doc: Writer, n: int, text: str, colour: str | None, style: object) -> None:
    doc.rich([(f"{n} – ", {"bold": True, "colour": colour}), (text, {})], style)


def points(doc: Writer, items: Sequence[PointItem], level: int) -> None:
    """Consensus and dissent, each under its own heading, with its own colour bar."""
    doc.heading(h_points(), level)
    if not items:
        doc.note(t("Aucun point saillant n'a été noté.", "No salient point was recorded."))
        return
    groups = (
        (
            e.PointKind.CONSENSUS,
            t("Ce qui fait consensus", "Where we agree"),
            tpl.CONSENSUS_STYLE,
            tpl.GREEN,
        ),
        (
            e.PointKind.DISSENT,
            t("Ce qui fait débat (dissensus)", "Where we disagree (dissent)"),
            tpl.DISSENT_STYLE,
            tpl.ORANGE,
        ),
    )
    for kind, title, style_name, colour in groups:
        chosen = [p for p in items if p.kind is kind]
        if not chosen:
            continue
        doc.heading(title, level + 1)
        style = doc.style(style_name)
        for n, p in enumerate(chosen, start=1):
            _numbered(doc, n, p.text, colour, style)


def open_questions(doc: Writer, items: Sequence[str], level: int) -> None:
    """« Les éléments à éclaircir, approfondir ou aborder… »."""
    doc.heading(h_open(), level)
    if not items:
        doc.note(t("Aucune question ouverte n'a été notée.", "No open question was recorded."))
        return
    for n, text in enumerate(items, start=1):
        _numbered(doc, n, text, tpl.GREY, None)


def _pivotable(ind: IndicatorItem) -> bool:
    objs = ind.objectives
    return (
        bool(ind.breakdown)
        and len(objs) >= 2
        and all(o.kind is e.ObjectiveKind.CHANGE and o.breakdown_key for o in objs)
    )


def pivot(ind: IndicatorItem, lang: str) -> tuple[list[str], list[list[str]]]:
    """One row per breakdown key and one column per plan: « NOx | −69 % | −69 % ».

    A key no plan sets a figure for reads « NC », as in the Alliance's report.
    """
    columns: list[tuple[str | None, int | None, int | None]] = []
    cells: dict[tuple[str, tuple[str | None, int | None, int | None]], ObjectiveItem] = {}
    for o in ind.objectives:
        col = (o.source, o.horizon_year, o.baseline_year)
        if col not in columns:
            columns.append(col)
        cells[(o.breakdown_key or "", col)] = o
    keys = list(ind.breakdown) + sorted(
        {o.breakdown_key or "" for o in ind.objectives} - set(ind.breakdown)
    )
    header = [(ind.breakdown_label or "").capitalize() or t("Détail", "Item")]
    header += [w.column_heading(*c) for c in columns]
    rows = []
    for key in keys:
        row = [key]
        for col in columns:
            found = cells.get((key, col))
            row.append(
                percent(found.change_percent, lang)
                if found is not None and found.change_percent is not None
                else "NC"
            )
        rows.append(row)
    return header, rows


def objectives(
    doc: Writer,
    indicators: Sequence[IndicatorItem],
    level: int,
    *,
    heading: str | None = None,
    empty: str | None = None,
) -> None:
    """The objectives and indicators: one table, plus a plan-by-plan table where useful.

    ``heading=""`` leaves the heading out (the caller wrote its own).
    """
    if heading != "":
        doc.heading(heading or h_objectives(), level)
    if not indicators:
        doc.note(
            empty
            or t(
                "Aucun objectif ni indicateur n'a été arrêté lors de cette séance.",
                "No objective or indicator was agreed at this session.",
            )
        )
        return
    flat = [ind for ind in indicators if not _pivotable(ind)]
    if flat:
        rows = []
        for ind in flat:
            if not ind.objectives:
                rows.append(
                    [
                        w.indicator_summary(ind),
                        t("pas encore d'objectif", "no objective yet"),
                        "—",
                        ind.source or "—",
                    ]
                )
            for o in ind.objectives:
                text = o.wording or w.objective_value(o, doc.lang)
                if not o.validated:
                    text += t(" (à valider)", " (to be validated)")
                rows.append(
                    [_indicator_cell(ind, o), text, w.objective_horizon(o), o.source or "—"]
                )
        _objective_table(doc, rows)
    for ind in indicators:
        if not _pivotable(ind):
            continue
        if flat:
            doc.paragraph("")
        doc.rich(
            [
                (
                    t("Indicateur", "Indicator") + (NBSP + ": " if doc.lang == "fr" else ": "),
                    {"bold": True},
                ),
                (w.indicator_summary(ind), {}),
            ]
        )
        header, rows = pivot(ind, doc.lang)
        doc.table(
            header,
            rows,
            [4.0] + [13.0 / (len(header) - 1)] * (len(header) - 1),
            bold_first_column=True,
        )
        sources = sorted({o.source for o in ind.objectives if o.source})
        remark = t("NC : pas d'objectif chiffré.", "NC: no figure set.")
        if ind.source or sources:
            remark = t(
                f"(Sources : {ind.source or ', '.join(sources)}) — {remark}",
                f"(Sources: {ind.source or ', '.join(sources)}) — {remark}",
            )
        doc.caption(remark)


def _objective_table(doc: Writer, rows: list[list[str]]) -> None:
    header = [
        t("Indicateur", "Indicator"),
        t("Objectif", "Objective"),
        t("Horizon / référence", "Horizon / baseline"),
        t("Source", "Source"),
    ]
    widths = [6.0, 5.0, 2.8, 3.2]
    # A column that says the same on every row says it once, under the table, as the
    # Alliance's report does (« Source : UICN, Observatoires locaux »).
    sources = {r[3] for r in rows}
    shared_source = sources.pop() if len(sources) == 1 else None
    no_horizon = all(r[2] == "—" for r in rows)
    keep = [0, 1] + ([] if no_horizon else [2]) + ([] if shared_source else [3])
    spare = sum(widths) - sum(widths[i] for i in keep)
    widths = [widths[i] + (spare / 2 if i in (0, 1) else 0) for i in keep]
    doc.table([header[i] for i in keep], [[r[i] for i in keep] for r in rows], widths)
    if shared_source and shared_source != "—":
        doc.caption(t(f"(Source : {shared_source})", f"(Source: {shared_source})"))


def _indicator_cell(ind: IndicatorItem, o: ObjectiveItem) -> str:
    name = w.indicator_summary(ind)
    return f"{name} {w.DASH} {o.breakdown_key}" if o.breakdown_key else name


def levers(doc: Writer, items: Sequence[LeverItem], level: int, *, always: bool = False) -> None:
    """« Leviers d'action », grouped under their headings."""
    if not items and not always:
        return
    doc.heading(h_levers(), level)
    if not items:
        doc.note(t("Aucun levier d'action n'a été noté.", "No action lever was recorded."))
        return
    current: str | None = None
    for lever in items:
        if lever.heading and lever.heading != current:
            current = lever.heading
            doc.paragraph(lever.heading, bold=True, colour=tpl.GREEN)
        doc.bullet(lever.text)


def notes(doc: Writer, items: Sequence[NoteItem], level: int) -> None:
    """The active-listening notes, always without their authors."""
    if not items:
        return
    doc.heading(t("Grilles d'écoute active", "Active-listening grids"), level)
    doc.paragraph(
        t(
            "Quelques réflexions individuelles issues des grilles d'écoute active utilisées "
            "pendant la séance. Ces grilles permettent aux participants de noter leurs "
            "interrogations, ou encore leurs besoins d'approfondissement sur les sujets "
            "discutés en groupe.",
            "Individual thoughts from the active-listening grids used during the session, "
            "where participants write down their questions or what they would like to "
            "explore further.",
        ),
        italic=True,
    )
    quote = doc.style("Quote")
    for note in items:
        if quote is None:
            doc.paragraph(note.text, italic=True)
        else:
            doc.paragraph(note.text, quote)
        if note.answer:
            doc.labelled(t("Réponse", "Answer"), note.answer)
        if note.follow_up is e.FollowUp.CARRIED_OVER:
            where = (
                t(
                    f" (séance {w.session_ref(note.carried_to, doc.lang)})",
                    f" (session {w.session_ref(note.carried_to, doc.lang)})",
                )
                if note.carried_to is not None
                else ""
            )
            doc.note(
                t(
                    f"Reportée à une prochaine séance{where}.",
                    f"Carried over to a later session{where}.",
                )
            )


def harvest(doc: Writer, blocks: Sequence[HarvestBlock], level: int) -> None:
    """The harvest tables, three columns each, as at the Rencontres."""
    if not blocks:
        return
    doc.heading(t("Éléments issus des fresques de récolte", "From the harvest boards"), level)
    header = [label(c) for c in e.HarvestColumn]
    for block in blocks:
        title = t("Atelier", "Workshop")
        if block.theme is not None:
            title += f" {w.DASH} {label(block.theme)}"
        if block.facilitated_by:
            title += t(
                f" {w.DASH} Co-animation : {block.facilitated_by}",
                f" {w.DASH} Co-facilitation: {block.facilitated_by}",
            )
        doc.heading(title, level + 1)
        columns = [block.what_is_missing, block.who_is_missing, block.partner_actions]
        untreated = t("Non traité", "Not covered")
        # One row, one paragraph per item: items side by side are not related, so they
        # must not look like rows of a table.
        cells = ["\n\n".join(f"– {item}" for item in c) if c else untreated for c in columns]
        doc.table(header, [cells], [5.7, 5.0, 6.3], keep_rows=False)


def photos(doc: Writer, items: Sequence[Photo], level: int, *, max_height_cm: float = 18.0) -> None:
    """The graphic-facilitation boards, each with its caption."""
    if not items:
        return
    doc.heading(t("Facilitation graphique", "Graphic facilitation"), level)
    for n, photo in enumerate(items, start=1):
        caption = photo.caption or t(
            f"Facilitation graphique, planche {n}", f"Graphic facilitation, board {n}"
        )
        doc.picture(photo.data, caption, photo.filename, max_height_cm=max_height_cm)


def next_session_line(doc: Writer, nxt: SessionInfo | None) -> None:
    """« Prochaine séance : n° 6 du 19 juin 2024 – … »."""
    if nxt is None:
        doc.labelled(
            t("Prochaine séance", "Next session"), t("pas encore programmée.", "not scheduled yet.")
        )
        return
    text = f"{w.when(nxt, doc.lang)} {w.DASH} {nxt.title}"
    if nxt.number is not None:
        text = f"n°{NBSP}{nxt.number}, " + text
    if nxt.location:
        text += f" ({nxt.location})"
    doc.labelled(t("Prochaine séance", "Next session"), text)


def carried_over(doc: Writer, minutes: Minutes, level: int) -> None:
    """What the next session takes up: open questions and carried-over notes."""
    doc.heading(t("À reprendre lors de la prochaine séance", "For the next session"), level)
    items = list(minutes.open_questions)
    carried = minutes.carried_over
    if not items and not carried:
        doc.note(t("Rien n'a été reporté.", "Nothing was carried over."))
    for text in items:
        doc.bullet(text)
    for note in carried:
        doc.bullet(t(f"(grille d'écoute) {note.text}", f"(listening grid) {note.text}"))
    next_session_line(doc, minutes.next_session)


def stamp(doc: Writer, what: str) -> None:
    """The closing line saying when and how the document was made."""
    import datetime as dt

    today = long_date(dt.date.today(), doc.lang)
    doc.note(
        t(
            f"{what} établi le {today} à partir des notes de séance.",
            f"{what} produced on {today} from the session records.",
        )
    )


def h_notice() -> str:
    """« Information sur vos données personnelles »."""
    return t("Information sur vos données personnelles", "Information about your personal data")


def _without_title(text: str, title: str) -> str:
    # The notice is often written as a block opening with its own title (the default
    # wording does): under a heading saying the same, that first sentence goes.
    body = text.strip()
    if body[: len(title)].casefold() != title.casefold():
        return body
    rest = body[len(title) :].lstrip(" \u00a0.:\n\t")
    return rest or body


def notice(doc: Writer, text: str | None, level: int) -> None:
    """The information notice for participants, when the minutes are to carry it."""
    if text is None or not text.strip():
        return
    title = h_notice()
    doc.heading(title, level)
    doc.block(_without_title(text, title))
