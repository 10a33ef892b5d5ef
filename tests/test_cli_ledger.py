"""The ledger commands as a user types them."""
import json
import subprocess
import sys

from tests.conftest import DEMO_DRAFT, ROOT


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_demo_project_then_stats_json(tmp_path):
    project = tmp_path / "演示.yjt"
    assert run("demo-project", project).returncode == 0
    result = run("stats", project, "--json", "--today", "2023-04-27")
    assert result.returncode == 0
    stats = json.loads(result.stdout)
    assert {"units_consulted", "replied_with_comments", "replied_no_comments", "overdue", "comments_total",
            "by_disposition", "by_unit", "by_clause", "sentence"} <= set(stats)
    assert stats["units_consulted"] == {"市级部门": 19, "县区": 11, "局属单位": 33, "其他": 1}
    assert sum(stats["by_disposition"].values()) == stats["comments_total"] == 32
    assert stats["overdue"] == 4 and "共收集意见建议32条" in stats["sentence"]
    again = run("demo-project", project)
    assert again.returncode == 2 and "--force" in again.stderr


def test_new_search_units_and_errors(tmp_path):
    project = tmp_path / "p.yjt"
    created = run("new", project, "--draft", DEMO_DRAFT, "--title", "测试计划")
    assert created.returncode == 0 and "条款" in created.stdout
    found = run("search", project, "集团化办学")
    assert found.returncode == 0 and "三（十）26" in found.stdout
    registry = tmp_path / "名录.csv"
    registry.write_text("单位名称,单位类别\n市公安局,市级部门\n", encoding="utf-8")
    assert run("units", project, "--import", registry).returncode == 0
    assert "市公安局" in run("units", project).stdout
    missing = run("stats", tmp_path / "无.yjt")
    assert missing.returncode == 2 and "无.yjt" in missing.stderr and "Traceback" not in missing.stderr
    bad_draft = tmp_path / "草案.pdf"
    bad_draft.write_bytes(b"%PDF-1.4")
    refused = run("new", tmp_path / "q.yjt", "--draft", bad_draft)
    assert refused.returncode == 2 and "草案.pdf" in refused.stderr and not (tmp_path / "q.yjt").exists()
