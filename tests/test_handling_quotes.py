"""A unit's comment quoted in a later round's letter: quotation marks inside become single ones."""
from feedback.handling import EarlierComment, handling_lines
from feedback.ledger import Comment
from feedback.vocabulary import Disposition


def test_quotes_inside_a_quoted_comment_are_single():
    comment = Comment(4, 1, 1, "市公安局", "市级部门", "第七条", "建议将“二小时内”改为“一小时内”，缩短警示时限。",
                      disposition=Disposition.ADOPTED)
    line = handling_lines([EarlierComment(comment, ["第七条"])])[1]
    assert line == "（一）关于第七条：“建议将‘二小时内’改为‘一小时内’，缩短警示时限。”已采纳。"
