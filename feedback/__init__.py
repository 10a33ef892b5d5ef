"""The consultation domain: draft outlines, units, comments, dispositions, statistics.

Nothing in this package imports Qt or reads a file format; file formats live in
``exports`` and the project file in ``storage``.
"""

# the application's version: shown by ``--version`` and in About, written into project files and documents
__version__ = "0.2.0"
