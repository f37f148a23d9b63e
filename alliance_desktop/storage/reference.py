"""The reference data every database holds: the seven themes and the three stages."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.storage.models import StageRow, ThemeRow, reference_id


def ensure(session: Session) -> bool:
    """Insert any missing theme or stage; returns whether anything was added."""
    have_themes = set(session.scalars(select(ThemeRow.code)))
    have_stages = set(session.scalars(select(StageRow.code)))
    added = False
    for pos, theme in enumerate(e.Theme, start=1):
        if theme not in have_themes:
            session.add(
                ThemeRow(
                    id=reference_id("theme", theme.value),
                    code=theme,
                    position=pos,
                    name_fr=label(theme, "fr"),
                    name_en=label(theme, "en"),
                    short_fr=short_theme(theme, "fr"),
                    short_en=short_theme(theme, "en"),
                )
            )
            added = True
    for pos, stage in enumerate(e.Stage, start=1):
        if stage not in have_stages:
            session.add(
                StageRow(
                    id=reference_id("stage", stage.value),
                    code=stage,
                    position=pos,
                    name_fr=label(stage, "fr"),
                    name_en=label(stage, "en"),
                )
            )
            added = True
    return added


def theme_id(theme: e.Theme) -> uuid.UUID:
    """The id of a theme's row (the same on every laptop)."""
    return reference_id("theme", theme.value)


def stage_id(stage: e.Stage) -> uuid.UUID:
    """The id of a stage's row (the same on every laptop)."""
    return reference_id("stage", stage.value)
