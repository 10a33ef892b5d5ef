"""One decoder for every text file a user brings: drafts, CSV tables, registries."""
import codecs

import pytest

from exports.text_files import decode_text
from tests.fixtures.revised_drafts import FIRST_DRAFT
from ui.cli import run

# a registry as offices keep it (单位名称, 类别, 别名, 联系人, 电话), the way 征求意见单位名单 are laid out
REGISTRY = [("单位名称", "单位类别", "别名", "联系人", "联系电话"),
            ("汉中市财政局", "市级部门", "市财政局", "王某", "0916-2626001"),
            ("汉中市人力资源和社会保障局", "市级部门", "市人社局", "李某", "0916-2626002"),
            ("汉台区教育局", "县区", "", "", "")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_every_encoding_an_office_saves_text_in(encoding):
    text = "\n".join(FIRST_DRAFT)
    assert decode_text(text.encode(encoding)) == text


def test_what_is_no_text_is_none():
    assert decode_text(bytes(range(256)) * 40) is None
    assert decode_text(codecs.BOM_UTF16_LE + b"\x00\x00\x01\x00" * 100) is None  # NULs and controls


@pytest.mark.parametrize("encoding, separator", [("utf-16", "\t"), ("utf-16", ","), ("gb18030", ","),
                                                 ("utf-8-sig", ",")])
def test_units_import_reads_a_csv_in_any_of_them(tmp_path, capsys, encoding, separator):
    """Excel's “Unicode text” is UTF-16 with tabs; a CSV from Excel on Chinese Windows is GB18030."""
    draft = tmp_path / "草案.txt"
    draft.write_text("\n".join(FIRST_DRAFT), encoding="utf-8")
    project = tmp_path / "p.yjt"
    assert run(["new", str(project), "--draft", str(draft)]) == 0
    registry = tmp_path / "名录.csv"
    registry.write_bytes("\r\n".join(separator.join(row) for row in REGISTRY).encode(encoding))
    assert run(["units", str(project), "--import", str(registry)]) == 0
    capsys.readouterr()
    assert run(["units", str(project)]) == 0
    listed = capsys.readouterr().out
    assert "市级部门\t汉中市人力资源和社会保障局\t市人社局" in listed and "县区\t汉台区教育局" in listed
