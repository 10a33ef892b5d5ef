"""Shared fixtures. Qt tests run without a display."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DEMO_DRAFT = ROOT / "assets" / "demo" / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"


@pytest.fixture(scope="session")
def demo_lines() -> list[str]:
    return DEMO_DRAFT.read_text(encoding="utf-8").splitlines()
