"""The user interfaces: the desktop window, and the command line in ``ui.cli``.

Only the window modules import PySide6; ``ui.cli`` never does.
"""
