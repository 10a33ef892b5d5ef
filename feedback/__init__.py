"""The consultation domain: draft outlines, units, comments, dispositions, statistics.

Nothing in this package imports Qt or reads a file format; file formats live in
``exports`` and the project file in ``storage``.
"""
