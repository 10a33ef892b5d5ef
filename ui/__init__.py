"""The desktop window: the only package that imports PySide6."""
from ui.qt_fixes import keep_bools_alive, keep_none_alive

keep_none_alive()
keep_bools_alive()
