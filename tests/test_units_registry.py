"""The units registry written to xlsx/csv and read back into a project."""
import pytest
from openpyxl import load_workbook

from exports.units_registry import import_registry, write_registry
from exports.xlsx_safety import SheetFileError
from feedback.outline import parse_lines
from storage.project import Project


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "p.yjt", parse_lines(["计划", "一、任务"]))
    project.add_unit("市公安局", "市级部门", aliases=["汉中市公安局"], contact_person="王强", phone="2626001")
    project.add_unit("=HYPERLINK(\"x\")", "其他")
    yield project
    project.close()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip_into_a_new_project(project, tmp_path, suffix):
    path = write_registry(project, tmp_path / f"名录{suffix}")
    other = Project.create(tmp_path / "q.yjt", parse_lines(["计划", "一、任务"]))
    change = import_registry(other, path)
    assert len(change.ids) == 2
    units = {u.name: u for u in other.units()}
    assert units["市公安局"].aliases == ["汉中市公安局"] and units["市公安局"].phone == "2626001"
    assert "=HYPERLINK(\"x\")" in units
    other.close()


def test_formula_text_is_written_as_text(project, tmp_path):
    path = write_registry(project, tmp_path / "名录.xlsx")
    cell = load_workbook(path)["单位名录"]["A3"]
    assert cell.data_type == "s" and cell.value.startswith("=")


def test_import_merges_adds_categories_and_refuses_bad_rows_whole(project, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("单位名称,单位类别,联系人\n市公安局,市级部门,李明\n中国教育学会,学会\n", encoding="gb18030")
    change = import_registry(project, good)
    assert "新增1个，更新1个" in change.message
    assert "学会" in project.categories()
    assert next(u for u in project.units() if u.name == "市公安局").contact_person == "李明"
    bad = tmp_path / "bad.csv"
    bad.write_text("单位名称,单位类别\n市财政局,市级部门\n,县区\n", encoding="utf-8")
    before = [u.name for u in project.units()]
    with pytest.raises(SheetFileError, match="第3行缺少单位名称"):
        import_registry(project, bad)
    assert [u.name for u in project.units()] == before


def test_broken_workbook_is_refused_with_the_file_name(project, tmp_path):
    broken = tmp_path / "坏名录.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(SheetFileError, match="坏名录.xlsx"):
        import_registry(project, broken)


def test_quotes_in_the_last_column_of_a_windows_csv_come_in_as_typed(project, tmp_path):
    """Excel writes CR LF and doubles the quotes a name holds; the sniffer misreads that in the last column."""
    path = tmp_path / "名录.csv"
    path.write_bytes('单位类别,单位名称\r\n市级部门,"市""十四五""规划办"\r\n市级部门,汉中市统计局\r\n'.encode("utf-8"))
    import_registry(project, path)
    assert {'市"十四五"规划办', "汉中市统计局"} <= {u.name for u in project.units()}


def test_exporting_onto_the_project_file_itself_is_refused(tmp_path):
    from ui.cli import run

    path = tmp_path / "项目.yjt"
    Project.create(path, parse_lines(["计划", "一、任务"])).close()
    before = path.read_bytes()
    assert run(["units", str(path), "--export", str(path)]) == 2
    assert path.read_bytes() == before
    assert run(["units", str(path), "--export", str(tmp_path / "名录.CSV")]) == 0
    assert (tmp_path / "名录.CSV").read_text(encoding="utf-8-sig").startswith("单位名称")
