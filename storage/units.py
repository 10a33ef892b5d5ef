"""The units consulted and their categories: ``project.units``.

>>> import tempfile, os
>>> from feedback.outline import parse_lines
>>> from storage.project import Project
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'u.yjt'), parse_lines(['某方案', '一、总体要求']))
>>> project.units.add('市公安局', '市级部门').what, [u.name for u in project.units()]
('units', ['市公安局'])
>>> project.units.get(1).category
'市级部门'
>>> project.close()
"""
from __future__ import annotations

import json
from typing import Iterable, Sequence

from feedback.ledger import Change, LedgerError, Unit
from feedback.units import guess_category, is_collective_name, unit_key
from storage.part import Part


class Units(Part):
    """The unit registry and its categories; ``units()`` lists them in category order."""

    def __call__(self) -> list[Unit]:
        return [self._row(r) for r in self.db.query(
            "SELECT u.* FROM units u JOIN categories c ON c.name = u.category ORDER BY c.position, u.id")]

    def get(self, unit_id: int) -> Unit:
        rows = list(self.db.query("SELECT * FROM units WHERE id = ?", [unit_id]))
        if not rows:
            raise LedgerError(f"没有编号为{unit_id}的单位。")
        return self._row(rows[0])

    @staticmethod
    def _row(row: dict) -> Unit:
        return Unit(id=row["id"], name=row["name"], category=row["category"], aliases=json.loads(row["aliases"]),
                    contact_person=row["contact_person"], phone=row["phone"], note=row["note"])

    def _check(self, name: str, category: str, exclude_id: int | None = None) -> None:
        if not name.strip():
            raise LedgerError("单位名称不能为空。")
        if category not in self.categories():
            raise LedgerError(f"没有“{category}”这个单位类别。")
        clash = self.db.execute("SELECT id FROM units WHERE name = ? AND id IS NOT ?",
                                [name.strip(), exclude_id]).fetchone()
        if clash:
            raise LedgerError(f"单位“{name}”已在名单中。")

    def add(self, name: str, category: str, *, aliases: Sequence[str] = (), contact_person: str = "",
            phone: str = "", note: str = "") -> Change:
        return self.add_many([dict(name=name, category=category, aliases=list(aliases),
                                    contact_person=contact_person, phone=phone, note=note)])

    def add_many(self, rows: Iterable[dict]) -> Change:
        """Add many units in one action (a registry import)."""
        ids = []
        with self.transaction():
            for row in rows:
                name, category = row["name"].strip(), row.get("category") or "其他"
                self._check(name, category)
                ids.append(self.db["units"].insert({
                    **({"id": row["id"]} if row.get("id") else {}),  # a redo keeps the unit's number
                    "name": name, "category": category,
                    "aliases": json.dumps(list(row.get("aliases") or []), ensure_ascii=False),
                    "contact_person": row.get("contact_person", ""), "phone": row.get("phone", ""),
                    "note": row.get("note", ""),
                }).last_pk)
        return Change("units", tuple(ids), f"已添加{len(ids)}个单位")

    def update(self, unit_id: int, **fields) -> Change:
        unit = self.get(unit_id)
        name = fields.get("name", unit.name)
        category = fields.get("category", unit.category)
        self._check(name, category, exclude_id=unit_id)
        values = dict(fields)
        if "aliases" in values:
            values["aliases"] = json.dumps(list(values["aliases"]), ensure_ascii=False)
        with self.transaction():
            self.db["units"].update(unit_id, values)
        return Change("units", (unit_id,), f"已修改单位“{name}”")

    def remove(self, unit_id: int) -> Change:
        unit = self.get(unit_id)
        count = self.db.execute("SELECT count(*) FROM comments WHERE unit_id = ?", [unit_id]).fetchone()[0]
        if count:
            raise LedgerError(f"“{unit.name}”已有{count}条意见，不能删除。")
        with self.transaction():
            self.db["units"].delete(unit_id)
        return Change("units", (unit_id,), f"已删除单位“{unit.name}”")

    def remove_many(self, unit_ids: Iterable[int]) -> Change:
        """Remove units added by mistake (an undone import): all or none, and only without comments."""
        unit_ids = list(unit_ids)
        with self.transaction():
            for unit_id in unit_ids:
                self.remove(unit_id)
        return Change("units", tuple(unit_ids), f"已删除{len(unit_ids)}个单位")

    def record(self, unit_id: int) -> dict:
        """Everything stored about a unit that removing it would take away, for ``reinstate_unit``."""
        self.get(unit_id)
        return {table: list(self.db.query(f"SELECT * FROM {table} WHERE unit_id = ?", [unit_id]))
                for table in ("recipients", "collected_files")} | {
            "unit": next(self.db.query("SELECT * FROM units WHERE id = ?", [unit_id]))}

    def reinstate(self, record: dict) -> Change:
        """Put back a removed unit with its number, rounds and collected files (undo of removing it)."""
        with self.transaction():
            self.db["units"].insert(record["unit"])
            for table in ("recipients", "collected_files"):
                self.db[table].insert_all(record[table])
        return Change("units", (record["unit"]["id"],), f"已恢复单位“{record['unit']['name']}”")

    def find(self, name: str) -> list[Unit]:
        """Units whose name or alias agrees with ``name`` in either script, place prefix aside."""
        places = self.project.localities()
        key = unit_key(name, places)
        return [u for u in self()
                if key in {unit_key(n, places) for n in [u.name, *u.aliases]}]

    def propose_recipients(self, version_number: int | None = None) -> list[tuple[str, str]]:
        """(name, category) of every single unit the draft names, not the drafting unit itself."""
        places = self.project.localities()
        drafter = unit_key(self.project.plan().drafting_unit, places) if self.project.plan().drafting_unit else None
        seen: dict[str, tuple[str, str]] = {}
        for clause in self.project.versions.clauses(version_number):
            for name in clause.lead_units + clause.responsible_units:
                key = unit_key(name, places)
                if is_collective_name(name) or key == drafter or key in seen:
                    continue
                seen[key] = (name, guess_category(name, places).label)
        return list(seen.values())

    def categories(self) -> list[str]:
        return [r["name"] for r in self.db.query("SELECT name FROM categories ORDER BY position")]

    def add_category(self, name: str) -> Change:
        name = name.strip()
        if not name:
            raise LedgerError("类别名称不能为空。")
        if name in self.categories():
            raise LedgerError(f"类别“{name}”已存在。")
        with self.transaction():
            position = self.db.execute("SELECT coalesce(max(position), -1) + 1 FROM categories").fetchone()[0]
            self.db["categories"].insert({"name": name, "position": position})
        return Change("categories", (), f"已添加类别“{name}”")

    def remove_category(self, name: str) -> Change:
        """Remove a category no unit belongs to."""
        if name not in self.categories():
            raise LedgerError(f"没有名为“{name}”的类别。")
        used = self.db.execute("SELECT count(*) FROM units WHERE category = ?", [name]).fetchone()[0]
        if used:
            raise LedgerError(f"类别“{name}”下还有{used}个单位，不能删除。")
        with self.transaction():
            self.db["categories"].delete(name)
        return Change("categories", (), f"已删除类别“{name}”")
