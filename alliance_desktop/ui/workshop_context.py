"""What every tab of the workshop screen shares: the database, the session, the undo stack."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtGui import QUndoStack

from alliance_desktop.storage.database import Database
from alliance_desktop.ui.undo import ChangeSink

# Before a session is opened: no row has this id.
NO_MEETING = uuid.UUID(int=0)


@dataclass
class WorkshopContext:
    """The session a workshop screen shows; ``meeting_id`` changes when another is opened."""

    db: Database
    stack: QUndoStack
    sink: ChangeSink
    meeting_id: uuid.UUID = NO_MEETING
    # Local wall-clock time: arrival times, the clock (tests pass a fake one).
    now: Callable[[], dt.datetime] = field(default=dt.datetime.now)
