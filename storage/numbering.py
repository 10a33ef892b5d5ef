"""One number per comment, the same in the ledger, the adoption table, the
explanation's attachment, the replies and the window.

Until a document goes out the numbers follow the order of the adoption table by
unit: round, unit (by category, then as entered), clause in draft order (总体意见
first, 待定位 last). When a document is written the numbers are fixed
(``fix_numbers``): kept in the ``comment_numbers`` table, they never change after,
and comments logged later are numbered after the highest one, in the same order.
A comment deleted and brought back (undo, redo) gets its fixed number back
(``numbers_of`` before, ``put_back`` after).
"""
from __future__ import annotations

from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF

# the comments in the order of the adoption table by unit
_ORDER_SQL = f"""
SELECT c.id, n.number
FROM comments c
JOIN rounds r ON r.id = c.round_id
JOIN units u ON u.id = c.unit_id
LEFT JOIN categories k ON k.name = u.category
LEFT JOIN clauses cl ON cl.version_id = r.version_id AND cl.ref = c.clause_ref
LEFT JOIN comment_numbers n ON n.comment_id = c.id
ORDER BY r.number, coalesce(k.position, 1000000), u.id,
         CASE WHEN c.clause_ref = '{GENERAL_CLAUSE_REF}' THEN 0 WHEN cl.id IS NOT NULL THEN 1
              WHEN c.clause_ref = '{UNPLACED_CLAUSE_REF}' THEN 3 ELSE 2 END,
         cl.position, c.clause_ref, c.id
"""

NUMBER_ORDER_TERMS = (
    "coalesce((SELECT n.number FROM comment_numbers n WHERE n.comment_id = c.id), 1000000000)",
    "r.number", "coalesce((SELECT k.position FROM categories k WHERE k.name = u.category), 1000000)", "u.id",
    f"CASE WHEN c.clause_ref = '{GENERAL_CLAUSE_REF}' THEN 0 WHEN c.clause_ref = '{UNPLACED_CLAUSE_REF}' THEN 3 "
    "WHEN (SELECT 1 FROM clauses cl WHERE cl.version_id = r.version_id AND cl.ref = c.clause_ref) THEN 1 ELSE 2 END",
    "(SELECT cl.position FROM clauses cl WHERE cl.version_id = r.version_id AND cl.ref = c.clause_ref)",
    "c.clause_ref", "c.id")
"""ORDER BY terms over comments ``c``, rounds ``r``, units ``u`` giving the comments in
the order of their numbers (``Project.comment_ids(order=…)``)."""
NUMBER_ORDER = ", ".join(NUMBER_ORDER_TERMS)


def comment_numbers(project) -> dict[int, int]:
    """comment id → its number: the fixed ones, the others after the highest, in table order."""
    rows = project.db.execute(_ORDER_SQL).fetchall()
    numbers = {comment_id: number for comment_id, number in rows if number is not None}
    following = max(numbers.values(), default=0)
    for comment_id, number in rows:
        if number is None:
            following += 1
            numbers[comment_id] = following
    return numbers


def fix_numbers(project) -> dict[int, int]:
    """Keep the numbers of every comment not yet numbered (a document is going out);
    a project opened read-only keeps none and the numbers are those it would keep."""
    numbers = comment_numbers(project)
    if project.read_only:
        return numbers
    fixed = {r[0] for r in project.db.execute("SELECT comment_id FROM comment_numbers")}
    new = [(comment_id, number) for comment_id, number in numbers.items() if comment_id not in fixed]
    if new:
        with project.transaction():
            project.db.conn.executemany("INSERT INTO comment_numbers(comment_id, number) VALUES (?, ?)", new)
    return numbers


def fixed_count(project) -> int:
    """How many comments bear a fixed number (0 until a document has gone out)."""
    return project.db.execute("SELECT count(*) FROM comment_numbers").fetchone()[0]


def numbers_of(project, comment_ids) -> dict[int, int]:
    """The fixed numbers of these comments (to give back if they are deleted and restored)."""
    ids = list(comment_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(project.db.execute(f"SELECT comment_id, number FROM comment_numbers WHERE comment_id IN ({marks})",
                                   ids).fetchall())


def put_back(project, numbers: dict[int, int]) -> None:
    """Give restored comments the numbers they had; one given to another comment since stays
    with that one (the restored comment is numbered after the highest then)."""
    if numbers:
        project.db.conn.executemany(
            "INSERT OR IGNORE INTO comment_numbers(comment_id, number) "
            "SELECT ?, ? WHERE EXISTS (SELECT 1 FROM comments WHERE id = ?)",
            [(comment_id, number, comment_id) for comment_id, number in numbers.items()])
