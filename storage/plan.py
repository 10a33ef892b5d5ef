"""The consultation's plan (起草单位, 主送机关, 简称, 成文日期, 联系人…): ``project.plan``."""
from __future__ import annotations

from feedback.ledger import Change, LedgerError, Plan
from storage.part import Part, from_iso, iso_text


class PlanDetails(Part):
    """The one row of the plan; ``plan()`` reads it."""

    def __call__(self) -> Plan:
        row = next(self.db.query("SELECT * FROM plan WHERE id = 1"), None)
        if row is None:  # a file whose making was interrupted (before ``create`` built files aside)
            from storage.project import ProjectError

            raise ProjectError(f"“{self.project.path.name}”不完整（建立时被中断），请用草案重新建立项目。")
        return Plan(title=row["title"], short_name=row["short_name"], drafting_unit=row["drafting_unit"],
                    addressee=row["addressee"], locality=row["locality"], contact_person=row["contact_person"],
                    contact_phone=row["contact_phone"], drafted_on=from_iso(row["drafted_on"]),
                    written_on=from_iso(row["written_on"]))

    def update(self, **fields) -> Change:
        allowed = set(Plan.__dataclass_fields__)
        unknown = set(fields) - allowed
        if unknown:
            raise LedgerError(f"未知的计划字段：{'、'.join(sorted(unknown))}")
        values = {k: (iso_text(v) if k.endswith("_on") else (v or "")) for k, v in fields.items()}
        with self.transaction():
            self.db["plan"].update(1, values)
        return Change("plan", (1,), "已更新计划信息")

    def localities(self) -> list[str]:
        """Place names that prefix unit names (``汉中``), from the plan."""
        plan = self()
        places = [plan.locality] if plan.locality else []
        for text in (plan.drafting_unit, plan.title):
            head = text.split("市")[0] if "市" in text[:5] else ""
            if 1 < len(head) <= 4:
                places.append(head)
        return list(dict.fromkeys(places))
