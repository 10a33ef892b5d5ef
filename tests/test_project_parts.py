"""The project façade's typed parts: ``project.plan``, ``.versions``, ``.units``, ``.rounds``, ``.comments``,
``.documents``, ``.settings``.

Calling a part lists its records (as ``project.units()`` always did); its methods are the typed
API; the ``Project`` methods kept for many callers give the same answers; nothing outside
``storage/`` reaches the database handle.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, ReplyState
from storage.comments import Comments
from storage.documents import Documents, list_sections
from storage.draft_versions import Versions
from storage.plan import PlanDetails
from storage.project import Project
from storage.rounds import Rounds
from storage.settings import Settings
from storage.units import Units

ROOT = Path(__file__).resolve().parents[1]
# the shape of a municipal action plan: 总体要求, then tasks naming their lead and responsible units
DRAFT = ["汉中市某某工作实施方案", "一、总体要求", "二、重点任务",
         "1.完善工作机制。建立联席会议制度。（牵头单位：市教育局；责任单位：市财政局、市人社局）",
         "2.加强经费保障。（责任单位：市财政局）"]


@pytest.fixture
def project(tmp_path):
    opened = Project.create(tmp_path / "方案.yjt", parse_lines(DRAFT))
    yield opened
    opened.close()


def test_parts_are_typed_and_calling_one_lists_its_records(project):
    assert isinstance(project.versions, Versions) and isinstance(project.units, Units)
    assert isinstance(project.rounds, Rounds) and isinstance(project.comments, Comments)
    assert isinstance(project.plan, PlanDetails) and project.plan().title == "汉中市某某工作实施方案"
    assert project.plan.update(short_name="实施方案", written_on=date(2023, 5, 8)).what == "plan"
    assert (project.plan().short_name, project.plan().written_on) == ("实施方案", date(2023, 5, 8))
    assert project.plan.localities() == project.localities() == ["汉中"]
    assert [v.number for v in project.versions()] == [1] and project.units() == [] and project.rounds() == []
    proposed = project.units.propose_recipients()
    assert ("市财政局", "市级部门") in proposed and ("市人社局", "市级部门") in proposed
    change = project.units.add_many([dict(name=n, category=c) for n, c in proposed])
    assert change.what == "units" and [u.name for u in project.units()] == [n for n, _ in proposed]
    finance, = project.units.find("汉中市财政局")  # the place name of the plan's title set aside
    assert project.units.get(finance.id) == project.unit(finance.id) == finance

    project.rounds.add(sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12), recipients=[finance.id])
    project.rounds.update(1, note="书面征求")
    assert project.rounds()[0].note == "书面征求" and project.rounds.version_for(1) == 1
    ref = next(c.ref for c in project.versions.clauses() if c.heading.startswith("完善工作机制"))
    added = project.comments.add(round_number=1, unit_id=finance.id, clause_ref=ref, body="建议明确联席会议召集人。")
    comment_id = added.ids[0]
    project.comments.decide(comment_id, Disposition.ADOPTED, who="张三")
    assert project.comments.get(comment_id).disposition is Disposition.ADOPTED
    assert project.comments(round_number=1) == [project.comment(comment_id)]
    assert project.comments.count(disposition=Disposition.ADOPTED) == 1 == project.count_comments()
    history = project.comments.history(comment_id)
    assert history == project.history(comment_id) and {e.field for e in history} == {"disposition", "decided_on"}
    assert project.rounds.replies(1)[0].state is ReplyState.WITH_COMMENTS


def test_a_part_refuses_as_the_project_did(project):
    with pytest.raises(LedgerError, match="没有第3轮征求意见"):
        project.rounds.id_of(3)
    with pytest.raises(LedgerError, match="没有编号为9的单位"):
        project.units.get(9)
    with pytest.raises(LedgerError, match="未知的计划字段：印发日期"):
        project.plan.update(印发日期="2023-05-08")
    with pytest.raises(LedgerError, match="没有“乡镇”这个单位类别"):
        project.units.add("某镇政府", "乡镇")
    assert project.units() == []  # nothing half-written


def test_nothing_outside_storage_touches_the_database_handle():
    offenders = []
    for folder in ("feedback", "exports", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\.db\b(?!\w)", line) and "thumbs.db" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_the_documents_and_settings_parts(project):
    assert isinstance(project.documents, Documents) and isinstance(project.settings, Settings)
    assert [s.title for s in project.documents()] == [s.title for s in list_sections(project)] == [
        "起草背景", "主要内容", "起草过程", "下一步打算"]
    change = project.documents.add("其他需要说明的事项", "无。")
    assert change.what == "sections" and project.documents()[-1].title == "其他需要说明的事项"
    assert project.documents.attachment_grouping() == "unit"
    project.documents.set_attachment_grouping("clause")
    assert project.documents.attachment_grouping() == "clause" and project.settings.get_json("explanation_grouping") == "clause"
    with pytest.raises(LedgerError):
        project.documents.set_attachment_grouping("page")
    project.settings.set_many({"a": "1", "b": "2"})
    assert {k: v for k, v in project.settings().items() if k in "ab"} == {"a": "1", "b": "2"}
