"""Command line: opens the window by default, or runs a headless command.

Exit codes: 0 success, 1 a known problem explained in one sentence on stderr, 2 a usage
mistake. A user's mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from alliance_desktop import version
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import language, set_language, t
from alliance_desktop.core.paths import default_database

Handler = Callable[[argparse.Namespace], int]

# The names ``exports.tables`` knows (a test keeps them in step); written out here so that
# building the parser, which every start of the window does, imports no exporter.
TABLES = ("attendance", "points", "notes", "indicators", "measurements")
TABLE_FORMATS = ("csv", "xlsx")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 2 with one line, in the user's language."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, t(f"Erreur d'utilisation : {message}\n", f"Usage error: {message}\n"))


class _VersionAction(argparse.Action):
    """``--version``, reading the package metadata only when asked (start-up time)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        print(f"{parser.prog} {version()}")
        parser.exit(0)


def _year(text: str) -> int:
    """``--year``: a year of four digits, refused in words rather than as « invalid int »."""
    if re.fullmatch(r"\d{4}", text.strip()):
        return int(text)
    raise argparse.ArgumentTypeError(
        t(
            f"« {text} » n'est pas une année : écrivez-la en quatre chiffres (2024).",
            f"“{text}” is not a year: write it with four digits (2024).",
        )
    )


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_database()


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar=t("FICHIER", "FILE"),
        help=t("fichier de base de données à utiliser", "database file to use"),
    )


# --- commands -------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the Alliance's 2024 year into a new database file."""
    from alliance_desktop.services.demo import write_demo

    path = Path(args.path)
    counts = write_demo(path, overwrite=args.force)
    print(
        t(
            f"Base de démonstration écrite dans {path} : {counts['meetings']} séances, "
            f"{counts['points']} points, {counts['indicators']} indicateurs.",
            f"Demo database written to {path}: {counts['meetings']} sessions, "
            f"{counts['points']} points, {counts['indicators']} indicators.",
        )
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Verify integrity and schema version; never creates, upgrades or touches the file."""
    from alliance_desktop.storage.database import KNOWN_REVISIONS, SCHEMA_HEAD, check_file

    path = _db_path(args)
    report = check_file(path)
    rev = report.revision or "?"
    if report.problems:
        print(t(f"{path} : intégrité NON vérifiée.", f"{path}: integrity check FAILED."))
        for p in report.problems[:20]:
            print(f"  {p}")
        return 1
    if rev == SCHEMA_HEAD:
        status = t("à jour", "up to date")
    else:
        n = f"{KNOWN_REVISIONS.index(rev) + 1}/{len(KNOWN_REVISIONS)}"
        status = t(
            f"ancienne version {n}, mise à jour à la prochaine ouverture",
            f"older version {n}, upgraded when next opened",
        )
    print(
        t(
            f"{path} : intégrité vérifiée, schéma {rev} ({status}).",
            f"{path}: integrity ok, schema {rev} ({status}).",
        )
    )
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window."""
    from alliance_desktop.app import run_gui

    return run_gui(db_path=_db_path(args), demo=args.demo, lang=args.lang)


def cmd_import(args: argparse.Namespace) -> int:
    """Import rows of one kind from a CSV or Excel file, or write an empty template."""
    if args.kind == "measurements":
        from alliance_desktop.imports import measurements

        if args.template:
            if args.file:
                args.usage_error(
                    t("FICHIER ou --template, pas les deux", "FILE or --template, not both")
                )
            measurements.write_template(Path(args.template))
            print(t(f"Modèle écrit dans {args.template}.", f"Template written to {args.template}."))
            return 0
        if not args.file:
            args.usage_error(t("FICHIER ou --template attendu", "FILE or --template expected"))
        from alliance_desktop.storage.database import open_database

        db = open_database(_db_path(args), create=False)
        try:
            plan = measurements.plan_import(db, Path(args.file))
            for line in measurements.describe(plan):
                print(line)
            if not plan.accepted:
                print(
                    t(
                        "Aucune ligne n'a pu être acceptée : rien n'a été importé.",
                        "No row could be accepted: nothing was imported.",
                    ),
                    file=sys.stderr,
                )
                return 1
            if args.dry_run:
                print(t("Simulation : rien n'a été écrit.", "Dry run: nothing was written."))
                return 0
            done = measurements.apply(db, plan)
        finally:
            db.close()
        print(
            t(
                f"Import terminé : {done.inserted} mesure(s) ajoutée(s), {done.updated} mise(s) "
                f"à jour, {done.unchanged} déjà présente(s).",
                f"Import done: {done.inserted} measurement(s) added, {done.updated} updated, "
                f"{done.unchanged} already there.",
            )
        )
        return 0
    if args.kind in ("people", "survey"):
        return _import_members(args)
    raise AssertionError(f"import kind {args.kind!r} has no handler")


def _import_members(args: argparse.Namespace) -> int:
    """``import people`` and ``import survey``: check, list every row, then write at once."""
    if args.kind == "people":
        from alliance_desktop.imports import people as reader
    else:
        from alliance_desktop.imports import survey as reader  # type: ignore[no-redef]
    if args.template:
        if args.file:
            args.usage_error(
                t("FICHIER ou --template, pas les deux", "FILE or --template, not both")
            )
        reader.write_template(Path(args.template))
        print(t(f"Modèle écrit dans {args.template}.", f"Template written to {args.template}."))
        return 0
    if not args.file:
        args.usage_error(t("FICHIER ou --template attendu", "FILE or --template expected"))
    from alliance_desktop.storage.database import open_database

    db = open_database(_db_path(args), create=False)
    try:
        if args.kind == "people":
            from alliance_desktop.services import people_import

            plan = people_import.plan_import(db, Path(args.file))
            decision = people_import.Decision.MERGE if args.merge else people_import.Decision.SKIP
            decisions = plan.decisions(decision)
            for line in people_import.describe(plan, decisions):
                print(line)
            accepted = len(plan.rows)
            if plan.duplicates and not args.merge:
                print(
                    t(
                        f"{len(plan.duplicates)} ligne(s) ressemblent à une personne déjà connue "
                        "et ne seront pas importées : relancez avec --merge pour les fusionner, "
                        "ou importez depuis l'application pour décider ligne par ligne.",
                        f"{len(plan.duplicates)} row(s) look like a person already known and "
                        "will not be imported: run again with --merge to merge them, or import "
                        "from the application to decide row by row.",
                    )
                )
        else:
            from alliance_desktop.services import survey

            survey_plan = survey.plan_import(db, Path(args.file))
            for line in survey.describe(survey_plan):
                print(line)
            accepted = len(survey_plan.accepted)
        if not accepted:
            print(
                t(
                    "Aucune ligne n'a pu être acceptée : rien n'a été importé.",
                    "No row could be accepted: nothing was imported.",
                ),
                file=sys.stderr,
            )
            return 1
        if args.dry_run:
            print(t("Simulation : rien n'a été écrit.", "Dry run: nothing was written."))
            return 0
        if args.kind == "people":
            done = people_import.apply(db, plan, decisions)
            print(
                t(
                    f"Import terminé : {done.people_created} personne(s) ajoutée(s), "
                    f"{done.people_merged} fusionnée(s), {done.people_unchanged} déjà présente(s), "
                    f"{done.rows_skipped} laissée(s) de côté ; {done.organisations_created} "
                    f"organisation(s) ajoutée(s), {done.organisations_updated} mise(s) à jour.",
                    f"Import done: {done.people_created} people added, {done.people_merged} "
                    f"merged, {done.people_unchanged} already there, {done.rows_skipped} left "
                    f"out; {done.organisations_created} organisation(s) added, "
                    f"{done.organisations_updated} updated.",
                )
            )
        else:
            answers = survey.apply(db, survey_plan)
            print(
                t(
                    f"Import terminé : {answers.added} réponse(s) ajoutée(s), "
                    f"{answers.replaced} remplacée(s).",
                    f"Import done: {answers.added} answer(s) added, {answers.replaced} replaced.",
                )
            )
    finally:
        db.close()
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    """Export everything held about a person, or erase their personal data."""
    from alliance_desktop.services import privacy
    from alliance_desktop.storage.database import open_database

    db = open_database(_db_path(args), create=False)
    try:
        try:
            person = privacy.resolve_person(db, args.who)
        except privacy.AmbiguousPerson as exc:
            print(str(exc), file=sys.stderr)
            for line in privacy.candidate_lines(exc.candidates):
                print(f"  {line}", file=sys.stderr)
            return 1
        if args.action == "export":
            written = privacy.export_person(db, person.id, Path(args.output))
            print(t(f"Fichier écrit : {written}", f"File written: {written}"))
            return 0
        preview = privacy.erasure_preview(db, [person.id])
        # The id would only add noise: the person was already designated without doubt.
        who = privacy.candidate_line(person)
        print(
            t(
                f"Effacement de {who} : {preview.attendance} "
                f"présence(s) gardée(s) sans nom, {preview.signed_notes} note(s) signée(s) "
                f"rendue(s) anonyme(s), {len(preview.texts)} texte(s) où le nom sera remplacé.",
                f"Erasing {who}: {preview.attendance} attendance "
                f"row(s) kept without a name, {preview.signed_notes} signed note(s) made "
                f"anonymous, {len(preview.texts)} text(s) where the name will be replaced.",
            )
        )
        for change in preview.texts:
            print(f"  {change.table}.{change.field} : {change.after}")
        if not args.yes:
            answer = ""
            # Nobody to answer (a script, a pipe): never erase on a default.
            if sys.stdin is not None and sys.stdin.isatty():
                answer = input(t("Effacer définitivement ? [o/N] ", "Erase for good? [y/N] "))
            if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                print(
                    t(
                        "Rien n'a été effacé (--yes pour confirmer sans question).",
                        "Nothing was erased (--yes to confirm without a question).",
                    )
                )
                return 1
        done = privacy.erase_person(db, person.id)
    finally:
        db.close()
    print(
        t(
            f"Données personnelles effacées ; {done.texts} texte(s) réécrit(s), "
            f"{done.attendance_kept} présence(s) gardée(s). Sauvegarde prise avant : {done.backup}",
            f"Personal data erased; {done.texts} text(s) rewritten, {done.attendance_kept} "
            f"attendance row(s) kept. Backup taken before: {done.backup}",
        )
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the minutes, the summary, the yearly report or a table from the database."""
    from alliance_desktop.exports import api
    from alliance_desktop.exports.model import SurveyOverview
    from alliance_desktop.storage.database import Database

    def survey(db: Database, year: int) -> SurveyOverview:
        # The report's questionnaire section, read on the export's own connection; the
        # questionnaire's rules are the services', which exports may not import.
        from alliance_desktop.services.survey import report_synthesis

        return SurveyOverview.of(report_synthesis(db, year))

    # A wrong extension is a mistake in the command (exit 2), found before any reading.
    try:
        if args.what == "table":
            out, fmt = api.table_path(Path(args.output), args.format)
        else:
            out, fmt = api.document_path(args.what, Path(args.output)), None
    except KnownError as exc:
        args.usage_error(str(exc))
    if args.what == "table":
        written = api.export_table(
            args.table,
            _db_path(args),
            out,
            fmt=fmt,
            session=args.session,
            year=args.year,
        )
    else:
        template = Path(args.template) if args.template else None
        written = api.export_document(
            args.what,
            _db_path(args),
            out,
            session=getattr(args, "session", None),
            year=getattr(args, "year", None),
            template=template,
            public=getattr(args, "public", False),
            survey=survey if args.what == "report" else None,
        )
    print(t(f"Fichier écrit : {written}", f"File written: {written}"))
    return 0


def _shared_folder_error(exc: OSError) -> KnownError:
    return KnownError(
        t(
            f"Le dossier partagé ou la base est inaccessible ({exc}) : rien n'a été perdu.",
            f"The shared folder or the database cannot be reached ({exc}): nothing was lost.",
        )
    )


def cmd_sync(args: argparse.Namespace) -> int:
    """Create, join or synchronise the shared workspace, then print the merge report."""
    from alliance_desktop.services import sharing
    from alliance_desktop.storage.database import open_database

    db = open_database(_db_path(args))
    try:
        if args.author:
            sharing.set_author(db, author=args.author)
        report = sharing.sync(db, Path(args.shared))
    except OSError as exc:
        raise _shared_folder_error(exc) from exc
    finally:
        db.close()
    for line in report.lines():
        print(line)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge a database file or a bundle received by other means (e-mail, conflict copy)."""
    from alliance_desktop.services import sharing
    from alliance_desktop.storage.database import open_database

    db = open_database(_db_path(args), create=False)
    try:
        report = sharing.merge_file(db, Path(args.file))
    except OSError as exc:
        raise _shared_folder_error(exc) from exc
    finally:
        db.close()
    for line in report.lines():
        print(line)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Take a verified backup of the database now."""
    from alliance_desktop.services import sharing

    path = _db_path(args)
    if not path.is_file():
        raise KnownError(t(f"« {path} » n'existe pas.", f"“{path}” does not exist."))
    made = sharing.backup_now(path)
    print(t(f"Sauvegarde vérifiée : {made}", f"Verified backup: {made}"))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup back in place of the database (the window must be closed)."""
    from alliance_desktop.services import sharing

    path = _db_path(args)
    before = sharing.restore_backup(Path(args.backup), path)
    print(t(f"Sauvegarde restaurée dans {path}.", f"Backup restored to {path}."))
    if before is not None:
        print(
            t(
                f"L'état précédent est conservé dans {before}.",
                f"The previous state is kept in {before}.",
            )
        )
    return 0


# Each entry: (name, handler, function adding the command's own arguments, help fr, help en).
Registrar = Callable[[argparse.ArgumentParser], None]


def _args_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "path", metavar=t("FICHIER", "FILE"), help=t("fichier à créer", "file to create")
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=t("remplacer le fichier s'il existe", "replace the file if it exists"),
    )


def _args_import(p: argparse.ArgumentParser) -> None:
    # One sub-parser per kind of file, each with its own options.
    kinds = p.add_subparsers(
        dest="kind", metavar=t("TYPE", "KIND"), required=True, parser_class=_Parser
    )
    m = kinds.add_parser(
        "measurements",
        help=t("mesures des indicateurs", "indicator measurements"),
        description=t(
            "Importer des mesures d'indicateurs depuis un fichier CSV ou Excel (.xlsx).",
            "Import indicator measurements from a CSV or Excel (.xlsx) file.",
        ),
    )
    m.add_argument(
        "file",
        metavar=t("FICHIER", "FILE"),
        nargs="?",
        help=t("fichier à importer", "file to import"),
    )
    m.add_argument(
        "--template",
        metavar=t("FICHIER", "FILE"),
        help=t(
            "écrire un modèle vide (.csv ou .xlsx) au lieu d'importer",
            "write an empty template (.csv or .xlsx) instead of importing",
        ),
    )
    m.add_argument(
        "--dry-run",
        action="store_true",
        help=t("vérifier sans rien écrire", "check without writing anything"),
    )
    # SUPPRESS keeps a --db given before the command from being reset to None.
    m.add_argument(
        "--db",
        metavar=t("FICHIER", "FILE"),
        default=argparse.SUPPRESS,
        help=t("fichier de base de données à utiliser", "database file to use"),
    )
    m.set_defaults(usage_error=m.error)
    _args_import_members(kinds)


def _args_import_members(kinds: argparse._SubParsersAction[_Parser]) -> None:
    for kind, fr, en in (
        (
            "people",
            "Importer l'annuaire (organisations et personnes) depuis un fichier CSV ou Excel.",
            "Import the directory (organisations and people) from a CSV or Excel file.",
        ),
        (
            "survey",
            "Importer les réponses au questionnaire des membres depuis un fichier CSV ou Excel.",
            "Import the members' questionnaire answers from a CSV or Excel file.",
        ),
    ):
        sub = kinds.add_parser(
            kind,
            help=t(
                *(("annuaire", "directory") if kind == "people" else ("questionnaire", "survey"))
            ),
            description=t(fr, en),
        )
        sub.add_argument(
            "file",
            metavar=t("FICHIER", "FILE"),
            nargs="?",
            help=t("fichier à importer", "file to import"),
        )
        sub.add_argument(
            "--template",
            metavar=t("FICHIER", "FILE"),
            help=t(
                "écrire un modèle vide (.csv ou .xlsx) au lieu d'importer",
                "write an empty template (.csv or .xlsx) instead of importing",
            ),
        )
        sub.add_argument(
            "--dry-run",
            action="store_true",
            help=t("vérifier sans rien écrire", "check without writing anything"),
        )
        if kind == "people":
            sub.add_argument(
                "--merge",
                action="store_true",
                help=t(
                    "fusionner les doublons proposés (sinon ils sont laissés de côté)",
                    "merge the proposed duplicates (otherwise they are left out)",
                ),
            )
        sub.add_argument(
            "--db",
            metavar=t("FICHIER", "FILE"),
            default=argparse.SUPPRESS,
            help=t("fichier de base de données à utiliser", "database file to use"),
        )
        sub.set_defaults(usage_error=sub.error)


def _args_person(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    who_help = t(
        "la personne : son nom, son adresse électronique ou son identifiant",
        "the person: their name, e-mail address or id",
    )
    who_metavar = t("NOM|COURRIEL", "NAME|EMAIL")
    exp = actions.add_parser(
        "export",
        help=t("tout ce que la base contient sur elle (.json, .csv)", "all held about them"),
        description=t(
            "Exporter tout ce que la base contient sur une personne (droit d'accès).",
            "Export everything the database holds about a person (right of access).",
        ),
    )
    exp.add_argument("who", metavar=who_metavar, help=who_help)
    exp.add_argument(
        "-o",
        "--output",
        metavar=t("FICHIER", "FILE"),
        required=True,
        help=t("fichier .json ou .csv", ".json or .csv file"),
    )
    erase = actions.add_parser(
        "erase",
        help=t("effacer ses données personnelles", "erase their personal data"),
        description=t(
            "Effacer les données personnelles d'une personne (droit à l'effacement).",
            "Erase a person's personal data (right to erasure).",
        ),
    )
    erase.add_argument("who", metavar=who_metavar, help=who_help)
    erase.add_argument(
        "--yes", action="store_true", help=t("ne pas demander de confirmation", "do not ask")
    )
    for sub in (exp, erase):
        sub.add_argument(
            "--db",
            metavar=t("FICHIER", "FILE"),
            default=argparse.SUPPRESS,
            help=t("fichier de base de données à utiliser", "database file to use"),
        )


def _args_export(p: argparse.ArgumentParser) -> None:
    # One sub-parser per document, so that each asks for exactly what it needs.
    what = p.add_subparsers(dest="what", metavar="DOCUMENT", required=True, parser_class=_Parser)

    def common(sub: argparse.ArgumentParser, template: bool = True) -> None:
        sub.add_argument(
            "-o",
            "--output",
            metavar=t("FICHIER", "FILE"),
            required=True,
            help=t("fichier à écrire", "file to write"),
        )
        sub.set_defaults(usage_error=sub.error)
        # SUPPRESS keeps a --db given before the command from being reset to None.
        sub.add_argument(
            "--db",
            metavar=t("FICHIER", "FILE"),
            default=argparse.SUPPRESS,
            help=t("fichier de base de données à utiliser", "database file to use"),
        )
        if template:
            sub.add_argument(
                "--template",
                metavar=t("MODÈLE", "TEMPLATE"),
                help=t(
                    "modèle Word (.docx/.dotx) dont reprendre les styles",
                    "Word template (.docx/.dotx) to take the styles from",
                ),
            )

    session_metavar = t("DATE|NUMÉRO", "DATE|NUMBER")
    session_help = t(
        "la séance : sa date (29/05/2024 ou 2024-05-29) ou son numéro",
        "the session: its date (2024-05-29 or 29/05/2024) or its number",
    )
    for name, help_fr, help_en in (
        ("minutes", "compte-rendu de la séance (.docx)", "session minutes (.docx)"),
        ("summary", "synthèse d'une page (.docx)", "one-page summary (.docx)"),
    ):
        sub = what.add_parser(name, help=t(help_fr, help_en), description=t(help_fr, help_en))
        sub.add_argument("--session", metavar=session_metavar, required=True, help=session_help)
        if name == "minutes":
            sub.add_argument(
                "--public",
                action="store_true",
                help=t(
                    "version publique : chaque personne désignée par un pseudonyme "
                    "(« Participant·e 1 »), noms et adresses retirés des textes",
                    "public version: each person given a pseudonym (“Participant 1”), "
                    "names and addresses removed from the texts",
                ),
            )
        common(sub)
    sub = what.add_parser(
        "report",
        help=t("rapport d'étape de l'année (.docx)", "yearly progress report (.docx)"),
        description=t("Rapport d'étape de l'année (.docx).", "Yearly progress report (.docx)."),
    )
    sub.add_argument(
        "--year", metavar=t("AAAA", "YYYY"), type=_year, required=True, help=t("année", "year")
    )
    common(sub)
    sub = what.add_parser(
        "table",
        help=t("table pour tableur (.csv, .xlsx)", "table for spreadsheets (.csv, .xlsx)"),
        description=t(
            "Une table pour tableur : attendance (présences), points, notes, indicators "
            "(indicateurs et objectifs) ou measurements (mesures).",
            "A table for spreadsheets: attendance, points, notes, indicators or measurements.",
        ),
    )
    sub.add_argument(
        "table",
        metavar="TABLE",
        choices=TABLES,
        help=" | ".join(TABLES),
    )
    sub.add_argument(
        "--format",
        metavar="|".join(TABLE_FORMATS),
        choices=TABLE_FORMATS,
        help=t("format (par défaut : l'extension du fichier)", "format (default: file extension)"),
    )
    sub.add_argument("--session", metavar=session_metavar, help=session_help)
    sub.add_argument("--year", metavar=t("AAAA", "YYYY"), type=_year, help=t("année", "year"))
    common(sub, template=False)


def _args_sync(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--shared",
        metavar=t("DOSSIER", "FOLDER"),
        required=True,
        help=t(
            "dossier partagé (OneDrive, Nextcloud, Dropbox, clé USB…)",
            "shared folder (OneDrive, Nextcloud, Dropbox, USB stick…)",
        ),
    )
    p.add_argument(
        "--author",
        metavar=t("NOM", "NAME"),
        help=t("nom affiché aux autres animateurs", "name shown to the other facilitators"),
    )
    _add_db(p)


def _args_merge(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        metavar=t("FICHIER", "FILE"),
        help=t("base ou paquet à fusionner", "database or bundle to merge"),
    )
    _add_db(p)


def _args_restore(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "backup",
        metavar=t("SAUVEGARDE", "BACKUP"),
        help=t("sauvegarde à restaurer", "backup to restore"),
    )
    _add_db(p)


COMMANDS: list[tuple[str, Handler, Registrar, str, str]] = [
    (
        "demo",
        cmd_demo,
        _args_demo,
        "écrire une base de démonstration (l'année 2024 de l'Alliance)",
        "write a demo database (the Alliance's 2024 year)",
    ),
    (
        "check",
        cmd_check,
        _add_db,
        "vérifier l'intégrité et la version du schéma",
        "check integrity and schema version",
    ),
    (
        "import",
        cmd_import,
        _args_import,
        "importer un fichier CSV ou Excel (mesures, annuaire, questionnaire)",
        "import a CSV or Excel file (measurements, directory, survey)",
    ),
    (
        "person",
        cmd_person,
        _args_person,
        "données personnelles d'une personne : export, effacement",
        "a person's personal data: export, erasure",
    ),
    (
        "export",
        cmd_export,
        _args_export,
        "exporter un compte-rendu, une synthèse, le rapport d'étape ou une table",
        "export minutes, a summary, the yearly report or a table",
    ),
    (
        "sync",
        cmd_sync,
        _args_sync,
        "partager la base par un dossier partagé (créer, rejoindre, synchroniser)",
        "share the database through a shared folder (create, join, synchronise)",
    ),
    (
        "merge",
        cmd_merge,
        _args_merge,
        "fusionner une base reçue autrement (courriel, copie de conflit)",
        "merge a database received another way (e-mail, conflict copy)",
    ),
    (
        "backup",
        cmd_backup,
        _add_db,
        "sauvegarder la base maintenant (copie vérifiée)",
        "back the database up now (verified copy)",
    ),
    (
        "restore",
        cmd_restore,
        _args_restore,
        "remettre une sauvegarde à la place de la base",
        "put a backup back in place of the database",
    ),
]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = _Parser(
        prog="alliance-desktop",
        description=t(
            "Alliance Desktop : les ateliers de l'Alliance pour la transition écologique "
            "et solidaire. Sans commande, ouvre la fenêtre.",
            "Alliance Desktop: the Alliance's workshops. With no command, opens the window.",
        ),
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help=t("version", "version"))
    _add_db(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help=t(
            "ouvrir la fenêtre sur une base de démonstration neuve",
            "open the window on a fresh demo database",
        ),
    )
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help=t("langue", "language"))
    sub = parser.add_subparsers(
        dest="command", metavar=t("COMMANDE", "COMMAND"), parser_class=_Parser
    )
    for name, handler, add_args, help_fr, help_en in COMMANDS:
        p = sub.add_parser(name, help=t(help_fr, help_en), description=t(help_fr, help_en))
        add_args(p)
        p.set_defaults(handler=handler)
    parser.set_defaults(handler=cmd_gui)
    return parser


# argparse's own words (headings, usage errors), for French users. argparse looks its
# messages up through the module-level function ``_``; the ones missing stay English.
_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : « %(value)s » (choisir parmi %(choices)s)"
    ),
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide : « %(value)s »",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
}


def _argparse_language(lang: str) -> None:
    import gettext

    if lang == "fr":
        argparse._ = lambda message: _ARGPARSE_FR.get(message, message)  # type: ignore[attr-defined]
    else:
        argparse._ = gettext.gettext  # type: ignore[attr-defined]


def _early_language(argv: Sequence[str]) -> None:
    # The language must be known before the parser's help texts are built.
    lang = None
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
    if lang is None:
        import os

        env = os.environ.get("ALLIANCE_DESKTOP_LANG", "")
        lang = "en" if env.startswith("en") else "fr"
    set_language(lang)
    # A language the parser will refuse (``--lang de``) falls back to French, and the
    # refusal itself must then be French too.
    _argparse_language(language())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _early_language(argv)
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KnownError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(t("Interrompu.", "Interrupted."), file=sys.stderr)
        return 130
