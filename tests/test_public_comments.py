"""Public consultation exports: any encoding, a column mapping, duplicates grouped."""
import csv
import io
import zipfile
from argparse import Namespace
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from exports.ledger_xlsx import LEDGER_SHEET, export_ledger
from exports.public_comments import guess_mapping, import_public_comments, read_public_table
from exports.xlsx_safety import SheetFileError
from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, RoundMethod, UnitCategory
from storage.intake import PUBLIC_UNIT_NAME
from storage.project import Project

CAMPAIGN = "强烈建议增加中小学体育课时，保证每天锻炼一小时！"
HEADERS = ["序号", "网名", "留言内容", "涉及条款", "留言时间"]


@pytest.fixture
def project(tmp_path, demo_lines):
    project = Project.create(tmp_path / "计划.yjt", parse_lines(demo_lines), title="测试计划")
    yield project
    project.close()


def sample_rows():
    rows = [[i + 1, f"网友{i}", CAMPAIGN, "三（四）8", f"2023-04-{1 + i % 9:02d} 10:00"] for i in range(10_000)]
    rows += [[10_001, "家长甲", "强烈建议增加中小学体育课时，保证每天锻炼1小时", "三(四)8 落实“五育并举”要求", "2023/4/2"],
             [10_002, "老师乙", "=HYPERLINK(\"http://example.com\",\"点击\")", "", "2023年4月3日"],
             [10_003, "学生丙", "希望减少作业量，增加睡眠时间。", "不知道", "昨天"],
             [10_004, "", "", "", ""]]
    return rows


def write_xlsx(path, rows, headers=HEADERS, title=True):
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("留言")
    if title:
        ws.append(["汉中市教育局网上征求意见留言导出"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_guess_mapping_from_header_names():
    assert guess_mapping(["姓名", "意见建议", "章节", "提交时间"]) == \
        {"text": "意见建议", "submitter": "姓名", "clause": "章节", "date": "提交时间"}
    assert guess_mapping(["提交人", "意见条款", "具体意见"]) == {"text": "具体意见", "submitter": "提交人", "clause": "意见条款"}
    assert guess_mapping(["编号", "内容"]) == {"text": "内容"}
    for clause in ("所涉部分", "涉及部分", "所涉条款"):
        assert guess_mapping(["昵称", "留言", clause, "时间"]) == \
            {"text": "留言", "submitter": "昵称", "clause": clause, "date": "时间"}
    assert guess_mapping(["留言", "部分"]) == {"text": "留言"}  # 部分 alone says nothing
    assert guess_mapping(["a", "b"]) == {}


def test_ten_thousand_identical_submissions_become_one_comment(project, tmp_path):
    path = write_xlsx(tmp_path / "留言.xlsx", sample_rows())
    with pytest.raises(LedgerError, match="网上公开"):
        import_public_comments(project, path)
    assert project.count_comments() == 0 and not project.rounds()
    report = import_public_comments(project, path, create_round=True)
    assert (report.status, report.submissions, report.comments, report.largest_group, report.skipped_blank) == \
        ("imported", 10_003, 3, 10_001, 1)
    assert report.duplicate_groups == 1 and report.to_json()["duplicate_groups"] == 1
    assert report.mapping == {"text": "留言内容", "submitter": "网名", "clause": "涉及条款", "date": "留言时间"}
    (rnd,) = project.rounds()
    assert rnd.method is RoundMethod.ONLINE
    comments = project.comments()
    assert [(c.unit_name, c.category, c.clause_ref, c.submissions) for c in comments] == [
        (PUBLIC_UNIT_NAME, UnitCategory.PUBLIC.label, "三（四）8", 10_001),
        (PUBLIC_UNIT_NAME, UnitCategory.PUBLIC.label, "待定位", 1),
        (PUBLIC_UNIT_NAME, UnitCategory.PUBLIC.label, "待定位", 1)]
    assert comments[0].body == CAMPAIGN and comments[0].received_on == date(2023, 4, 1)
    kept = project.db.execute("SELECT count(*), count(DISTINCT comment_id) FROM public_submissions").fetchone()
    assert kept == (10_003, 3)
    one = next(project.db.query("SELECT * FROM public_submissions WHERE submitter = '家长甲'"))
    assert one["clause_text"] == "三(四)8 落实“五育并举”要求" and one["submitted_on"] == "2023-04-02"
    assert one["source_row"] == 10_003  # title row, header row, then the data

    project.set_disposition(comments[0].id, Disposition.ADOPTED, handler="起草组")
    stats = project.statistics()
    assert stats.comments_total == 3 and stats.by_disposition["采纳"] == 1
    again = import_public_comments(project, path)
    assert again.status == "unchanged" and project.count_comments() == 3

    out = tmp_path / "台账.xlsx"
    export_ledger(project, out)
    ws = load_workbook(out)[LEDGER_SHEET]
    assert ws["B3"].value == f"{PUBLIC_UNIT_NAME}（10001人次）" and ws["G3"].value == "采纳"
    formula = ws["E4"]
    assert formula.value == "=HYPERLINK(\"http://example.com\",\"点击\")" and formula.data_type == "s"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_in_any_encoding(project, tmp_path, encoding):
    rows = [[1, "张三", "建议增加心理健康教师编制", "三（九）23", "2023-04-02"],
            [2, "李四", "建議增加心理健康教師編制。", "", ""]]
    path = write_csv(tmp_path / "导出.csv", rows, encoding)
    table = read_public_table(path)
    assert table.headers == HEADERS and table.rows[0][2] == "建议增加心理健康教师编制"
    project.add_round(method=RoundMethod.ONLINE)
    report = import_public_comments(project, path, {"text": "留言内容", "submitter": "网名"})
    assert (report.submissions, report.comments) == (2, 1)
    assert project.comments()[0].submissions == 2


def test_an_unusual_encoding_is_guessed(project, tmp_path):
    path = tmp_path / "big5.csv"
    path.write_bytes("留言內容,網名\n建議加強體育課程的師資配備與場地建設,王五\n".encode("big5"))
    assert read_public_table(path).rows == [["建議加強體育課程的師資配備與場地建設", "王五"]]


def test_a_mapping_naming_a_missing_column_is_refused(project, tmp_path):
    path = write_xlsx(tmp_path / "留言.xlsx", sample_rows()[:3])
    project.add_round(method=RoundMethod.ONLINE)
    with pytest.raises(SheetFileError, match="表头中没有“意见”这一列"):
        import_public_comments(project, path, {"text": "意见"})
    assert project.count_comments() == 0


@pytest.mark.parametrize("kind", ["random", "declared", "bomb"])
def test_hostile_files_are_refused_in_one_line(project, tmp_path, kind):
    path = tmp_path / "网上意见.xlsx"
    if kind == "random":
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 50)
    elif kind == "declared":
        write_xlsx(path, [[1, "a", "b", "", ""]], title=False)
        with zipfile.ZipFile(path) as archive:
            parts = {n: archive.read(n) for n in archive.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<sheetData>", b'<dimension ref="A1:E2000000"/><sheetData>') \
            if b"<dimension" not in sheet else sheet.replace(b'ref="A1:E2"', b'ref="A1:E2000000"')
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    elif kind == "bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", b" " * (80 * 1024 * 1024))
    project.add_round(method=RoundMethod.ONLINE)
    with pytest.raises(SheetFileError) as error:
        import_public_comments(project, path, {"text": "留言内容"})
    message = str(error.value)
    assert "网上意见.xlsx" in message and "\n" not in message
    assert project.count_comments() == 0


def test_import_public_command(project, tmp_path, capsys):
    from ui.cli.sheets import run_import_public

    path = write_xlsx(tmp_path / "留言.xlsx", sample_rows()[:20])
    project_path = project.path
    project.close()
    status = run_import_public(Namespace(project=project_path, file=path, map="text=留言内容,submitter=网名",
                                         round=None, new_round=True, sheet=None))
    assert status == 0
    out = capsys.readouterr().out
    assert "20条网上意见归并为1条意见" in out and "其中1组为相同或相近的意见" in out


def test_an_export_saved_by_excel_imports_the_same_and_only_once(project, tmp_path):
    """Shared strings (Excel, WPS) or inline text (generated exports) give the same comments."""
    from tests.test_xlsx_reader import with_shared_strings

    rows = sample_rows()[:30] + [[31, "家长丁", "建議增加心理健康教師編制。", "三（九）23", datetime(2023, 4, 5, 8, 0)],
                                 [32, "家长戊", "建议增加心理健康教师编制", "", None]]
    inline = write_xlsx(tmp_path / "生成.xlsx", rows)
    excel = with_shared_strings(write_xlsx(tmp_path / "保存.xlsx", rows))
    assert read_public_table(inline).rows == read_public_table(excel).rows
    assert read_public_table(excel).row_numbers[:2] == [3, 4]
    project.add_round(method=RoundMethod.ONLINE)
    report = import_public_comments(project, excel)
    assert (report.rows, report.submissions, report.comments, report.largest_group) == (32, 32, 2, 30)
    assert report.duplicate_groups == 2
    comments = {c.body: c for c in project.comments()}
    assert comments["建議增加心理健康教師編制。"].submissions == 2
    assert comments["建議增加心理健康教師編制。"].received_on == date(2023, 4, 5)
    again = import_public_comments(project, excel)
    assert again.status == "unchanged" and project.count_comments() == 2


def test_a_table_already_read_imports_without_opening_the_file(project, tmp_path, monkeypatch):
    from exports import public_comments

    path = write_xlsx(tmp_path / "留言.xlsx", sample_rows()[:20] + sample_rows()[-4:])
    table = read_public_table(path)
    data = path.read_bytes()
    path.unlink()  # the import needs only what was read
    reads = []
    monkeypatch.setattr(public_comments, "_table_rows", lambda *a, **k: reads.append(a) or None)
    project.add_round(method=RoundMethod.ONLINE)
    report = import_public_comments(project, table, {"text": "留言内容", "submitter": "网名", "clause": "涉及条款"})
    assert reads == []
    assert (report.status, report.file, report.submissions, report.comments, report.duplicate_groups) == \
        ("imported", "留言.xlsx", 23, 3, 1)
    assert "其中1组为相同或相近的意见，最多的一组有21人次提出" in report.message
    assert {c.body: c.submissions for c in project.comments()}[CAMPAIGN] == 21
    monkeypatch.undo()

    path.write_bytes(data)  # the same file again, from disk this time
    assert read_public_table(path).checksum == table.checksum
    assert import_public_comments(project, path).status == "unchanged"
    assert project.count_comments() == 3


def test_a_table_made_without_a_file_is_known_by_its_content(project):
    from exports.public_comments import PublicTable

    table = PublicTable("手工.csv", ["留言"], [["建议增加体育课时"], ["建议增加体育课时"], ["希望减少作业"]], [2, 3, 4])
    project.add_round(method=RoundMethod.ONLINE)
    first = import_public_comments(project, table)
    assert (first.comments, first.duplicate_groups, first.largest_group) == (2, 1, 2)
    again = import_public_comments(project, PublicTable("手工.csv", ["留言"], [list(r) for r in table.rows], [2, 3, 4]))
    assert again.status == "unchanged" and project.count_comments() == 2


def test_quotes_typed_in_a_comment_survive_a_csv_with_windows_line_ends(project, tmp_path):
    """Python's CSV sniffer misreads doubled quotes in the last column when lines end in CR LF (as
    websites' exports do); the text must come in as typed."""
    typed = ['建议将"每年划拨专门资金"修改为"统筹安排资金"', '=HYPERLINK("http://example.com")', "建议增加体育课时"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # CR LF, doubled quotes, the message last as the export puts it
    writer.writerows([["网名", "留言时间", "留言内容"]] + [[f"网友{i}", "2023-04-02 10:00", text]
                                                         for i, text in enumerate(typed)])
    path = tmp_path / "留言导出.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    assert b'""' in path.read_bytes() and b"\r\n" in path.read_bytes()
    assert [row[2] for row in read_public_table(path).rows] == typed
    project.add_round(method=RoundMethod.ONLINE)
    import_public_comments(project, path, {"text": "留言内容", "submitter": "网名"})
    assert sorted(c.body for c in project.comments()) == sorted(typed)
