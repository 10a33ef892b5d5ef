"""One numbering of the comments: the ledger, the adoption table, the attachment and the window agree,
and the numbers stay once a document has gone out."""
from __future__ import annotations

import sqlite3

import docx
from openpyxl import load_workbook

from exports.adoption_table import adoption_rows, write_adoption_table
from exports.explanation import write_explanation
from exports.ledger_xlsx import LEDGER_SHEET, export_ledger
from storage.numbering import comment_numbers, fixed_count
from storage.project import Project
from storage.schema import SCHEMA_VERSION
from tests.fixtures.consultations import taxi_regulation


def table_numbers(path, table_index=0) -> dict[str, str]:
    """comment text → its number in a Word table (序号 first, 意见建议 fourth)."""
    table = docx.Document(str(path)).tables[table_index]
    return {r.cells[3].text.split("\n")[0].split("（")[0]: r.cells[0].text
            for r in table.rows[1:] if r.cells[0].text.isdigit()}


def ledger_numbers(path) -> dict[str, str]:
    ws = load_workbook(path)[LEDGER_SHEET]
    return {row[4].value: str(row[0].value) for row in ws.iter_rows(min_row=3)}


def test_the_ledger_the_table_and_the_attachment_give_each_comment_one_number(tmp_path):
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    ledger = ledger_numbers(export_ledger(project, tmp_path / "汇总表.xlsx") and tmp_path / "汇总表.xlsx")
    table = table_numbers(write_adoption_table(project, tmp_path / "表.docx"))
    attachment = table_numbers(write_explanation(project, tmp_path / "说明.docx"))
    assert ledger == table == attachment
    assert sorted(int(n) for n in ledger.values()) == list(range(1, 8))
    by_clause = {r.body.split("（")[0]: str(r.number) for r in adoption_rows(project, group_by="clause")}
    assert by_clause == ledger


def test_numbers_stay_once_a_document_has_gone_out(tmp_path):
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    before = comment_numbers(project)
    assert fixed_count(project) == 0
    write_adoption_table(project, tmp_path / "表.docx")
    assert fixed_count(project) == len(before)
    # a late comment of the first unit in the list: in table order it would come first
    police = next(u for u in project.units() if u.name == "市公安局")
    late = project.add_comment(round_number=1, unit_id=police.id, clause_ref="第一条", body="建议补充立法依据。").ids[0]
    after = comment_numbers(project)
    assert {k: v for k, v in after.items() if k != late} == before
    assert after[late] == len(before) + 1
    rows = adoption_rows(project)
    assert rows[0].comment_id == late and rows[0].number == 8  # its place by unit, its number for good


def test_the_window_shows_the_same_numbers(tmp_path, qtbot):
    import pytest

    pytest.importorskip("PySide6")
    from PySide6.QtCore import Qt

    from ui.models import COLUMN_INDEX, CommentTableModel

    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    model = CommentTableModel()
    model.set_project(project)
    numbers = comment_numbers(project)
    shown = [model.data(model.index(row, COLUMN_INDEX["id"]), Qt.ItemDataRole.DisplayRole)
             for row in range(model.rowCount())]
    assert shown == [str(n) for n in range(1, 8)]  # the ledger opens in the order of the numbers
    assert [numbers[i] for i in model.ids] == list(range(1, 8))


def test_an_older_file_gains_the_numbers_table_when_upgraded(tmp_path):
    path = tmp_path / "旧.yjt"
    taxi_regulation(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE comment_numbers")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert sorted(comment_numbers(project).values()) == list(range(1, 8))
        assert fixed_count(project) == 0


def test_a_deleted_comment_restored_by_undo_keeps_the_number_it_went_out_with(tmp_path):
    from feedback.commands import AddComments, DeleteComment, ScriptedInteraction, execute

    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    write_adoption_table(project, tmp_path / "表.docx")  # the numbers went out
    went_out = comment_numbers(project)
    first = next(i for i, n in went_out.items() if n == 1)
    delete = DeleteComment(project, first)
    assert execute(delete, ScriptedInteraction()) is not None
    assert first not in comment_numbers(project)
    delete.undo()
    assert comment_numbers(project) == went_out  # 第1号 again, not a new number after the last
    delete.do()
    delete.undo()
    assert comment_numbers(project) == went_out
    # comments logged, gone out, undone and redone keep theirs too
    police = next(u for u in project.units() if u.name == "市公安局")
    add = AddComments(project, [{"round_number": 1, "unit_id": police.id, "clause_ref": "第一条",
                                 "body": "建议补充立法依据。"}])
    execute(add, ScriptedInteraction())
    write_adoption_table(project, tmp_path / "表2.docx")
    numbers = comment_numbers(project)
    add.undo()
    add.do()
    assert comment_numbers(project) == numbers
    project.close()


def test_comments_of_an_undone_import_redone_keep_their_numbers(tmp_path):
    from storage.journal import Journal

    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    police = next(u for u in project.units() if u.name == "市公安局")
    with Journal(project) as journal:
        project.add_comment(round_number=1, unit_id=police.id, clause_ref="第一条", body="建议补充立法依据。")
    write_adoption_table(project, tmp_path / "表.docx")
    numbers = comment_numbers(project)
    journal.undo()
    journal.redo()
    assert comment_numbers(project) == numbers
    project.close()
