"""Qt's own dialogs speak French: buttons, context menus and the file dialog's labels."""

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from alliance_desktop.app import install_qt_translations

pytestmark = pytest.mark.gui


def test_file_dialog_and_standard_buttons_in_french(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_qt_translations(app, "fr")
    try:
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
        assert "&Regarder dans\u00a0:" in labels
        assert "Fichiers de &type\u00a0:" in labels
        assert not [text for text in labels if "Look" in text or "Files of" in text]
        box = QMessageBox()
        qtbot.addWidget(box)
        box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
        assert {b.text().replace("&", "") for b in box.buttons()} == {"Ouvrir", "Annuler"}
        edit = QLineEdit()
        qtbot.addWidget(edit)
        menu = edit.createStandardContextMenu()
        assert any(a.text().startswith("Co&ller") for a in menu.actions())
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def test_english_leaves_qt_in_english(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert install_qt_translations(app, "en") == []
    box = QMessageBox()
    qtbot.addWidget(box)
    box.setStandardButtons(QMessageBox.StandardButton.Cancel)
    assert box.buttons()[0].text() == "Cancel"
