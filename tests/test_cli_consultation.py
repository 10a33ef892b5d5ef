"""A whole consultation on the command line: from a draft to the 起草情况说明, and the errors on the way."""
import json
import subprocess
import sys

import pytest
from docx import Document

from tests.conftest import ROOT
from tests.fixtures.revised_drafts import FIRST_DRAFT, FIRST_RULES
from ui.cli import run


def cli(capsys, *args) -> tuple[int, str, str]:
    """One command line, run as ``main.py`` runs it: (exit status, stdout, stderr)."""
    capsys.readouterr()
    try:
        status = run([str(a) for a in args])
    except SystemExit as stop:  # argparse's own refusals
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def document_text(path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "行动计划（征求意见稿）.txt"
    path.write_text("\n".join(FIRST_DRAFT), encoding="gb18030")  # as saved by Notepad on a Chinese Windows
    return path


def test_consultation_from_draft_to_explanation(tmp_path, capsys, draft):
    project = tmp_path / "行动计划.yjt"
    assert cli(capsys, "new", project, "--draft", draft, "--date", "2023-04-06")[0] == 0

    status, out, err = cli(capsys, "plan", project, "--set", "起草单位=市教育局", "主送机关=市人民政府",
                           "简称=《行动计划》", "成文日期=2023年5月10日", "联系人=王某", "电话=0916-2626000")
    assert status == 0 and "主送机关：市人民政府" in out and "成文日期：2023-05-10" in out

    status, out, _ = cli(capsys, "units", project, "--from-draft")
    assert status == 0 and "市财政局" in out and "市人社局" in out
    assert "市教育局" not in out.replace("市教育局（", "")  # the drafting unit itself is not consulted
    assert cli(capsys, "units", project, "--from-draft")[1].startswith("草案中提到的单位都已在名单中")
    assert cli(capsys, "units", project, "--add", "某县教育局", "--category", "县区")[0] == 0

    status, out, _ = cli(capsys, "round", project, "add", "--sent", "2023-04-10", "--deadline", "2023-04-20")
    assert status == 0 and "发送2个单位" in out  # by default the units the draft names
    status, out, _ = cli(capsys, "round", project, "edit", "1", "--deadline", "2023-04-25", "--note", "以函征求",
                         "--units", "市财政局,市人社局,县区")
    assert status == 0 and "截止2023-04-25" in out and "发送3个单位" in out and "以函征求" in out

    forms = tmp_path / "反馈表"
    assert cli(capsys, "forms", project, "--out", forms)[0] == 0
    assert {"市财政局", "市人社局", "某县教育局"} <= {path.stem.split("—")[0] for path in forms.glob("*.xlsx")}

    assert cli(capsys, "comment", project, "add", "--unit", "市财政局", "--clause", "二(二)3",
               "--text", "建议明确薄弱学校改造资金的来源。", "--proposed", "由市、县两级财政分担",
               "--date", "2023-04-18")[0] == 0
    assert cli(capsys, "comment", project, "add", "--unit", "市人社局", "--clause", "二（一）1",
               "--text", "建议将教师职称评聘纳入党建创优考核。")[0] == 0
    assert cli(capsys, "comment", project, "add", "--unit", "市财政局", "--clause", "总体意见",
               "--text", "建议在保障措施中写明经费保障机制。")[0] == 0
    # listed, decided and traced by the 序号 the ledger and every document show (a unit's comments
    # together, 总体意见 first), not by the order they were entered in
    listed = json.loads(cli(capsys, "comment", project, "list", "--json")[1])
    assert [(c["number"], c["id"], c["unit"], c["clause"]) for c in listed] == [
        (1, 3, "市财政局", "总体意见"), (2, 1, "市财政局", "二（二）3"), (3, 2, "市人社局", "二（一）1")]
    assert cli(capsys, "comment", project, "list")[1].splitlines()[0].startswith("1\t第1轮\t市财政局\t总体意见")

    status, out, _ = cli(capsys, "decide", project, "2", "部分采纳", "--reason", "资金来源在实施方案中明确。")
    assert status == 0 and out.startswith("第2号意见")
    refused = cli(capsys, "decide", project, "3", "未采纳")
    assert refused[0] == 2 and "须填写理由" in refused[2]
    assert cli(capsys, "decide", project, "3", "未采纳", "--reason", "职称评聘另有规定。", "--handler", "王某")[0] == 0
    assert cli(capsys, "decide", project, "1", "采纳")[0] == 0
    decided = {c["clause"]: c["disposition"] for c in json.loads(cli(capsys, "comment", project, "list", "--json")[1])}
    assert decided == {"总体意见": "采纳", "二（二）3": "部分采纳", "二（一）1": "未采纳"}

    status, out, _ = cli(capsys, "history", project, "--comment", "3")
    assert status == 0 and "处理：待处理 → 未采纳" in out and "职称评聘另有规定" in out and "王某" in out

    letter = tmp_path / "某县教育局复函.txt"  # the usual shape of a 复函 with no comments
    letter.write_text("市教育局：\n《某市提高教育质量三年行动计划（征求意见稿）》收悉。经研究，我局无修改意见。\n\n"
                      "某县教育局\n2023年4月15日\n", encoding="utf-8")
    assert cli(capsys, "reply", project, letter)[0] == 0
    stats = json.loads(cli(capsys, "stats", project, "--json", "--today", "2023-04-30")[1])
    assert (stats["replied_with_comments"], stats["replied_no_comments"], stats["overdue"]) == (2, 1, 0)
    assert stats["comments_total"] == 3

    explanation = tmp_path / "起草情况说明.docx"
    status, _, err = cli(capsys, "explain", project, "--out", explanation)
    assert status == 0, err
    text = document_text(explanation)
    assert "市人民政府" in text and "共收集意见建议3条" in text
    assert "采纳1条" in text and "部分采纳1条" in text and "未采纳1条" in text
    assert "无修改意见" in text  # the county that replied so


def test_regulation_round_to_all_units_and_refusals(tmp_path, capsys):
    draft = tmp_path / "学校安全管理办法.txt"
    draft.write_text("\n".join(FIRST_RULES), encoding="utf-8")
    project = tmp_path / "办法.yjt"
    assert cli(capsys, "new", project, "--draft", draft)[0] == 0
    refused = cli(capsys, "comment", project, "add", "--unit", "市公安局", "--text", "建议增加护学岗。")
    assert refused[0] == 2 and "请先建立一轮征求意见" in refused[2]
    assert cli(capsys, "units", project, "--add", "市公安局", "--category", "市级部门")[0] == 0
    assert cli(capsys, "units", project, "--add-category", "高校")[0] == 0
    assert cli(capsys, "units", project, "--add", "某市职业技术学院", "--category", "高校")[0] == 0
    unknown_category = cli(capsys, "units", project, "--add", "市卫健委", "--category", "部门")
    assert unknown_category[0] == 2 and "没有“部门”这个单位类别" in unknown_category[2]
    again = cli(capsys, "units", project, "--add", "市公安局", "--category", "市级部门")
    assert again[0] == 2 and "已在名单中" in again[2]

    # the draft names no unit: the round goes to every unit
    status, out, _ = cli(capsys, "round", project, "add", "--method", "书面征求", "--sent", "2023-06-01",
                         "--deadline", "2023-06-15")
    assert status == 0 and "发送2个单位" in out
    backwards = cli(capsys, "round", project, "edit", "1", "--deadline", "2023-05-01")
    assert backwards[0] == 2 and "截止日期不能早于发出日期" in backwards[2]
    assert "截止2023-06-15" in cli(capsys, "round", project, "list")[1]

    status, out, err = cli(capsys, "comment", project, "add", "--unit", "市公安局", "--clause", "第五条",
                           "--text", "建议演练每学期不少于三次。")
    assert status == 0 and "第五条" in out
    missing = cli(capsys, "comment", project, "add", "--unit", "市公安局", "--clause", "第二十条", "--text", "某")
    assert missing[0] == 2 and "没有条款“第二十条”" in missing[2]
    unplaced = cli(capsys, "comment", project, "add", "--unit", "市公安局", "--text", "条款待查。")
    assert unplaced[0] == 0 and "待定位" in unplaced[2]
    assert cli(capsys, "decide", project, "9", "采纳")[2].strip() == "错误：没有序号为9的意见（序号见 comment list 第一列）。"
    # a round put up online goes to the public: no unit is sent it, none is counted as not answering
    status, out, _ = cli(capsys, "round", project, "add", "--method", "网上公开", "--sent", "2023-06-20",
                         "--deadline", "2023-07-20")
    assert status == 0 and "向社会公开，不发送单位" in out and "第2轮（网上公开）" in out and "发送0个单位" in out
    assert cli(capsys, "stats", project, "--round", "5")[2].strip() == "错误：没有第5轮征求意见。"
    unknown = cli(capsys, "plan", project, "--set", "颜色=红")
    assert unknown[0] == 2 and "没有“颜色”这个字段" in unknown[2]


@pytest.mark.parametrize("args, message", [
    (["stats"], "缺少必需的参数：项目"),
    (["stats", "p.yjt", "--today", "2023-02-30"], "“2023-02-30”不是日期"),
    (["stats", "p.yjt", "--round", "二"], "“二”不是整数"),
    (["decide", "p.yjt", "x", "采纳"], "“x”不是正整数"),
    (["decide", "p.yjt", "1", "同意"], "“同意”不是可选的值（可选：待处理、采纳、部分采纳、未采纳、在工作中落实）"),
    (["round", "p.yjt", "add", "--method", "电话"], "“电话”不是征求方式"),
    (["round", "p.yjt"], "缺少必需的参数：操作"),
    (["plan", "p.yjt", "--bogus"], "无法识别的参数：--bogus"),
])
def test_argument_errors_are_one_chinese_line(capsys, args, message):
    status, out, err = cli(capsys, *args)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not any(word in err for word in ("usage", "error", "argument", "invalid"))


def test_help_and_unknown_command_in_chinese(tmp_path):
    def main(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120)

    unknown = main("reviseee", "p.yjt")
    assert unknown.returncode == 2 and "未知的命令“reviseee”" in unknown.stderr and "找不到项目文件" not in unknown.stderr
    helped = main("round", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("用法：") and "显示本说明后退出" in helped.stdout
    assert "usage" not in helped.stdout and "options" not in helped.stdout and "positional" not in helped.stdout
    window = main("--help")
    assert window.stdout.startswith("用法：") and "选项" in window.stdout
    bad_date = main("plan", "p.yjt", "--set", "成文日期=五月")
    assert bad_date.returncode == 2 and "不是日期" in bad_date.stderr and "ValueError" not in bad_date.stderr
