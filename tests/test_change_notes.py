"""Notes on changes naming a clause of either draft: ``1:二（三）8`` is the old, deleted clause."""
import pytest

from exports.comparison import comparison_rows
from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.revision import FlagKind, Relation
from storage.project import Project
from storage.versions import import_revision, locate_change, revision_flags, split_version_ref
from tests.fixtures.revised_drafts import FIRST_DRAFT, SECOND_DRAFT
from ui.cli import run


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "p.yjt"
    with Project.create(path, parse_lines(FIRST_DRAFT)) as project:
        import_revision(project, parse_lines(SECOND_DRAFT))
    return path


def test_a_reference_can_name_the_old_draft(path):
    with Project.open(path, backup=False) as project:
        bare = locate_change(project, 1, 2, "二（三）8")
        assert bare.group.relation is Relation.MERGED and bare.ambiguous  # the new 8 is the merged task
        old = locate_change(project, 1, 2, "1:二（三）8")
        assert old.group.relation is Relation.DELETED and old.version == 1 and not old.ambiguous
        assert locate_change(project, 1, 2, "第2稿：二（三）8").group is not None
        with pytest.raises(LedgerError, match="第3稿不在比对的两稿"):
            locate_change(project, 1, 2, "3:二（三）8")
        with pytest.raises(LedgerError, match="第1稿中没有条款“二（三）9”"):
            locate_change(project, 1, 2, "1:二（三）9")
    assert split_version_ref(" 1 ： 一1 ") == (1, "一1")


def test_a_note_on_a_deletion_shows_in_the_table_and_clears_its_warning(path, capsys):
    with Project.open(path, read_only=True, backup=False) as project:
        before = [f for f in revision_flags(project, 1, 2) if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT]
        assert any(f.from_refs == ["二（三）8"] and not f.to_refs for f in before)
    assert run(["matches", str(path), "--explain", "1:二（三）8=民办园规范发展另行发文"]) == 0
    out = capsys.readouterr()
    assert "已保存修改说明（删除二（三）8）" in out.out and "提示" not in out.err
    with Project.open(path, read_only=True, backup=False) as project:
        after = revision_flags(project, 1, 2)
        assert not any(f.from_refs == ["二（三）8"] and not f.to_refs for f in after)
        assert len(after) == len(before) - 1
        deleted = next(r for r in comparison_rows(project, 1, 2) if r.change.relation is Relation.DELETED)
        assert deleted.note.splitlines() == ["删除", "民办园规范发展另行发文"]
        merged = next(r for r in comparison_rows(project, 1, 2) if r.change.relation is Relation.MERGED)
        assert "民办园" not in merged.note
    # a bare reference found in both drafts is read in the newer one, and the drafter is told
    assert run(["matches", str(path), "--explain", "二（三）8=两条合并"]) == 0
    out = capsys.readouterr()
    assert "二（三）6、二（三）7合并为二（三）8" in out.out and "1:二（三）8" in out.err
