"""A mistake on the command line is told in one Chinese line with exit status 2; help is in Chinese."""
import pytest

from tests.test_cli_ledger import run


@pytest.mark.parametrize("args, told", [
    (("redline", "项目.yjt"), "缺少必需的参数：--out"),
    (("redline", "项目.yjt", "--out", "x.docx", "--from", "一"), "参数 --from 应为整数，'一' 不是"),
    (("collect", "项目.yjt", "表.xlsx", "--replace", "--edited", "maybe"), "参数 --edited 不能取 'maybe'"),
    (("letter", "项目.yjt", "--round", "2", "--out", "函.docx", "--unti", "市公安局"), "无法识别的参数"),
    (("matches", "项目.yjt", "--explain"), "参数 --explain 后面缺少取值"),
])
def test_a_wrong_command_line_is_one_chinese_line(args, told):
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and told in lines[0], result.stderr
    assert "usage" not in result.stderr and "error" not in result.stderr


def test_help_is_in_chinese():
    for args in (("--help",), ("redline", "--help")):
        result = run(*args)
        assert result.returncode == 0
        assert "用法：" in result.stdout and "选项" in result.stdout and "显示本帮助并退出" in result.stdout
        assert "usage" not in result.stdout and "show this help" not in result.stdout
