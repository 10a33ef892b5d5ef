"""The bundled demo consultation: the Hanzhong education plan, with sample comments.

The draft is the real one; the list of units under the bureau, the comments and
the decisions are sample data, and the project says so in its plan note.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from feedback.outline import parse_lines
from feedback.units import unit_key
from feedback.vocabulary import ReplyState, RoundMethod, UnitCategory
from storage.project import Project

DEMO_FOLDER = Path(__file__).resolve().parent.parent / "assets" / "demo"
DEMO_DRAFT = DEMO_FOLDER / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"
DEMO_DATA = DEMO_FOLDER / "consultation.json"


def build_demo_project(path, *, overwrite: bool = True) -> Project:
    """Write the demo consultation to ``path`` and return it open.

    >>> import tempfile, os
    >>> project = build_demo_project(os.path.join(tempfile.mkdtemp(), 'demo.yjt'))
    >>> stats = project.statistics(today=date(2023, 4, 27))
    >>> stats.units_consulted
    {'市级部门': 19, '县区': 11, '局属单位': 33, '其他': 1}
    >>> stats.comments_total, sum(stats.by_disposition.values())
    (32, 32)
    >>> project.close()
    """
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    draft = parse_lines(DEMO_DRAFT.read_text(encoding="utf-8").splitlines())
    project = Project.create(path, draft, title=data["plan"]["title"], source_file=DEMO_DRAFT.name,
                             overwrite=overwrite)
    plan = dict(data["plan"])
    plan["drafted_on"] = date.fromisoformat(plan["drafted_on"])
    plan["written_on"] = date.fromisoformat(plan["written_on"])
    project.update_plan(**plan)
    project.settings.set("demo_note", data["note"])

    units = [dict(name=name, category=category) for name, category in project.units.propose_recipients()]
    units += [dict(name=name, category=UnitCategory.COUNTY.label) for name in data["counties"]]
    units += [dict(name=name, category=UnitCategory.AFFILIATED.label) for name in data["affiliated"]]
    college = data["college"]
    places = project.localities()
    college_key = unit_key(college["name"], places)
    units = [u for u in units if unit_key(u["name"], places) != college_key]
    units.append(dict(name=college["name"], category=UnitCategory.OTHER.label, aliases=college["aliases"]))
    project.add_units(units)

    ids = {u.name: u.id for u in project.units()}
    rnd = data["round"]
    project.add_round(method=RoundMethod(rnd["method"]), sent_on=date.fromisoformat(rnd["sent_on"]),
                      deadline=date.fromisoformat(rnd["deadline"]), recipients=ids.values())
    project.add_comments([
        dict(round_number=1, unit_id=ids[c["unit"]], clause_ref=c["clause_ref"], body=c["body"],
             quoted_text=c["quoted_text"], proposed_wording=c["proposed_wording"],
             received_on=date.fromisoformat(rnd["deadline"]), source="书面反馈（示例）",
             disposition=c["disposition"], reason=c["reason"], work_item=c["work_item"],
             handler=data["handler"], decided_on=plan["written_on"])
        for c in data["comments"]])
    commented = {c["unit"] for c in data["comments"]}
    for name, unit_id in ids.items():
        if name not in commented and name not in data["overdue"]:
            project.set_reply(1, unit_id, ReplyState.NO_COMMENTS, replied_on=date.fromisoformat(rnd["deadline"]))
    return project
