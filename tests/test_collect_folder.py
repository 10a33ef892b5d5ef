"""A folder given to ``collect``: every file reported, replies in other formats said plainly."""
from __future__ import annotations

import json
import shutil
from argparse import Namespace

from tests.fixtures.fill_forms import fill_form
from tests.test_forms import OPTION_TASK4, project  # noqa: F401 - the fixture


def test_every_file_in_the_folder_is_reported(project, tmp_path, capsys):  # noqa: F811
    from ui.cli.sheets import run_collect, run_forms

    path = project.path
    project.close()
    assert run_forms(Namespace(project=path, out=tmp_path / "f", round=None, single_workbook=False)) == 0
    replies = tmp_path / "收到的反馈"
    (replies / "县区").mkdir(parents=True)
    def form_of(unit: str):  # forms are named 单位—文稿简称—反馈表.xlsx
        return next((tmp_path / "f").glob(f"{unit}—*.xlsx"))

    shutil.copy(fill_form(form_of("市财政局"), [(OPTION_TASK4, "建议增加督导内容", "", "")]),
                replies / "市财政局.xlsx")
    # units that saved the form in another program's format (real replies come like this)
    (replies / "汉台区.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    (replies / "县区" / "市公安局.et").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    shutil.copy(form_of("市第一中学"), replies / "市第一中学.ods")
    (replies / "市体育局意见.docx").write_bytes(b"PK\x03\x04")
    (replies / "~$市财政局.xlsx").write_bytes(b"lock")   # Excel's lock file while the form is open
    (replies / ".~lock.汉台区.xls#").write_bytes(b"lock")   # LibreOffice's
    (replies / "Thumbs.db").write_bytes(b"\0")
    capsys.readouterr()
    status = run_collect(Namespace(project=path, paths=[replies], round=None, json=True, replace=False))
    result = {r["file"]: r for r in json.loads(capsys.readouterr().out)}
    assert status == 1
    assert sorted(result) == [".~lock.汉台区.xls#", "~$市财政局.xlsx", "市体育局意见.docx", "市公安局.et", "市第一中学.ods", "市财政局.xlsx",
                              "汉台区.xls"]
    # the lock file is told, not skipped: the form it belongs to may still be open with unsaved answers
    assert result["~$市财政局.xlsx"]["status"] == "rejected" and "锁定文件" in result["~$市财政局.xlsx"]["message"]
    assert "锁定文件" in result[".~lock.汉台区.xls#"]["message"]
    assert result["市财政局.xlsx"]["status"] == "imported"
    assert "旧版 Excel 格式（.xls）" in result["汉台区.xls"]["message"]
    assert "WPS 表格格式（.et）" in result["市公安局.et"]["message"]
    assert "OpenDocument 表格（.ods）" in result["市第一中学.ods"]["message"]
    assert all(r["status"] == "rejected" and "另存为" in r["message"]
               for name, r in result.items() if name.endswith((".xls", ".et", ".ods")))
    assert result["市体育局意见.docx"]["status"] == "rejected"
