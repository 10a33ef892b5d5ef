"""Public submissions already imported are recognised by their content, not by the file."""
from __future__ import annotations

import pytest

from exports.public_comments import import_public_comments
from feedback.outline import parse_lines
from storage.project import Project
from tests.test_public_comments import write_csv, write_xlsx

# a consultation portal's cumulative export (网上征求意见留言): the day-10 file repeats day 5's rows
TOPICS = ["建议延长课后服务时间至18:00。", "希望增加学位供给，缓解入学难。", "建议明确校外培训监管责任单位。",
          "建议加大乡村教师补助力度。", "希望增加体育课时。"]


def portal_rows(count: int) -> list[list]:
    return [[i + 1, f"网友{i:03d}", TOPICS[i % 5] if i % 7 else f"第{i}号留言：{TOPICS[i % 5]}另建议公开进度。",
             "", f"2023-04-{1 + i // 20:02d} 09:{i % 60:02d}"] for i in range(count)]


@pytest.fixture
def project(tmp_path, demo_lines):
    project = Project.create(tmp_path / "计划.yjt", parse_lines(demo_lines), title="测试计划")
    yield project
    project.close()


def public_totals(project) -> tuple[int, int]:
    stored = project.db.execute("SELECT count(*) FROM public_submissions").fetchone()[0]
    people = project.db.execute("SELECT coalesce(sum(submissions), 0) FROM comments").fetchone()[0]
    return stored, people


def test_a_cumulative_export_adds_only_the_new_submissions(project, tmp_path):
    day5 = write_xlsx(tmp_path / "留言导出-0405.xlsx", portal_rows(100))
    day10 = write_xlsx(tmp_path / "留言导出-0410.xlsx", portal_rows(150))
    first = import_public_comments(project, day5, create_round=True)
    assert public_totals(project) == (100, 100)
    comments_after_day5 = len(project.comments())
    second = import_public_comments(project, day10)
    assert public_totals(project) == (150, 150)  # not 250 人次
    assert second.already == 100 and "100条此前已导入" in second.message
    assert first.status == second.status == "imported"
    # the same topics joined the comments made for them on day 5: their 人次 grew
    assert len(project.comments()) < comments_after_day5 + 50
    assert "已计入其人次" in second.message


def test_the_same_rows_saved_again_with_a_bom_change_nothing(project, tmp_path):
    rows = portal_rows(60)
    import_public_comments(project, write_xlsx(tmp_path / "导出.xlsx", rows), create_round=True)
    before = public_totals(project), len(project.comments())
    report = import_public_comments(project, write_csv(tmp_path / "导出（另存）.csv", rows, "utf-8-sig"))
    assert report.status == "unchanged" and "均已导入过" in report.message
    assert (public_totals(project), len(project.comments())) == before


def test_identical_submissions_from_different_people_still_count(project, tmp_path):
    rows = [[i + 1, "", TOPICS[0], "", ""] for i in range(5)]  # anonymous, undated, the same words
    import_public_comments(project, write_xlsx(tmp_path / "a.xlsx", rows[:3]), create_round=True)
    import_public_comments(project, write_xlsx(tmp_path / "b.xlsx", rows))
    assert public_totals(project) == (5, 5)


def test_cut_texts_and_a_date_column_taken_for_comments_are_reported(project, tmp_path):
    long_rows = [[1, "网友", "很长的意见" * 3000, "", "2023-04-01"], [2, "网友2", "短意见", "", "2023-04-02"]]
    report = import_public_comments(project, write_xlsx(tmp_path / "长.xlsx", long_rows), create_round=True)
    assert report.truncated == 1 and "只保留了前10,000字" in report.message
    rows = [[i, f"网友{i}", f"意见{i}", "", f"2023-04-{1 + i:02d}"] for i in range(10)]
    report = import_public_comments(project, write_xlsx(tmp_path / "错列.xlsx", rows),
                                    {"text": "留言时间", "submitter": "网名"})
    assert report.warnings and "“留言时间”列的内容多为日期" in report.message
