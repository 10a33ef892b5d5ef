"""Existing comment tables (an earlier round's 意见采纳情况表, another office's) brought in with their
published decisions: columns mapped, published wordings read as the four dispositions, ambiguous ones asked."""
import csv

import docx
import pytest
from openpyxl import Workbook

from exports.public_comments import disposition_of, guess_mapping, read_comment_table
from feedback.outline import parse_lines
from feedback.vocabulary import UNPLACED_CLAUSE_REF, Disposition
from storage.project import Project
from tests.fixtures import replies
from ui.cli import run

# The columns and wordings of published 意见采纳情况表: 序号 / 单位（个人）/ 条款 / 意见内容 / 是否采纳 / 采纳理由 / 备注
HEADERS = ["序号", "提出单位", "条款", "意见内容", "是否采纳", "采纳理由", "备注"]
ROWS = [
    ["1", "某某县财政局", "第4条", "建议将“每年安排专项资金500万元”改为统筹安排。", "予以采纳", "", ""],
    ["2", "某某县发展和改革局", "二（二）3", "覆盖率目标建议提高到95%。", "部分采纳", "目标调整为92%，与省级规划衔接。", ""],
    ["3", "某某县财政局", "第十二条", "建议增加水价补贴条款。", "不予采纳", "水价补贴另有专门文件规定。", ""],
    ["4", "某某县发展和改革局", "总体意见", "建议明确各乡镇管护经费。", "转有关部门研究", "", ""],
    ["5", "县委宣传部", "第2条", "建议公开水质检测结果。", "是", "", ""],
]


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "供水方案.yjt"
    with Project.create(path, parse_lines(replies.draft_lines())) as project:
        for name in ("财政局", "县委宣传部", "发展和改革局"):
            project.add_unit(name, "市级部门")
        project.add_round(recipients=[1, 2, 3])
    return path


def xlsx(path, rows=ROWS, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某某县城乡供水一体化实施方案征求意见采纳情况表"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_published_wordings_map_to_the_four_dispositions():
    assert {w: disposition_of(w) for w in ("是", "同意采纳", "已采纳", "吸收采纳", "否", "未予采纳", "部分采纳",
                                          "在下一步工作中考虑")} == {
        "是": Disposition.ADOPTED, "同意采纳": Disposition.ADOPTED, "已采纳": Disposition.ADOPTED,
        "吸收采纳": Disposition.ADOPTED, "否": Disposition.REJECTED, "未予采纳": Disposition.REJECTED,
        "部分采纳": Disposition.PARTLY_ADOPTED, "在下一步工作中考虑": Disposition.IN_WORK}
    assert disposition_of("部分或全部采纳") is None and disposition_of("予以解释说明") is None


def test_the_columns_of_an_adoption_table_are_guessed():
    assert guess_mapping(HEADERS) == {"text": "意见内容", "clause": "条款", "unit": "提出单位",
                                      "disposition": "是否采纳", "reason": "采纳理由"}


def test_an_adoption_table_comes_in_with_its_decisions_and_reasons(project_file, tmp_path):
    with Project.open(project_file) as project:
        intake = read_comment_table(project, xlsx(tmp_path / "采纳情况表.xlsx"), guess_mapping(HEADERS), round_number=1)
    rows = [(i["unit_id"], i["clause_ref"], i["disposition"], i["reason"]) for i in intake.items]
    assert rows == [
        (1, "二（二）4", Disposition.ADOPTED, ""),
        (3, "二（二）3", Disposition.PARTLY_ADOPTED, "目标调整为92%，与省级规划衔接。"),
        (1, UNPLACED_CLAUSE_REF, Disposition.REJECTED, "水价补贴另有专门文件规定。"),
        (3, "总体意见", Disposition.IN_WORK, "转有关部门研究"),
        (2, "二（一）2", Disposition.ADOPTED, ""),
    ]
    assert intake.items[3]["work_item"] == "相关工作"  # 转有关部门研究 names no work: told, not pasted as one
    assert any("第" in n and "转有关部门研究" in n and "相关工作" in n for n in intake.notes)
    assert any("第5行" in n and "第十二条" in n for n in intake.notes)


def test_an_ambiguous_wording_is_asked_and_refused_unanswered(project_file, tmp_path):
    rows = [["1", "某某县财政局", "第4条", "建议统筹安排。", "予以解释说明", "已向提出单位作出说明。", ""]]
    path = xlsx(tmp_path / "表.xlsx", rows)
    with Project.open(project_file) as project:
        with pytest.raises(Exception, match="第3行的处理结果“予以解释说明”不能确定"):
            read_comment_table(project, path, guess_mapping(HEADERS), round_number=1)
        asked = []
        intake = read_comment_table(project, path, guess_mapping(HEADERS), round_number=1,
                                    choose=lambda question, options: asked.append(question) or "未采纳")
    assert intake.items[0]["disposition"] is Disposition.REJECTED and "予以解释说明" in asked[0]


def test_import_public_with_a_disposition_mapping_from_csv(project_file, tmp_path, capsys):
    path = tmp_path / "另一办公室的意见表.csv"
    headers = ["单位（个人）", "涉及条款", "意见建议", "处理意见", "理由"]
    with open(path, "w", encoding="gb18030", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(headers)
        writer.writerow(["县委宣传部", "第5条", "建议每季度召开联席会议。", "同意采纳", ""])
        writer.writerow(["财政局", "第1条", "建议删除“依法”。", "不予采纳", "依法清理是法定要求。"])
    assert run(["import-public", str(project_file), str(path),
                "--map", "unit=单位（个人）,clause=涉及条款,text=意见建议,disposition=处理意见,reason=理由"]) == 0
    with Project.open(project_file, read_only=True) as project:
        logged = [(c.unit_name, c.clause_ref, c.disposition, c.reason) for c in project.comments()]
    assert logged == [("县委宣传部", "三（一）5", Disposition.ADOPTED, ""),
                      ("财政局", "二（一）1", Disposition.REJECTED, "依法清理是法定要求。")]
    assert "已导入2条意见" in capsys.readouterr().out


def test_a_word_table_of_comments(project_file, tmp_path):
    document = docx.Document()
    document.add_paragraph("征求意见采纳情况表")
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADERS))
    for column, text in enumerate(HEADERS):
        table.cell(0, column).text = text
    for index, row in enumerate(ROWS, 1):
        for column, text in enumerate(row):
            table.cell(index, column).text = text
    document.save(tmp_path / "采纳情况表.docx")
    with Project.open(project_file) as project:
        intake = read_comment_table(project, tmp_path / "采纳情况表.docx", guess_mapping(HEADERS), round_number=1)
    assert [i["disposition"] for i in intake.items][:3] == [Disposition.ADOPTED, Disposition.PARTLY_ADOPTED,
                                                            Disposition.REJECTED]
