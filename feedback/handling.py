"""How a unit's comments of earlier rounds were handled, in the words of a later round's letter.

>>> from feedback.ledger import Comment
>>> from feedback.vocabulary import Disposition
>>> done = Comment(3, 1, 1, '市财政局', '市级部门', '三（二）4', '建议明确经费来源。', disposition=Disposition.ADOPTED)
>>> refused = Comment(4, 1, 1, '市财政局', '市级部门', '总体意见', '建议压缩篇幅。',
...                   disposition=Disposition.REJECTED, reason='篇幅已较精简')
>>> for line in handling_lines([EarlierComment(done, ['三（二）5']), EarlierComment(refused, ['总体意见'])]):
...     print(line)
贵单位在第1轮征求意见中提出意见建议2条，我们逐条进行了研究：采纳1条，未采纳1条。具体如下：
（一）关于三（二）4（现为三（二）5）：“建议明确经费来源。”已采纳。
（二）关于总体意见：“建议压缩篇幅。”未采纳，理由：篇幅已较精简。
"""
from __future__ import annotations

from dataclasses import dataclass, field

from feedback.ledger import Comment
from feedback.numerals import int_to_chinese
from feedback.vocabulary import Disposition


@dataclass
class EarlierComment:
    """A comment of an earlier round and the clauses of the current draft it now concerns
    (empty when its clause was deleted)."""

    comment: Comment
    now_refs: list[str] = field(default_factory=list)


def _where(item: EarlierComment) -> str:
    ref = item.comment.clause_ref
    if not item.now_refs:
        return f"{ref}（该条已删除）"
    if item.now_refs == [ref]:
        return ref
    return f"{ref}（现为{'、'.join(item.now_refs)}）"


def _outcome(comment: Comment) -> str:
    disposition = comment.disposition
    if disposition is Disposition.PENDING:
        return "正在研究。"
    if disposition is Disposition.ADOPTED:
        return "已采纳。"
    if disposition is Disposition.IN_WORK:
        item = f"，将在{comment.work_item}中落实" if comment.work_item.strip() else "，将在工作中落实"
        return f"{disposition.label}{item}。"
    reason = comment.reason.strip().rstrip("。")
    return f"{disposition.label}，理由：{reason}。" if reason else f"{disposition.label}。"


_INNER_QUOTES = str.maketrans("“”", "‘’")


def _quote(text: str, limit: int = 60) -> str:
    """The text in “”, quotation marks inside it made single (‘’) as Chinese usage has it."""
    text = " ".join(text.split()).translate(_INNER_QUOTES)
    return f"“{text if len(text) <= limit else text[:limit] + '……'}”"


def handling_lines(items: list[EarlierComment]) -> list[str]:
    """A summary line, then one line per comment (numbered （一）（二）…); nothing without comments."""
    if not items:
        return []
    rounds = sorted({item.comment.round_number for item in items})
    counts = {d: sum(1 for item in items if item.comment.disposition is d) for d in Disposition}
    parts = [f"{d.label}{counts[d]}条" for d in Disposition if counts[d] and d is not Disposition.PENDING]
    if counts[Disposition.PENDING]:
        parts.append(f"{counts[Disposition.PENDING]}条正在研究")
    lines = [f"贵单位在{'、'.join(f'第{n}轮' for n in rounds)}征求意见中提出意见建议{len(items)}条，"
             f"我们逐条进行了研究：{'，'.join(parts)}。具体如下："]
    for number, item in enumerate(items, start=1):
        lines.append(f"（{int_to_chinese(number)}）关于{_where(item)}：{_quote(item.comment.body)}"
                     f"{_outcome(item.comment)}")
    return lines


__all__ = ["EarlierComment", "handling_lines"]
