"""The keys of the application, listed once, and the F1 overlay that shows them."""

from __future__ import annotations

import html
from typing import Final

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from alliance_desktop.core.i18n import t

# (section, keys, what they do), each in French and English. The overlay reads this
# table; the tests check that every key here does what it says.
_TABLE: Final = (
    (
        ("Partout", "Everywhere"),
        (
            (("Ctrl+N", "Ctrl+N"), ("Nouvelle séance", "New session")),
            (("Ctrl+E", "Ctrl+E"), ("Mode atelier / consultation", "Workshop / reading mode")),
            (("Ctrl+F", "Ctrl+F"), ("Rechercher dans toutes les séances", "Search every session")),
            (
                ("Échap", "Escape"),
                (
                    "Referme la recherche\u00a0: retour à la liste des séances",
                    "Closes the search: back to the list of sessions",
                ),
            ),
            (("Ctrl+Z · Ctrl+Y", "Ctrl+Z · Ctrl+Y"), ("Annuler · rétablir", "Undo · redo")),
            (("F5", "F5"), ("Projection du tableau (second écran)", "Board projection")),
            (
                ("Ctrl+Maj+D · Ctrl+Maj+L", "Ctrl+Shift+D · Ctrl+Shift+L"),
                (
                    "Démarrer · clore la séance (mode atelier, clore demande confirmation)",
                    "Start · close the session (workshop mode; closing asks first)",
                ),
            ),
            (
                ("Alt+1 … Alt+7", "Alt+1 … Alt+7"),
                (
                    "Onglets de la séance (ouvre le mode atelier au besoin)",
                    "Session tabs (opens workshop mode if needed)",
                ),
            ),
            (
                ("Alt+↑ · Alt+↓", "Alt+↑ · Alt+↓"),
                ("Séance plus récente · plus ancienne", "Newer · older session"),
            ),
            (("Ctrl+R", "Ctrl+R"), ("Actualiser la liste", "Refresh the list")),
            (("F1", "F1"), ("Cette aide (Échap la ferme)", "This help (Escape closes it)")),
        ),
    ),
    (
        ("Tableau", "Board"),
        (
            (
                ("C · D · Q", "C · D · Q"),
                (
                    "Nouveau point : consensus · dissensus · à éclaircir (hors saisie)",
                    "New point: consensus · dissent · to clarify (outside a text field)",
                ),
            ),
            (
                ("Ctrl+1 · Ctrl+2 · Ctrl+3", "Ctrl+1 · Ctrl+2 · Ctrl+3"),
                ("Les mêmes, depuis n'importe où", "The same, from anywhere"),
            ),
            (("Entrée", "Enter"), ("Enregistre le point", "Saves the point")),
            (("Entrée · F2", "Enter · F2"), ("Modifie le point choisi", "Edits the chosen point")),
            (
                ("Alt+← · Alt+→", "Alt+← · Alt+→"),
                ("Change le point de colonne", "Moves the point to another column"),
            ),
            (
                ("Alt+↑ · Alt+↓", "Alt+↑ · Alt+↓"),
                ("Monte · descend le point", "Moves it up · down"),
            ),
            (("Suppr", "Delete"), ("Supprime le point", "Deletes the point")),
            (("Échap", "Escape"), ("Quitte la ligne de saisie", "Leaves the typing line")),
        ),
    ),
    (
        ("Présences", "Attendance"),
        (
            (
                ("Taper", "Type"),
                ("Filtre par nom ou organisation", "Filters by name or organisation"),
            ),
            (
                ("Entrée", "Enter"),
                (
                    "Pointe la première ligne, ou ouvre la fiche d'un nouveau participant",
                    "Checks in the first line, or opens a newcomer's form",
                ),
            ),
            (("Espace", "Space"), ("Pointe · dépointe", "Checks in · out")),
            (
                ("E · A · I", "E · A · I"),
                ("Excusé·e · absent·e · invité·e", "Excused · absent · invited"),
            ),
            (("Alt+N", "Alt+N"), ("Nouveau participant", "New participant")),
        ),
    ),
    (
        ("Écoute active", "Listening notes"),
        (
            (("Ctrl+4", "Ctrl+4"), ("Nouvelle note", "New note")),
            (("Entrée", "Enter"), ("Enregistre la note", "Saves the note")),
            (
                ("O · R · P", "O · R · P"),
                (
                    "Ouverte · répondue · reportée à la séance suivante",
                    "Open · answered · carried to the next session",
                ),
            ),
        ),
    ),
    (
        ("Listes", "Lists"),
        (
            (("↓", "↓"), ("De la ligne de saisie à la liste", "From the typing line to the list")),
            (("F2", "F2"), ("Modifie la cellule", "Edits the cell")),
            (("Suppr", "Delete"), ("Supprime la ligne choisie", "Deletes the chosen line")),
        ),
    ),
    (
        ("Photos", "Photos"),
        ((("Alt+J", "Alt+P"), ("Ajouter des photos", "Add photos")),),
    ),
    (
        ("Projection", "Projection"),
        ((("Échap · F5", "Escape · F5"), ("Ferme la projection", "Closes the projection")),),
    ),
    (
        ("Menus", "Menus"),
        (
            (("Ctrl+Maj+E", "Ctrl+Shift+E"), ("Compte-rendu de la séance", "Session minutes")),
            (("Ctrl+I", "Ctrl+I"), ("Tableau de bord des indicateurs", "Indicators dashboard")),
            (("Ctrl+Maj+S", "Ctrl+Shift+S"), ("Synchroniser (dossier partagé)", "Synchronise")),
        ),
    ),
)


def shortcut_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of the help, each with its (keys, action) lines, in the interface language."""
    return [
        (t(*section), [(t(*keys), t(*action)) for keys, action in lines])
        for section, lines in _TABLE
    ]


def _column_html(sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    # One table for all the sections of a column, so that their keys and what the keys do
    # start at the same place from one section to the next.
    rows = []
    for n, (section, lines) in enumerate(sections):
        top = 0 if n == 0 else 12
        rows.append(
            f"<tr><td colspan='2' style='padding: {top}px 0 4px 0; font-size: large'>"
            f"<b>{html.escape(section)}</b></td></tr>"
        )
        rows.extend(
            "<tr><td style='padding: 2px 14px 2px 0' nowrap><b>"
            f"{html.escape(keys)}</b></td><td style='padding: 2px 0'>{html.escape(action)}</td></tr>"
            for keys, action in lines
        )
    return f"<table cellspacing='0' cellpadding='0'>{''.join(rows)}</table>"


def shortcuts_html() -> str:
    """The help as rich text: the sections in two columns, balanced by their lines."""
    sections = shortcut_sections()
    # Sections keep their order; the first column stops where the longer column is shortest.
    sizes = [len(lines) + 2 for _name, lines in sections]
    total = sum(sizes)
    split = min(range(1, len(sections)), key=lambda k: max(sum(sizes[:k]), total - sum(sizes[:k])))
    left, right = sections[:split], sections[split:]
    return (
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td valign='top' width='50%'>{_column_html(left)}</td>"
        "<td width='28'></td>"
        f"<td valign='top' width='50%'>{_column_html(right)}</td>"
        "</tr></table>"
    )


class ShortcutOverlay(QWidget):
    """The list of every key, over the window; F1, Escape or a click closes it."""

    def __init__(self, parent: QWidget) -> None:
        """A hidden overlay that follows ``parent``'s size."""
        super().__init__(parent)
        self.setObjectName("shortcutOverlay")
        self.setAccessibleName(t("Raccourcis clavier", "Keyboard shortcuts"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        panel = QFrame(self)
        panel.setObjectName("shortcutPanel")
        panel.setStyleSheet(
            "QFrame#shortcutPanel { background: #ffffff; border-radius: 10px; }"
            "QFrame#shortcutPanel QLabel { color: #1c1c1c; background: transparent; }"
        )
        title = QLabel(t("Raccourcis clavier", "Keyboard shortcuts"), panel)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.text = QLabel(panel)
        self.text.setObjectName("shortcutText")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setText(shortcuts_html())
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The scroll area then sizes the text by its height at the width it has, not by
        # its minimum size (that of a narrow column), which scrolled for nothing.
        policy = self.text.sizePolicy()
        policy.setHeightForWidth(True)
        self.text.setSizePolicy(policy)
        self.text.setMinimumHeight(1)
        scroll = QScrollArea(panel)
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The page's white on the viewport only: a rule reaching every grandchild of the
        # scroll area also drew its scroll bar, as a bare bracket.
        scroll.setStyleSheet(
            "QScrollArea { background: #ffffff; }"
            "QWidget#qt_scrollarea_viewport { background: #ffffff; }"
        )
        hint = QLabel(t("F1 ou Échap pour fermer", "F1 or Escape to close"), panel)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(24, 18, 24, 14)
        inner.addWidget(title)
        inner.addWidget(scroll, 1)
        inner.addWidget(hint, 0, Qt.AlignmentFlag.AlignRight)
        self._panel = panel
        self._title = title
        self._hint = hint
        self.scroll_area = scroll
        self._previous: QWidget | None = None
        self.hide()
        parent.installEventFilter(self)

    def toggle(self) -> None:
        """Show the overlay, or hide it if shown."""
        if self.isVisible():
            self.close_overlay()
            return
        self._previous = self.window().focusWidget()
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        """Hide the overlay and give the keyboard back where it was."""
        self.hide()
        if self._previous is not None and self._previous.isVisible():
            self._previous.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit(self) -> None:
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        # Wide enough for the two columns of keys side by side on a 1280-pixel screen.
        width = min(max(self.width() - 80, 300), 1200)
        # As tall as the keys need, no taller than the window: no band of white below them.
        inner = self._panel.layout()
        assert inner is not None
        margins = inner.contentsMargins()
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()  # measured as if shown
        needed = (
            margins.top()
            + margins.bottom()
            + self._title.sizeHint().height()
            + self.text.heightForWidth(width - margins.left() - margins.right() - bar)
            + self._hint.sizeHint().height()
            + 2 * inner.spacing()
            + 16
        )
        height = min(max(self.height() - 60, 200), 900, needed)
        self._panel.setGeometry(
            (self.width() - width) // 2, (self.height() - height) // 2, width, height
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the window's size."""
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit()
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Dim the window behind the panel."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 140))
        painter.end()
        super().paintEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape or F1 closes."""
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.close_overlay()
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click outside the panel closes."""
        if not self._panel.geometry().contains(event.position().toPoint()):
            self.close_overlay()
        event.accept()
