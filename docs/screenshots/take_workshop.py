"""Screenshots of the workshop screens, taken under Xvfb with ImageMagick's ``import``.

Plays a workshop on a fresh demo database as a facilitator would (plan, check-in, board,
projection, notes, search, F1) and saves what the screen shows at each step:

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python docs/screenshots/take_workshop.py [--scale 1.5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

POINTS = (
    ("consensus", "Le bâtiment, les déchets et les mobilités sont les trois leviers majeurs"),
    ("consensus", "Suivre les émissions par secteur, chaque année, avec les mêmes unités"),
    ("consensus", "Plusieurs membres ont déjà réduit leur flotte de véhicules thermiques"),
    ("dissent", "Intensité économique ou tonnes absolues : la mesure ne fait pas l'unanimité"),
    ("dissent", "Faut-il compter les émissions importées (« scope 3 ») ?"),
    ("open_question", "Mieux évaluer les GES évités par les actions des partenaires"),
    ("open_question", "Quelles données pour le fret et la logistique urbaine ?"),
)
NOTES = (
    "Qui porte le suivi des indicateurs entre deux ateliers ?",
    "Besoin d'approfondir le rôle des habitants dans la rénovation",
    "Les chiffres 2022 de l'ORE sont-ils disponibles ?",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1", help="QT_SCALE_FACTOR for the session")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale
    home = Path(tempfile.mkdtemp(prefix="alliance-shots-"))
    os.environ["ALLIANCE_DESKTOP_HOME"] = str(home)
    suffix = "" if args.scale == "1" else f"-{int(float(args.scale) * 100)}"

    from alliance_desktop.core.i18n import set_language
    from alliance_desktop.services.demo import write_demo
    from alliance_desktop.storage.database import open_database

    set_language("fr")
    path = home / "demo.sqlite3"
    write_demo(path)
    db = open_database(path)

    from PySide6.QtCore import QTime
    from PySide6.QtWidgets import QApplication

    from alliance_desktop.app import app_settings, make_application, open_for_window, place_window
    from alliance_desktop.core import enums as e
    from alliance_desktop.core.paths import data_dir
    from alliance_desktop.ui.main_window import MainWindow

    app = make_application()
    today = dt.date.today()
    clock = {"now": dt.datetime.combine(today, dt.time(17, 42))}
    window = MainWindow(
        db,
        open_db=open_for_window,
        settings=app_settings(),
        data_dir=data_dir(),
        now=lambda: clock["now"],
    )
    place_window(window)

    def settle(seconds: float = 0.6) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shot(name: str) -> None:
        settle()
        target = args.out / f"{name}{suffix}.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True)
        print(f"wrote {target}")

    settle(1.0)
    # Préparation: a new session, planned a little long (the warning shows).
    window.new_session()
    view = window.workshop()
    planning = view.planning
    planning.title.setText("Atelier 3 — Réduire les émissions de GES : les leviers d'action")
    planning.theme.setCurrentIndex(planning.theme.findData(e.Theme.GES.value))
    planning.stage.setCurrentIndex(planning.stage.findData(e.Stage.LEVERS.value))
    planning.end_time.setTime(QTime(19, 30))
    planning.location.setText("Salle des conférences, Hôtel de Ville")
    planning.speakers.setText("The Shift Project")
    planning.co_facilitators.setText("CISCA ; Clermont Auvergne Métropole")
    planning.graphic.setText("Facilitation graphique : Atelier Croquis")
    planning.background.setPlainText(
        "Le territoire émet environ 1 500 kt CO2e par an ; l'objectif retenu en mai est "
        "787 kt CO2e en 2030.\n\nCet atelier cherche les leviers d'action de chacun."
    )
    planning.save()
    shot("workshop-planning")

    # Présences: the session starts, people are checked in as they arrive.
    view.start()
    view.show_tab("attendance")
    attendance = view.attendance
    for line in attendance.lines()[::2][:14]:
        attendance.toggle(line.id)
        clock["now"] += dt.timedelta(seconds=20)
    from alliance_desktop.services.attendance import Newcomer

    attendance.add_newcomer(
        Newcomer(
            "Zoé",
            "Nouvelle",
            role=e.Role.RESIDENT,
            organisation_name="Association Les Jardins partagés",
            organisation_kind=e.OrganisationKind.ASSOCIATION,
        )
    )
    attendance.search.setText("mét")
    shot("workshop-attendance")
    attendance.search.clear()

    # Tableau: points typed in the three columns, one being typed.
    view.show_tab("board")
    for kind, text in POINTS:
        view.board.add(e.PointKind(kind), text)
    clock["now"] = dt.datetime.combine(today, dt.time(18, 4))
    view.tick()
    draft = view.board.columns[e.PointKind.DISSENT].draft
    draft.setFocus()
    draft.setText("Le rythme d'un atelier par mois est-il ten")
    shot("workshop-board")

    # Projection: the room's view, newest point highlighted.
    view.toggle_projection()
    projection = view.projection
    assert projection is not None
    draft.clear()
    view.board.add(e.PointKind.OPEN_QUESTION, "Associer les entreprises du Valtom au suivi")
    # One screen here: the projection fills it (with a second screen, F5 does that).
    projection.setGeometry(window.screen().geometry())
    projection.showFullScreen()
    shot("workshop-projection")
    projection.close()

    # Écoute active, then the clock's warning near the end.
    view.show_tab("notes")
    for text in NOTES:
        view.notes.add(text)
    clock["now"] = dt.datetime.combine(today, dt.time(18, 49))
    view.tick()
    shot("workshop-notes")

    # Search from the main window, then the F1 overlay.
    window.search.focus()
    window.search.line.setText("mobilités")
    window.search.search_now()
    settle(1.0)
    shot("workshop-search")
    window.search.line.clear()
    view.show_tab("board")
    window.toggle_shortcuts()
    shot("workshop-help")
    window.toggle_shortcuts()

    window.close()
    db.close()
    QApplication.processEvents()
    sys.exit(0)


if __name__ == "__main__":
    main()
