"""A unit's form sent again: unchanged rows keep their decisions, edited rows ask, the report counts truly."""
import subprocess
import sys

from exports.forms import collect_forms, form_context, write_form
from feedback.vocabulary import Disposition
from storage.intake import pair_resubmission
from tests.conftest import ROOT
from tests.fixtures.fill_forms import fill_form
from tests.test_forms import OPTION_TASK4, project, unit_id  # noqa: F401 (fixture)

OPTION_TASK5 = "三（二）5"
FIRST = [(OPTION_TASK4, "建议明确智慧校园建设的年度目标和经费来源。", "", ""),
         ("总体意见", "建议增加对农村学校的倾斜政策。", "", ""),
         (OPTION_TASK4, "建议将千兆光纤改为万兆光纤。", "", "")]


def _first_round(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    first = fill_form(form, FIRST, out=tmp_path / "第一次.xlsx")
    assert collect_forms(project, [first])[0].status == "imported"
    ids = {c.body: c.id for c in project.comments()}
    project.set_disposition(ids[FIRST[0][1]], Disposition.ADOPTED, handler="起草组")
    project.set_disposition(ids[FIRST[1][1]], Disposition.REJECTED, reason="已有相关表述", handler="起草组")
    project.set_disposition(ids[FIRST[2][1]], Disposition.PARTLY_ADOPTED, reason="表述调整", handler="起草组")
    return form, ids


# the unit sends the form again: row 1 unchanged, row 2 reworded, row 3 dropped, one new row
SECOND = [FIRST[0], ("总体意见", "建议增加对农村学校和薄弱学校的倾斜政策。", "", ""),
          (OPTION_TASK4, "建议补充教师信息技术应用能力培训的内容。", "", "")]


def test_unchanged_rows_keep_decisions_and_edited_rows_ask(project, tmp_path):
    form, ids = _first_round(project, tmp_path)
    second = fill_form(form, SECOND, out=tmp_path / "第二次.xlsx")
    asked = []

    def confirm(question):
        asked.append(question)
        return question.kind == "replace" or False  # replace: yes; the edited row: back to 待处理

    report = collect_forms(project, [second], confirm=confirm)[0]
    assert report.status == "replaced"
    assert [q.kind for q in asked] == ["replace", "edited"]
    assert "已未采纳" in asked[1] and "倾斜政策" in asked[1]
    assert report.message.endswith("（现3条：保留1条，修改1条（1条退回待处理），新增1条；删除1条）")
    comments = {c.id: c for c in project.comments()}
    assert comments[ids[FIRST[0][1]]].disposition is Disposition.ADOPTED  # unchanged: kept
    edited = comments[ids[FIRST[1][1]]]
    assert edited.body == SECOND[1][1] and edited.disposition is Disposition.PENDING
    assert [h.field for h in project.history(edited.id)][-2:] == ["body", "disposition"] or \
        {"body", "disposition"} <= {h.field for h in project.history(edited.id)}
    bodies = sorted(c.body for c in comments.values())
    assert bodies == sorted(row[1] for row in SECOND)  # row 3 dropped by the unit, the new row added
    assert len(comments) == 3


def test_an_edited_row_can_keep_its_decision(project, tmp_path):
    form, ids = _first_round(project, tmp_path)
    second = fill_form(form, SECOND, out=tmp_path / "第二次.xlsx")
    report = collect_forms(project, [second], confirm=lambda q: True)[0]
    assert report.message.endswith("（现3条：保留1条，修改1条，新增1条；删除1条）")
    edited = project.comment(ids[FIRST[1][1]])
    assert edited.body == SECOND[1][1] and edited.disposition is Disposition.REJECTED
    assert edited.reason == "已有相关表述"


def test_the_issue_case_two_rows_kept_is_said_so(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    first = fill_form(form, FIRST[:2], out=tmp_path / "v1.xlsx")
    collect_forms(project, [first])
    second = fill_form(form, FIRST, out=tmp_path / "v2.xlsx")
    report = collect_forms(project, [second], confirm=lambda q: True)[0]
    assert report.message.endswith("（现3条：保留2条，修改0条，新增1条；删除0条）")


def test_pairing_by_text_and_clause():
    from feedback.ledger import Comment

    old = [Comment(1, 1, 1, "甲", "市级部门", "一1", "建议增加经费保障。"),
           Comment(2, 1, 1, "甲", "市级部门", "一2", "建议删除本条。"),
           Comment(3, 1, 1, "甲", "市级部门", "一3", "建议明确牵头单位。")]
    rows = [dict(clause_ref="一1", body="建议增加经费保障。"),  # same
            dict(clause_ref="二1", body="建议删除本条。"),  # moved to another clause: edited
            dict(clause_ref="一3", body="建议明确牵头单位和责任单位。"),  # reworded on the same clause: edited
            dict(clause_ref="一3", body="完全不同的另一条意见，关于学前教育。")]  # new
    paired = pair_resubmission(old, rows)
    assert [i for _, i in paired.kept] == [1]
    assert sorted(i for _, i in paired.edited) == [2, 3]
    assert [r["body"] for r in paired.added] == ["完全不同的另一条意见，关于学前教育。"] and paired.removed == []


def test_collect_command_reports_the_default_for_edited_rows(project, tmp_path):
    form, ids = _first_round(project, tmp_path)
    second = fill_form(form, SECOND, out=tmp_path / "第二次.xlsx")
    path = project.path
    project.close()
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "collect", str(path), str(second), "--replace"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "保留1条，修改1条（1条退回待处理），新增1条；删除1条" in result.stdout
    assert "1条已处理的意见在新反馈表中有改动，已退回待处理" in result.stderr and "--edited keep" in result.stderr


def test_the_json_report_counts_a_replacement(project, tmp_path):
    import json

    form, ids = _first_round(project, tmp_path)
    second = fill_form(form, SECOND, out=tmp_path / "第二次.xlsx")
    path = project.path
    project.close()
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "collect", str(path), str(second), "--replace",
                             "--edited", "keep", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["status"] == "replaced" and report["comments"] == 3
    assert report["counts"] == {"kept": 1, "changed": 1, "reopened": 0, "added": 1, "removed": 1}
