"""The words of the domain, each defined once with its Chinese label.

>>> Disposition.ADOPTED.label
'采纳'
>>> Disposition.from_label('未采纳') is Disposition.REJECTED
True
>>> ClauseKind.TASK.label
'条'
"""
from __future__ import annotations

from enum import Enum


class LabelledEnum(str, Enum):
    """A string enum whose members carry a Chinese label for display."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, text: str):
        """The member whose value or Chinese label is ``text``."""
        text = text.strip()
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(f"未知的取值：{text}")

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.value


class ClauseKind(LabelledEnum):
    """What a clause of a draft is, by the numbering style that introduced it."""

    PREAMBLE = ("preamble", "前言")
    # plan style: 一、 → （一） → 1. → （1） → ①
    PART = ("part", "部分")
    SECTION = ("section", "项")
    TASK = ("task", "条")
    POINT = ("point", "目")
    SUBPOINT = ("subpoint", "点")
    # regulation style: 第X编 → 第X章 → 第X节 → 第X条 → 款 → （一）项
    VOLUME = ("volume", "编")
    CHAPTER = ("chapter", "章")
    DIVISION = ("division", "节")
    ARTICLE = ("article", "条")
    PARAGRAPH = ("paragraph", "款")
    ITEM = ("item", "项")
    # long plans and standards: 第X篇, 第X部分, decimal 1 / 1.1 / 1.1.1, unnumbered Word headings
    BOOK = ("book", "篇")
    SEGMENT = ("segment", "部分")
    DECIMAL = ("decimal", "条")
    HEADING = ("heading", "标题")
    # blocks of their own kind
    COLUMN = ("column", "专栏")
    ATTACHMENT = ("attachment", "附件")


class UnitCategory(LabelledEnum):
    """Default categories of consulted units; projects may add their own."""

    MUNICIPAL = ("municipal", "市级部门")
    COUNTY = ("county", "县区")
    AFFILIATED = ("affiliated", "局属单位")
    EXPERT = ("expert", "专家")
    PUBLIC = ("public", "社会公众")
    OTHER = ("other", "其他")


class Disposition(LabelledEnum):
    """The drafter's decision on one comment."""

    PENDING = ("pending", "待处理")
    ADOPTED = ("adopted", "采纳")
    PARTLY_ADOPTED = ("partly", "部分采纳")
    REJECTED = ("rejected", "未采纳")
    IN_WORK = ("in_work", "在工作中落实")

    @property
    def needs_reason(self) -> bool:
        """部分采纳, 未采纳 and 在工作中落实 owe the unit a reason."""
        return self in (Disposition.PARTLY_ADOPTED, Disposition.REJECTED, Disposition.IN_WORK)


class ReplyState(LabelledEnum):
    """A unit's answer in one round."""

    NONE = ("none", "未反馈")
    WITH_COMMENTS = ("with_comments", "已反馈（有意见）")
    NO_COMMENTS = ("no_comments", "已反馈（无意见）")
    OVERDUE = ("overdue", "逾期视为无意见")


class RoundMethod(LabelledEnum):
    """How a round of consultation was carried out."""

    WRITTEN = ("written", "书面征求")
    ONLINE = ("online", "网上公开")
    MEETING = ("meeting", "座谈会")
    EXPERT = ("expert", "专家论证")


GENERAL_CLAUSE_REF = "总体意见"
"""The clause reference of a comment on the draft as a whole."""

UNPLACED_CLAUSE_REF = "待定位"
"""The clause reference of a comment whose place in the draft is not yet known."""

COMMENT_FIELD_LABELS = {
    "disposition": "处理", "reason": "理由或说明", "work_item": "落实工作", "handler": "经办人",
    "decided_on": "处理日期", "clause_ref": "条款", "body": "意见内容", "quoted_text": "引用原文",
    "proposed_wording": "建议修改为", "received_on": "收到日期", "source": "来源", "unit_id": "单位",
}
"""A comment's fields by their names on screen (the history of its changes names them so)."""
