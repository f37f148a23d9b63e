"""The minutes (compte-rendu) of a session and its one-page summary, as Word documents."""

from __future__ import annotations

import uuid
from pathlib import Path

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label
from alliance_desktop.exports import sections
from alliance_desktop.exports import template as tpl
from alliance_desktop.exports import wording as w
from alliance_desktop.exports.docxwriter import Writer
from alliance_desktop.exports.model import Minutes
from alliance_desktop.exports.queries import build_minutes
from alliance_desktop.exports.text import shorten
from alliance_desktop.storage.database import Database

# The summary must hold on one page: beyond these, it points to the minutes.
SUMMARY_POINTS = 4
SUMMARY_TEXT = 230


def _facts(minutes: Minutes, lang: str) -> list[list[str]]:
    s = minutes.session
    rows = [[t("Date", "Date"), w.when(s, lang)]]
    if s.theme is not None:
        rows.append([t("Thématique", "Theme"), label(s.theme)])
    if s.stage is not None:
        rows.append([t("Étape", "Stage"), label(s.stage)])
    if s.location:
        rows.append([t("Lieu", "Place"), s.location])
    for title, names in (
        (t("Intervenant·es", "Speakers"), minutes.speakers),
        (t("Co-animation", "Co-facilitation"), minutes.co_facilitators),
        (t("Facilitation graphique", "Graphic facilitation"), minutes.graphic_facilitators),
    ):
        if names:
            rows.append([title, "\n".join(names)])
    return rows


def render_minutes(minutes: Minutes, template: Path | None = None) -> Writer:
    """The minutes as a document, in the structure of the Alliance's own report.

    The public version (``minutes.public``) says so under its title and in its annex;
    its people and texts were pseudonymised when the minutes were read.
    """
    lang = language()
    doc = Writer(template, lang)
    s = minutes.session
    subtitle = t(
        f"Compte-rendu de la séance {w.session_ref(s, lang)}",
        f"Minutes of session {w.session_ref(s, lang)}",
    )
    if minutes.public:
        subtitle += t(f" {w.DASH} version publique", f" {w.DASH} public version")
    doc.properties(s.title, subtitle)
    doc.heading(s.title, 0)
    doc.paragraph(subtitle, doc.style("Subtitle"))
    if minutes.public:
        doc.note(
            t(
                "Version publique : les personnes y sont désignées par un pseudonyme "
                "(« Participant·e 1 »…), le même dans tout le document ; les noms et adresses "
                "électroniques écrits dans les textes ont été remplacés de la même façon. "
                "Les organisations sont nommées.",
                "Public version: people are given a pseudonym (“Participant 1”…), the same "
                "throughout the document; names and e-mail addresses written in the texts "
                "were replaced in the same way. Organisations are named.",
            )
        )
    doc.table(None, _facts(minutes, lang), [4.5, 12.5], bold_first_column=True)

    sections.attendance(doc, minutes.attendance, 1)
    sections.background(doc, [minutes.background], 1)
    if minutes.points or s.kind is e.SessionKind.WORKSHOP:
        sections.points(doc, minutes.points, 1)
    if minutes.open_questions or s.kind is e.SessionKind.WORKSHOP:
        sections.open_questions(doc, minutes.open_questions, 1)
    if minutes.indicators or s.kind is e.SessionKind.WORKSHOP:
        sections.objectives(doc, minutes.indicators, 1)
    sections.levers(doc, minutes.levers, 1, always=s.stage is e.Stage.LEVERS)
    sections.notes(doc, minutes.notes, 1)
    sections.harvest(doc, minutes.harvest, 1)
    sections.photos(doc, minutes.photos, 1)
    sections.carried_over(doc, minutes, 1)
    sections.stamp(
        doc,
        t("Compte-rendu public", "Public minutes")
        if minutes.public
        else t("Compte-rendu", "Minutes"),
    )
    sections.attendance_annex(doc, minutes.attendance, 1, public=minutes.public)
    sections.notice(doc, minutes.notice, 1)
    return doc


def render_summary(minutes: Minutes, template: Path | None = None) -> Writer:
    """A one-page summary: who came, what was agreed or disputed, what comes next."""
    lang = language()
    doc = Writer(template, lang)
    s = minutes.session
    doc.properties(
        s.title,
        t(
            f"Synthèse de la séance {w.session_ref(s, lang)}",
            f"Summary of session {w.session_ref(s, lang)}",
        ),
    )
    doc.heading(s.title, 0)
    doc.paragraph(
        t(
            f"Synthèse de la séance {w.session_ref(s, lang)}",
            f"Summary of session {w.session_ref(s, lang)}",
        ),
        doc.style("Subtitle"),
    )
    att = minutes.attendance
    people = w.plural(att.present, t("personne", "person"), t("personnes", "people"))
    orgs = w.plural(att.organisation_count, "organisation", "organisations")
    roles = ", ".join(f"{label(r)} ({n})" for r, n in att.by_role)
    who = t(f"{people}, {orgs}", f"{people}, {orgs}")
    if roles:
        who += f" {w.DASH} {roles}"
    doc.labelled(t("Présents", "Present"), who)
    if s.theme is not None:
        theme = label(s.theme)
        if s.stage is not None:
            theme += f" ({label(s.stage)})"
        doc.labelled(t("Thématique", "Theme"), theme)

    for kind, title, colour in (
        (e.PointKind.CONSENSUS, t("Points de consensus", "Consensus"), tpl.GREEN),
        (e.PointKind.DISSENT, t("Points de dissensus", "Dissent"), tpl.ORANGE),
    ):
        chosen = minutes.points_of(kind)
        doc.heading(title, 1)
        if not chosen:
            doc.note(t("Aucun.", "None."))
            continue
        for p in chosen[:SUMMARY_POINTS]:
            doc.rich([("■ ", {"colour": colour}), (shorten(p.text, SUMMARY_TEXT), {})])
        if len(chosen) > SUMMARY_POINTS:
            more = len(chosen) - SUMMARY_POINTS
            doc.note(
                t(
                    f"… et {more} autre(s) : voir le compte-rendu.",
                    f"… and {more} more: see the minutes.",
                )
            )

    doc.heading(t("Indicateurs et objectifs validés", "Indicators and objectives agreed"), 1)
    agreed = list(minutes.objectives)
    bare = [ind for ind in minutes.indicators if not ind.objectives]
    if not agreed and not bare:
        doc.note(t("Aucun lors de cette séance.", "None at this session."))
    limit = SUMMARY_POINTS + 2
    for o in agreed[:limit]:
        status = "" if o.validated else t(" (à valider)", " (to be validated)")
        doc.bullet(f"{w.indicator_name(o)} : {w.objective_sentence(o, lang)}{status}")
    if len(agreed) > limit:
        more = len(agreed) - limit
        doc.note(
            t(
                f"… et {more} autre(s) : voir le compte-rendu.",
                f"… and {more} more: see the minutes.",
            )
        )
    for ind in bare[:3]:
        doc.bullet(
            t(
                f"{w.indicator_summary(ind)} : pas encore d'objectif",
                f"{w.indicator_summary(ind)}: no objective yet",
            )
        )

    doc.heading(t("Points ouverts", "Open items"), 1)
    open_items = list(minutes.open_questions) + [n.text for n in minutes.carried_over]
    if not open_items:
        doc.note(t("Aucun.", "None."))
    for text in open_items[:SUMMARY_POINTS]:
        doc.bullet(shorten(text, SUMMARY_TEXT))
    if len(open_items) > SUMMARY_POINTS:
        more = len(open_items) - SUMMARY_POINTS
        doc.note(
            t(
                f"… et {more} autre(s) : voir le compte-rendu.",
                f"… and {more} more: see the minutes.",
            )
        )

    doc.heading(t("Prochaine séance", "Next session"), 1)
    nxt = minutes.next_session
    if nxt is None:
        doc.paragraph(t("Pas encore programmée.", "Not scheduled yet."))
    else:
        text = f"{w.when(nxt, lang)} {w.DASH} {nxt.title}"
        if nxt.location:
            text += f" ({nxt.location})"
        doc.paragraph(text, bold=True)
    return doc


def write_minutes(
    db: Database,
    meeting_id: uuid.UUID,
    path: Path,
    template: Path | None = None,
    *,
    public: bool = False,
) -> Path:
    """Read a session and write its minutes to ``path``.

    Args:
        db: the database to read.
        meeting_id: the session.
        path: the .docx file to write, whole or not at all.
        template: a user's Word template; the shipped one if None.
        public: write the public version, with people pseudonymised (see
            ``queries.build_minutes``).
    """
    minutes = build_minutes(db, meeting_id, public=public)
    return render_minutes(minutes, template).save(path)


def write_summary(
    db: Database, meeting_id: uuid.UUID, path: Path, template: Path | None = None
) -> Path:
    """Read a session and write its one-page summary to ``path``."""
    minutes = build_minutes(db, meeting_id, with_photos=False)
    return render_summary(minutes, template).save(path)
