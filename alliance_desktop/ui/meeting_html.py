"""The read-only page of one session, as HTML for a QTextBrowser (every user text escaped)."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import clock, long_date
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import counted, enumeration, label, short_theme
from alliance_desktop.services.meetings import MeetingDetail, MeetingSummary

# QTextDocument understands a subset of CSS 2.1: element and class selectors, colours,
# margins, font sizes. The board's cells set their own text colour as well as their
# background so that they stay readable under a dark system palette. This module has no
# Qt in it, so that start-up can import it before PySide6 (see app.py).
STYLE_SHEET: Final = """
h1 { font-size: x-large; margin-top: 0px; margin-bottom: 4px; }
h2 { font-size: large; margin-top: 18px; margin-bottom: 6px; color: #2e7d4f; }
h3 { font-size: medium; margin-top: 10px; margin-bottom: 4px; }
p.meta { margin-top: 0px; margin-bottom: 2px; }
p.empty { font-style: italic; }
p.colhead { font-weight: bold; margin-top: 0px; margin-bottom: 4px; }
ol, ul { margin-top: 0px; margin-bottom: 0px; }
li { margin-bottom: 4px; }
td.consensus { background-color: #e4f2e8; color: #173823; }
td.dissent { background-color: #fbe9e2; color: #4a1d0e; }
td.question { background-color: #e6eef9; color: #132d50; }
td.harvest { background-color: #f3f1ea; color: #2b2a24; }
p.consensus { color: #1e6b34; }
p.dissent { color: #a33a14; }
p.question { color: #1d4f91; }
"""

# (kind, CSS class, French heading, English heading) of the three kinds of point.
_KINDS: Final = (
    (e.PointKind.CONSENSUS, "consensus", "Consensus", "Consensus"),
    (e.PointKind.DISSENT, "dissent", "Dissensus", "Dissent"),
    (e.PointKind.OPEN_QUESTION, "question", "À éclaircir", "To clarify"),
)


def meeting_name(m: MeetingSummary) -> str:
    """What a session is called in a list: its theme's short name, or its kind."""
    if m.theme is not None:
        return short_theme(m.theme)
    if m.kind != e.SessionKind.WORKSHOP:
        return label(m.kind)
    return m.title or label(m.kind)


def esc(text: str) -> str:
    """User text made safe for HTML, line breaks kept."""
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br/>")


def _colon() -> str:
    # French sets a (non-breaking) space before the colon; English does not.
    return t("\u00a0: ", ": ")


def _list(items: Iterable[str], tag: str = "ul") -> str:
    body = "".join(f"<li>{esc(i)}</li>" for i in items)
    return f"<{tag}>{body}</{tag}>" if body else ""


def _heading(d: MeetingDetail) -> str:
    s = d.summary
    title = s.title or meeting_name(s)
    meta = [long_date(s.date)]
    if s.kind != e.SessionKind.WORKSHOP:
        meta.append(label(s.kind))
    if s.theme is not None:
        meta.append(label(s.theme))
    if s.stage is not None:
        meta.append(label(s.stage))
    if s.status != e.SessionStatus.CLOSED:
        # Only what still calls for attention: a closed session is the ordinary case.
        meta.append(label(s.status))
    where = []
    if d.start_time is not None and d.planned_end is not None:
        where.append(f"{clock(d.start_time)}–{clock(d.planned_end)}")
    elif d.start_time is not None:
        where.append(t(f"à partir de {clock(d.start_time)}", f"from {clock(d.start_time)}"))
    if d.location:
        where.append(d.location)
    out = [f"<h1>{esc(title)}</h1>", f'<p class="meta">{esc(" · ".join(meta))}</p>']
    if where:
        out.append(f'<p class="meta">{esc(" · ".join(where))}</p>')
    return "".join(out)


def _contributors(d: MeetingDetail) -> str:
    by_role: dict[e.ContributorRole, list[str]] = {}
    for role, name in d.contributors:
        if name:
            by_role.setdefault(role, []).append(name)
    return "".join(
        f'<p class="meta"><b>{esc(label(role))}</b>{_colon()}{esc(enumeration(names))}</p>'
        for role, names in by_role.items()
    )


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    # Largest first, then by name, so that the same data always reads the same way.
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def _count_table(counter: Counter[str], columns: int = 3) -> str:
    """Names and counts in columns, read downwards (the Rencontres gather 20 organisations)."""
    items = _ranked(counter)
    rows = -(-len(items) // columns)
    lines = []
    for r in range(rows):
        cells = []
        for c in range(columns):
            i = c * rows + r
            name, n = items[i] if i < len(items) else ("", None)
            cells.append(
                f'<td width="{88 // columns}%">{esc(name)}</td>'
                f'<td width="{12 // columns}%" align="right">{"" if n is None else n}</td>'
                + ('<td width="2%"></td>' if c < columns - 1 else "")
            )
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return '<table class="counts" cellspacing="0" cellpadding="1">' + "".join(lines) + "</table>"


def _attendance(d: MeetingDetail) -> str:
    out = [f"<h2>{t('Présences', 'Attendance')}</h2>"]
    total = d.summary.present
    if total == 0:
        out.append(
            f'<p class="empty">{t("Aucune présence enregistrée.", "No attendance recorded.")}</p>'
        )
        return "".join(out)
    # « 18 membres · 1 intervenant·e »: the largest first, ties in the attendance tab's order.
    order = list(e.Role)
    roles = sorted(d.attendance_by_role.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    by_role = " · ".join(counted(role, n) for role, n in roles if n)
    orgs = Counter(
        {
            (name if name != "—" else t("sans organisation", "no organisation")): n
            for name, n in d.attendance_by_org.items()
        }
    )
    present = esc(counted(e.AttendanceStatus.PRESENT, total))
    out.append(f'<p class="meta"><b>{present}</b> — {esc(by_role)}</p>')
    out.append(f"<h3>{t('Par organisation', 'By organisation')}</h3>{_count_table(orgs)}")
    return "".join(out)


def _background(d: MeetingDetail) -> str:
    if not d.background or not d.background.strip():
        return ""
    paragraphs = [p.strip() for p in d.background.replace("\r\n", "\n").split("\n\n")]
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs if p)
    return f"<h2>{t('Comprenons-nous bien…', 'Common ground…')}</h2>{body}"


def _block(css: str, title: str, texts: list[str]) -> str:
    # One full-width coloured block per kind: the points are often whole paragraphs,
    # which side-by-side columns would squeeze into a narrow ribbon.
    return (
        '<table width="100%" cellspacing="0" cellpadding="10" style="margin-bottom: 8px">'
        f'<tr><td class="{css}"><p class="colhead {css}">{title} ({len(texts)})</p>'
        f"{_list(texts, 'ol')}</td></tr></table>"
    )


def _board(d: MeetingDetail) -> str:
    """Consensus and dissent as the salient points, then the open questions, as in the minutes."""
    by_kind = {kind: [p.text for p in d.points if p.kind == kind] for kind, *_ in _KINDS}
    blocks = {
        kind: _block(css, t(fr, en), by_kind[kind]) if by_kind[kind] else ""
        for kind, css, fr, en in _KINDS
    }
    salient = t("Les points saillants de nos échanges", "Salient points of our exchange")
    if not d.points:
        if d.summary.kind != e.SessionKind.WORKSHOP:
            return ""  # the launch and the Rencontres have no board of their own
        none = t("Aucun point noté pour cette séance.", "No point recorded for this session.")
        return f'<h2>{salient}</h2><p class="empty">{none}</p>'
    out = []
    if blocks[e.PointKind.CONSENSUS] or blocks[e.PointKind.DISSENT]:
        out.append(f"<h2>{salient}</h2>")
        out.append(blocks[e.PointKind.CONSENSUS] + blocks[e.PointKind.DISSENT])
    if blocks[e.PointKind.OPEN_QUESTION]:
        questions = t(
            "Les éléments à éclaircir, approfondir ou aborder",
            "Points to clarify, deepen or take up",
        )
        out.append(f"<h2>{questions}</h2>{blocks[e.PointKind.OPEN_QUESTION]}")
    return "".join(out)


def _objectives(d: MeetingDetail) -> str:
    if not d.objectives:
        return ""
    items = "".join(
        f"<li><b>{esc(name)}</b>{_colon() + esc(wording) if wording else ''}</li>"
        for name, wording in d.objectives
    )
    return f"<h2>{t('Objectifs & indicateurs choisis', 'Objectives & indicators agreed')}</h2>" + (
        f"<ul>{items}</ul>"
    )


def _levers(d: MeetingDetail) -> str:
    if not d.levers:
        return ""
    out = [f"<h2>{t('Leviers d’action', 'Action levers')}</h2>"]
    # Levers come ordered; consecutive ones under the same heading form one group.
    groups: list[tuple[str | None, list[str]]] = []
    for heading, text in d.levers:
        if groups and groups[-1][0] == heading:
            groups[-1][1].append(text)
        else:
            groups.append((heading, [text]))
    for heading, texts in groups:
        if heading:
            out.append(f"<h3>{esc(heading)}</h3>")
        out.append(_list(texts))
    return "".join(out)


def _notes(d: MeetingDetail) -> str:
    if not d.notes:
        return ""
    title = t("Grille d’écoute active", "Active-listening grid")
    return f"<h2>{title} ({len(d.notes)})</h2>{_list(d.notes)}"


def _harvest(d: MeetingDetail) -> str:
    if not d.harvest:
        return ""
    themes: list[e.Theme | None] = []
    for theme, _col, _text in d.harvest:
        if theme not in themes:
            themes.append(theme)
    columns: Sequence[e.HarvestColumn] = tuple(e.HarvestColumn)
    out = [f"<h2>{t('Fresques de récolte', 'Harvest tables')}</h2>"]
    for theme in themes:
        name = short_theme(theme) if theme is not None else t("Toutes thématiques", "All themes")
        out.append(f"<h3>{esc(name)}</h3>")
        cells = []
        for col in columns:
            texts = [text for th, c, text in d.harvest if th == theme and c == col]
            cells.append(
                f'<td width="33%" class="harvest"><p class="colhead">{esc(label(col))}</p>'
                f"{_list(texts) or '<p>—</p>'}</td>"
            )
        out.append(
            '<table width="100%" cellspacing="6" cellpadding="6"><tr>'
            + "".join(cells)
            + "</tr></table>"
        )
    return "".join(out)


def meeting_html(d: MeetingDetail) -> str:
    """The whole page of one session."""
    return "".join(
        (
            _heading(d),
            _contributors(d),
            _attendance(d),
            _background(d),
            _board(d),
            _objectives(d),
            _levers(d),
            _notes(d),
            _harvest(d),
        )
    )


def message_html(text: str) -> str:
    """A page holding only a short message (no session selected, session gone)."""
    return f'<p class="empty">{esc(text)}</p>'
