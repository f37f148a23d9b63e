"""French for the few strings of Qt's own dialogs that Qt's French catalogue still misses."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

# (context, source) → French. Qt 6 renamed these labels (they gained an "&" shortcut)
# and qtbase_fr.qm only knows the old wording, so the file dialog would show English.
MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Regarder dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "Fichiers de &type\u00a0:",
    ("QFileDialog", "File &name:"): "&Nom de fichier\u00a0:",
}


class FrenchSupplement(QTranslator):
    """A translator answering only for :data:`MISSING`; Qt's catalogue does the rest."""

    def __init__(self, parent: QObject | None = None) -> None:
        """Create the translator; install it with ``QCoreApplication.installTranslator``."""
        super().__init__(parent)

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        """The French text, or an empty string so that the next translator is asked."""
        return MISSING.get((context, source_text), "")

    def isEmpty(self) -> bool:
        """Never empty: Qt skips empty translators."""
        return False
