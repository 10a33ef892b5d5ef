"""The context menu of the ledger's clause tree: fix the tree of the newest draft by hand.

升一级 / 降一级 / 并入上一条 / 拆分…, each an undoable ``ReshapeOutline`` run through the
window's undo bridge; comments on the clauses concerned follow them.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu

from ui.text import tr


def reshape_actions(project, ref: str) -> list[tuple[str, object]]:
    """The menu's (text, operation) pairs for the clause ``ref``."""
    from feedback.outline_commands import change_level, join_with_previous

    return [
        (tr("升一级"), lambda clauses: change_level(clauses, ref, -1)),
        (tr("降一级"), lambda clauses: change_level(clauses, ref, +1)),
        (tr("并入上一条"), lambda clauses: join_with_previous(clauses, ref)),
    ]


def split_operation(project, ref: str, line: int):
    from feedback.outline_commands import split_at_line

    style = project.draft().style
    return lambda clauses: split_at_line(clauses, ref, line, regulation=style == "regulation")


def install(page) -> None:
    """Give the ledger page's clause tree its menu (``page`` has ``tree``, ``tree_model``, ``window``)."""
    page.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    page.tree.customContextMenuRequested.connect(lambda point: _show(page, point))


def _show(page, point) -> None:
    from feedback.outline_commands import ReshapeOutline

    project = page.window.project
    ref = page.tree_model.ref_at(page.tree.indexAt(point))
    if project is None or project.read_only or not ref:
        return
    menu = QMenu(page.tree)
    for text, operation in reshape_actions(project, ref):
        menu.addAction(text, lambda op=operation: page.window.bridge.run(ReshapeOutline(project, None, op)))
    menu.addAction(tr("拆分…"), lambda: _split(page, project, ref))
    menu.exec(page.tree.viewport().mapToGlobal(point))


def _split(page, project, ref: str) -> None:
    from feedback.outline_commands import ReshapeOutline

    clause = next((c for c in project.clauses() if c.ref == ref), None)
    lines = clause.text.split("\n") if clause and clause.text else []
    if len(lines) < 2:
        page.window.interaction.inform(tr("“{0}”的正文只有一段，无处拆分。").format(ref))
        return
    choice, accepted = QInputDialog.getItem(page, tr("拆分条款"), tr("从哪一段起拆出为新条款："),
                                            [f"{i + 1}. {line[:30]}" for i, line in enumerate(lines)][1:], 0, False)
    if accepted:
        line = int(choice.split(".", 1)[0]) - 1
        page.window.bridge.run(ReshapeOutline(project, None, split_operation(project, ref, line)))
