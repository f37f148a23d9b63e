"""Render the application icon from its SVG source into the PNG, ICO and ICNS files.

    python packaging/make_icons.py

The generated files are committed, so a build needs neither Qt's SVG renderer nor this
script; run it again after changing ``resources/icons/alliance-desktop.svg``.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "alliance-desktop.svg"
OUT = ROOT / "packaging" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def render(size: int) -> bytes:
    """The SVG rendered as a ``size``×``size`` PNG."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    images = {}
    for size in SIZES:
        png = render(size)
        (OUT / f"alliance-desktop-{size}.png").write_bytes(png)
        images[size] = Image.open(io.BytesIO(png)).convert("RGBA")
    images[256].save(
        OUT / "alliance-desktop.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]
    )
    images[1024].save(OUT / "alliance-desktop.icns")
    del app
    print(f"icons written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
