"""帮助 → 快捷键与工作流程: the keys, read from the window's own actions, and the day's work in order."""
from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

from ui.text import tr
from ui.widgets import close_button, fit_to_screen

WORKFLOW = (
    ("建立项目", "“文件 → 从草案新建项目”，选择征求意见稿（.docx 或 .txt），草案按条款层级读入。"),
    ("登记单位和轮次", "在“单位与反馈”中导入或录入征求的单位，建立征求轮次并填写截止日期。"),
    ("发出征求意见", "“表格”菜单导出各单位的征求意见反馈表；“起草说明”页可生成征求意见函。"),
    ("收取反馈", "收回的反馈表用“表格 → 收取反馈表”导入；来函按 Ctrl+I 录入，可直接粘贴整封来函，随即拆分为逐条意见；"
                 "明确表示无意见的单位在反馈矩阵中标记。"),
    ("逐条处理", "在“意见台账”中选择意见，按 1–4 设定处理结果，填写理由，Ctrl+Enter 保存并转到下一条待处理。"),
    ("修改草案", "“版本对照”中导入修改稿，核对条款对应，检查“采纳但未修改”的意见。"),
    ("形成起草说明", "“起草说明”页生成起草情况说明（Ctrl+G）和意见采纳情况表；数字按台账自动统计。"),
    ("保管文件", "每处修改即时写入项目文件；“文件 → 另存副本”随时另存一份完整副本，“文件 → 恢复备份”可还原打开时的自动备份。"),
)

# Keys that are not actions of the window: the comment table's own.
TABLE_KEYS = (("1 / 2 / 3 / 4", "在意见表中设为 采纳 / 部分采纳 / 未采纳 / 在工作中落实"),
              ("0", "在意见表中设为 待处理"),
              ("Delete", "在意见表中删除所选意见"))


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(keys, what they do) for every action of ``window`` that has a key, in menu order."""
    rows = []
    seen = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in (menu.actions() if menu else []):
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if not keys or id(action) in seen:
                continue
            seen.add(id(action))
            rows.append((" / ".join(keys), action.text().replace("&", "").rstrip("…")))
    return rows + list(TABLE_KEYS)


def help_html(window) -> str:
    def cell(text: str, bold: bool = False) -> str:
        text = html.escape(text)
        return f"<td style='padding:3px 12px 3px 0'>{'<b>' + text + '</b>' if bold else text}</td>"

    keys = "".join(f"<tr>{cell(keys, True)}{cell(tr(what))}</tr>" for keys, what in shortcut_rows(window))
    steps = "".join(f"<li><b>{html.escape(tr(step))}</b>：{html.escape(tr(text))}</li>" for step, text in WORKFLOW)
    return (f"<h3>{html.escape(tr('工作流程'))}</h3><ol>{steps}</ol>"
            f"<h3>{html.escape(tr('快捷键'))}</h3><table>{keys}</table>")


class HelpDialog(QDialog):
    """The shortcuts and the workflow, on one page."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(tr("帮助：快捷键与工作流程"))
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setHtml(help_html(window))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(close_button(self))
        fit_to_screen(self, 720, 680)
