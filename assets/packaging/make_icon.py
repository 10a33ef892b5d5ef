"""Render ``assets/yijiantong.svg`` to the PNG (desktop entry, window) and ICO (Windows) icons.

    python assets/packaging/make_icon.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ASSETS = Path(__file__).resolve().parent.parent


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(ASSETS / "yijiantong.svg")).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - images need it
    if not render(256).save(str(ASSETS / "yijiantong.png"), "PNG"):
        return 1
    return 0 if render(256).save(str(ASSETS / "yijiantong.ico"), "ICO") else 1


if __name__ == "__main__":
    sys.exit(main())
