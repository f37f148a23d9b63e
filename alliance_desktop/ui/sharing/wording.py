"""What the sharing screens say: counts, relative times, names of tables, fields and values."""

# Plain Python, so that the tests check the wording without a QApplication, and the
# screens stay thin.

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any, Final

from alliance_desktop.core.dates import clock, long_date, short_date
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label

# What a record of each travelling table is called, singular (French, English).
_TABLES: Final[dict[str, tuple[str, str]]] = {
    "meeting": ("Séance", "Session"),
    "point": ("Point", "Point"),
    "listening_note": ("Note d'écoute", "Listening note"),
    "attendance": ("Présence", "Attendance"),
    "contributor": ("Intervenant", "Contributor"),
    "lever": ("Levier", "Lever"),
    "harvest_item": ("Récolte", "Harvest item"),
    "attachment": ("Photo", "Photo"),
    "person": ("Personne", "Person"),
    "organisation": ("Organisation", "Organisation"),
    "indicator": ("Indicateur", "Indicator"),
    "objective": ("Objectif", "Objective"),
    "measurement": ("Mesure", "Measurement"),
    "survey_response": ("Réponse au questionnaire", "Survey answer"),
    "setting": ("Réglage", "Setting"),
    "person_erasure": ("Effacement", "Erasure"),
    "privacy_audit": ("Journal RGPD", "Privacy log"),
}

# The columns people meet in the screens; any other is shown by its name.
_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "title": ("Titre", "Title"),
    "date": ("Date", "Date"),
    "text": ("Texte", "Text"),
    "kind": ("Type", "Kind"),
    "position": ("Position", "Position"),
    "status": ("Statut", "Status"),
    "location": ("Lieu", "Place"),
    "background": ("Comprenons-nous bien", "Background"),
    "number": ("Numéro", "Number"),
    "start_time": ("Heure de début", "Start time"),
    "planned_end": ("Fin prévue", "Planned end"),
    "started_at": ("Démarrée à", "Started at"),
    "closed_at": ("Close à", "Closed at"),
    "theme_id": ("Thème", "Theme"),
    "stage_id": ("Étape", "Stage"),
    "created_at": ("Créée le", "Created on"),
    "heading": ("Rubrique", "Heading"),
    "role": ("Rôle", "Role"),
    "arrived_at": ("Arrivée", "Arrival"),
    "left_at": ("Départ", "Departure"),
    "first_name": ("Prénom", "First name"),
    "last_name": ("Nom", "Last name"),
    "function": ("Fonction", "Position"),
    "email": ("Courriel", "E-mail"),
    "phone": ("Téléphone", "Phone"),
    "address": ("Adresse", "Address"),
    "name": ("Nom", "Name"),
    "short_name": ("Nom court", "Short name"),
    "is_member": ("Membre", "Member"),
    "organisation_id": ("Organisation", "Organisation"),
    "person_id": ("Personne", "Person"),
    "meeting_id": ("Séance", "Session"),
    "signed_by_id": ("Signée par", "Signed by"),
    "carried_to_id": ("Reportée à", "Carried to"),
    "label": ("Libellé", "Label"),
    "column": ("Colonne", "Column"),
    "value": ("Valeur", "Value"),
    "year": ("Année", "Year"),
    "unit": ("Unité", "Unit"),
    "wording": ("Formulation", "Wording"),
    "target_value": ("Valeur cible", "Target value"),
    "horizon_year": ("Horizon", "Horizon"),
    "filename": ("Fichier", "File"),
    "caption": ("Légende", "Caption"),
    "key": ("Clé", "Key"),
    "source": ("Source", "Source"),
}

# The change log's marks for a record's life, as the history shows them.
CREATED: Final = "+"
DELETED: Final = "-"
KEPT: Final = "!"
DUPLICATE: Final = "="

# Backups: why each was taken (the reason in its name), and what the rest are called.
_REASONS: Final[dict[str, tuple[str, str]]] = {
    "quotidienne": ("Quotidienne", "Daily"),
    "manuelle": ("Manuelle", "Manual"),
    "avant-fusion": ("Avant une synchronisation", "Before a sync"),
    "avant-fusion-fichier": ("Avant la fusion d'un fichier", "Before merging a file"),
    "avant-restauration": ("Avant une restauration", "Before a restore"),
    "avant-effacement": ("Avant un effacement (RGPD)", "Before an erasure (GDPR)"),
    "copie-locale": ("Copie locale", "Local copy"),
}


def count(n: int, fr: tuple[str, str], en: tuple[str, str]) -> str:
    """« 1 conflit », « 3 conflits »: French counts 0 and 1 in the singular, English 1 only."""
    if language() == "fr":
        return f"{n} {fr[0] if n <= 1 else fr[1]}"
    return f"{n} {en[0] if n == 1 else en[1]}"


def to_local(utc: dt.datetime) -> dt.datetime:
    """A naive UTC time (as the change log keeps them) in this computer's time zone."""
    return utc.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def when(local: dt.datetime) -> str:
    """« 29 mai 2024 à 17:42 » / "29 May 2024 at 17:42"."""
    return t(
        f"{long_date(local.date())} à {clock(local.time())}",
        f"{long_date(local.date())} at {clock(local.time())}",
    )


def when_utc(utc: dt.datetime) -> str:
    """:func:`when` of a naive UTC time."""
    return when(to_local(utc))


def last_sync(last: dt.datetime | None, now: dt.datetime) -> str:
    """« Synchronisé il y a 3 min », from naive UTC times (the last sync's and now)."""
    if last is None:
        return t("Jamais synchronisé", "Never synced")
    seconds = (now - last).total_seconds()
    if seconds < 60:
        # A laptop whose clock went back shows « à l'instant » rather than a negative age.
        return t("Synchronisé à l'instant", "Synced just now")
    if seconds < 3600:
        minutes = int(seconds // 60)
        return t(f"Synchronisé il y a {minutes} min", f"Synced {minutes} min ago")
    if seconds < 86400:
        hours = int(seconds // 3600)
        return t(f"Synchronisé il y a {hours} h", f"Synced {hours} h ago")
    local = to_local(last)
    return t(
        f"Synchronisé le {short_date(local.date())} à {clock(local.time())}",
        f"Synced on {short_date(local.date())} at {clock(local.time())}",
    )


def unpublished(n: int) -> str:
    """« 4 modifications à publier », or that there is nothing to send."""
    if n == 0:
        return t("Tout est publié", "Everything published")
    return count(
        n,
        ("modification à publier", "modifications à publier"),
        ("change to publish", "changes to publish"),
    )


def conflicts(n: int) -> str:
    """« 1 conflit à revoir »."""
    return count(
        n, ("conflit à revoir", "conflits à revoir"), ("conflict to review", "conflicts to review")
    )


def table_name(table: str) -> str:
    """What a record of ``table`` is called (« Point », « Séance »)."""
    fr, en = _TABLES.get(table, (table, table))
    return t(fr, en)


def field_name(table: str, field: str) -> str:
    """The name of a field, or of a mark of the record's life (created, deleted…)."""
    if field == CREATED:
        return t("Fiche créée", "Record created")
    if field == DELETED:
        return t("Fiche supprimée", "Record deleted")
    if field == KEPT:
        return t("Fiche rétablie", "Record restored")
    if field == DUPLICATE:
        return t("Fiche en double", "Duplicate record")
    if table == "meeting" and field == "kind":
        return t("Type de séance", "Kind of session")
    fr, en = _FIELDS.get(field, (field.replace("_", " "), field.replace("_", " ")))
    return t(fr, en)


def record_name(table: str, text: str) -> str:
    """« Point « Large consensus… » »: a record named for a human."""
    return t(f"{table_name(table)} « {text} »", f"{table_name(table)} “{text}”")


def value_text(value: Any) -> str:
    """A value as the screens show it: dates and enumerations in words, empty said so."""
    if value is None or value == "":
        return t("(vide)", "(empty)")
    if isinstance(value, bool):
        return t("Oui", "Yes") if value else t("Non", "No")
    if isinstance(value, dt.datetime):
        return when_utc(value)
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, dt.time):
        return clock(value)
    if isinstance(value, StrEnum):
        try:
            return label(value)
        except KeyError:
            return value.value
    if isinstance(value, uuid.UUID):
        return value.hex[:8]
    if isinstance(value, float):
        shown = f"{value:g}"
        return shown.replace(".", ",") if language() == "fr" else shown
    if isinstance(value, bytes):
        return t(f"({len(value)} octets)", f"({len(value)} bytes)")
    return str(value)


def backup_reason(reason: str) -> str:
    """Why a backup was taken, in words."""
    if reason.startswith("avant-migration"):
        return t("Avant une mise à jour", "Before an upgrade")
    fr, en = _REASONS.get(reason, (reason, reason))
    return t(fr, en)


def backup_kind(index: int, taken_at: dt.datetime, now: dt.datetime) -> str:
    """Which of the kept backups this is: recent, daily, weekly or monthly.

    Thinning keeps the ten most recent, then the newest of each day for two weeks, of
    each week for eight weeks and of each month for a year: a backup's rank and age say
    which of those it stands for.
    """
    age = now - taken_at
    if index < 10:
        return t("Récente", "Recent")
    if age <= dt.timedelta(days=14):
        return t("Du jour", "Daily")
    if age <= dt.timedelta(weeks=8):
        return t("De la semaine", "Weekly")
    return t("Du mois", "Monthly")


def size_text(size: int) -> str:
    """« 1,2 Mo » / "1.2 MB"."""
    if size < 1024 * 1024:
        kb = max(1, round(size / 1024))
        return t(f"{kb} ko", f"{kb} kB")
    mb = f"{size / (1024 * 1024):.1f}"
    return t(f"{mb.replace('.', ',')} Mo", f"{mb} MB")


def foreign_kind(kind: str, client: str) -> str:
    """What a foreign file of the shared folder is."""
    if kind == "conflict-copy":
        return t(
            f"copie de conflit ({client or 'client inconnu'})",
            f"conflict copy ({client or 'unknown client'})",
        )
    if kind == "part":
        return t("fichier inachevé d'un autre ordinateur", "another laptop's unfinished file")
    return t("fichier inconnu", "unknown file")
