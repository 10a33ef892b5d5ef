"""The draft as the tree of clauses that comments point at.

A reader in ``exports`` turns a file into ``SourceBlock``s (paragraph text with the
number the reader sees, or a table); ``feedback.outline.parse_blocks`` turns the
blocks into a ``Draft``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from feedback.vocabulary import ClauseKind


@dataclass
class SourceBlock:
    """One paragraph or table of a draft file, in document order.

    ``text`` of a paragraph already starts with its visible number, also when the
    number came from Word's automatic numbering. A table has ``rows`` instead.
    ``outline_level`` is set for Word headings, which have a level without number text.
    """

    text: str = ""
    rows: list[list[str]] | None = None
    style: str = ""
    auto_numbered: bool = False
    outline_level: int | None = None  # 0 for Heading 1 / 标题 1, from the paragraph or its style
    continued: list[tuple[int, int]] = field(default_factory=list)  # (row, cell) merged with the cell above
    notes: list[str] = field(default_factory=list)  # its footnotes (注1：…), kept apart from its text

    @property
    def is_table(self) -> bool:
        return self.rows is not None


class SourceBlocks(list):
    """The blocks of one file, with what the reader noticed about the file as a whole."""

    def __init__(self, blocks=(), warnings=(), *, printed: bool = False,
                 page_edges: frozenset[int] | None = None) -> None:
        super().__init__(blocks)
        self.warnings: list[str] = list(warnings)
        self.printed = printed  # one block per printed line (a PDF): lines are to be rejoined
        # the 1-based numbers of the blocks at the top and foot of each printed page, when known:
        # only there are page numbers and running heads
        self.page_edges = page_edges


@dataclass
class Clause:
    """One numbered clause, with its stable reference.

    ``ref`` is the label path used everywhere later (``三（一）1``, ``第五条第二款``);
    ``label`` is the number as shown (``1.``, ``（一）``, ``第五条``).
    """

    ref: str
    label: str
    level: int
    kind: ClauseKind
    heading: str
    text: str
    number: int = 0
    parent_ref: str | None = None
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)

    @property
    def display(self) -> str:
        """What a tree shows: the label and the heading, or the start of the text.

        >>> Clause('一', '一、', 1, ClauseKind.PART, '总体要求', '').display
        '一、总体要求'
        >>> Clause('第三条', '第三条', 1, ClauseKind.ARTICLE, '', '学校应当履行下列职责：').display
        '第三条 学校应当履行下列职责：'
        """
        if self.kind is ClauseKind.PREAMBLE:
            return self.label
        words = self.heading or self.text.split("\n")[0][:24]
        joined = self.label.endswith(("、", "）", ")", ".", "．")) or self.kind is ClauseKind.SUBPOINT
        return f"{self.label}{'' if joined else ' '}{words}".strip()

    def to_json(self) -> dict:
        """The clause as the JSON of ``outline --json``."""
        return {
            "ref": self.ref,
            "label": self.label,
            "level": self.level,
            "kind": self.kind.value,
            "heading": self.heading,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "responsible_units": list(self.responsible_units),
        }


@dataclass
class ParseWarning:
    """Something the import repaired or removed, said in Chinese for the drafter."""

    message: str
    ref: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"第{self.line}段：" if self.line else ""
        return where + self.message


@dataclass
class Draft:
    """A parsed draft: its title and its clauses, flat, in document order."""

    title: str
    clauses: list[Clause]
    warnings: list[ParseWarning] = field(default_factory=list)
    style: str = "plan"  # "plan" or "regulation"

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses)

    def by_ref(self) -> dict[str, Clause]:
        return {c.ref: c for c in self.clauses}

    def children(self, ref: str | None) -> list[Clause]:
        return [c for c in self.clauses if c.parent_ref == ref]

    def units(self) -> list[str]:
        """Every unit named as lead or responsible, once each, in order of first mention."""
        seen: dict[str, None] = {}
        for clause in self.clauses:
            for name in clause.lead_units + clause.responsible_units:
                seen.setdefault(name, None)
        return list(seen)

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "clauses": [c.to_json() for c in self.clauses],
            "warnings": [str(w) for w in self.warnings],
        }

    def outline_text(self) -> str:
        """The tree as indented lines, the way ``outline`` prints it."""
        lines = [self.title] if self.title else []
        for clause in self.clauses:
            units = ""
            if clause.lead_units or clause.responsible_units:
                units = f"  〔牵头：{'、'.join(clause.lead_units) or '—'}；责任：{'、'.join(clause.responsible_units) or '—'}〕"
            lines.append("  " * (clause.level - 1) + f"[{clause.ref}] {clause.display}{units}")
        return "\n".join(lines)
