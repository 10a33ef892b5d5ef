"""Consultation rounds, their recipients and replies: ``project.rounds``."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from feedback.draft import Draft
from feedback.ledger import Change, LedgerError, Reply, Round
from feedback.statistics import effective_state
from feedback.vocabulary import ReplyState, RoundMethod
from storage.part import Part, from_iso, iso_text


class Rounds(Part):
    """The rounds in number order; ``rounds()`` lists them."""

    def __call__(self) -> list[Round]:
        return [Round(id=r["id"], number=r["number"], method=RoundMethod(r["method"]),
                      version_number=r["version_number"], sent_on=from_iso(r["sent_on"]),
                      deadline=from_iso(r["deadline"]), note=r["note"])
                for r in self.db.query("SELECT r.*, v.number AS version_number FROM rounds r "
                                       "JOIN versions v ON v.id = r.version_id ORDER BY r.number")]

    def version_for(self, number: int) -> int:
        """The draft version round ``number`` consulted on."""
        row = self.db.execute("SELECT v.number FROM rounds r JOIN versions v ON v.id = r.version_id "
                              "WHERE r.number = ?", [number]).fetchone()
        if row is None:
            raise LedgerError(f"没有第{number}轮征求意见。")
        return row[0]

    def draft_for(self, number: int) -> Draft:
        """The draft round ``number`` consulted on: its forms, clause lists and references use it."""
        return self.project.versions.draft(self.version_for(number))

    def id_of(self, number: int) -> int:
        """The database id of round ``number``."""
        row = self.db.execute("SELECT id FROM rounds WHERE number = ?", [number]).fetchone()
        if row is None:
            raise LedgerError(f"没有第{number}轮征求意见。")
        return row[0]

    def add(self, *, method: RoundMethod = RoundMethod.WRITTEN, version_number: int | None = None,
            sent_on: date | None = None, deadline: date | None = None,
            recipients: Iterable[int] = (), note: str = "") -> Change:
        """A new consultation round on a draft version (the newest by default)."""
        if sent_on and deadline and deadline < sent_on:
            raise LedgerError("反馈截止日期不能早于发出日期。")
        version_id = self.project.versions.id_of(version_number)
        with self.transaction():
            number = (self.db.execute("SELECT max(number) FROM rounds").fetchone()[0] or 0) + 1
            round_id = self.db["rounds"].insert({"number": number, "method": RoundMethod(method).value,
                                                 "version_id": version_id, "sent_on": iso_text(sent_on),
                                                 "deadline": iso_text(deadline), "note": note}).last_pk
            self.db["recipients"].insert_all({"round_id": round_id, "unit_id": u} for u in recipients)
        return Change("rounds", (number,), f"已建立第{number}轮征求意见")

    def remove_last(self, number: int) -> Change:
        """Remove the newest round while nothing was recorded in it (undo of creating it)."""
        if number != max((r.number for r in self()), default=None):
            raise LedgerError(f"只能删除最新的一轮，第{number}轮不是。")
        round_id = self.id_of(number)
        comments = self.db.execute("SELECT count(*) FROM comments WHERE round_id = ?", [round_id]).fetchone()[0]
        answered = self.db.execute("SELECT count(*) FROM recipients WHERE round_id = ? AND reply_state != 'none'",
                                   [round_id]).fetchone()[0]
        if comments or answered:
            raise LedgerError(f"第{number}轮已有意见或反馈记录，不能删除。")
        with self.transaction():
            self.db["rounds"].delete(round_id)
        return Change("rounds", (number,), f"已删除第{number}轮")

    def update(self, number: int, **fields) -> Change:
        round_id = self.id_of(number)
        values = {}
        for key, value in fields.items():
            if key in ("sent_on", "deadline"):
                values[key] = iso_text(value)
            elif key == "method":
                values[key] = RoundMethod(value).value
            elif key == "note":
                values[key] = value
            else:
                raise LedgerError(f"未知的轮次字段：{key}")
        with self.transaction():
            self.db["rounds"].update(round_id, values)
        return Change("rounds", (number,), f"已修改第{number}轮")

    def set_recipients(self, round_number: int, unit_ids: Iterable[int]) -> Change:
        """The units a round was sent to; units that already answered stay."""
        round_id = self.id_of(round_number)
        wanted = set(unit_ids)
        with self.transaction():
            current = {r[0]: r[1] for r in self.db.execute(
                "SELECT unit_id, reply_state FROM recipients WHERE round_id = ?", [round_id])}
            for unit_id, state in current.items():
                if unit_id not in wanted and state == ReplyState.NONE.value:
                    self.db.execute("DELETE FROM recipients WHERE round_id = ? AND unit_id = ?", [round_id, unit_id])
            self.db["recipients"].insert_all(({"round_id": round_id, "unit_id": u} for u in wanted - set(current)))
        return Change("replies", (round_number,), f"第{round_number}轮发送范围已更新")

    def set_reply(self, round_number: int, unit_id: int, state: ReplyState, *,
                  replied_on: date | None = None, source: str = "") -> Change:
        """Record a unit's answer; 已反馈（有意见） only through its comments."""
        state = ReplyState(state)
        if state is ReplyState.OVERDUE:
            raise LedgerError("“逾期”由截止日期自动判断，不能手工设置。")
        round_id = self.id_of(round_number)
        has_comments = self.db.execute("SELECT 1 FROM comments WHERE round_id = ? AND unit_id = ? LIMIT 1",
                                       [round_id, unit_id]).fetchone()
        if has_comments and state is not ReplyState.WITH_COMMENTS:
            raise LedgerError(f"“{self.project.units.get(unit_id).name}”在本轮已有意见，不能记为无意见或未反馈。")
        with self.transaction():
            self.db["recipients"].upsert({"round_id": round_id, "unit_id": unit_id, "reply_state": state.value,
                                          "replied_on": iso_text(replied_on), "source": source},
                                         pk=("round_id", "unit_id"))
        return Change("replies", (unit_id,), f"已记录“{self.project.units.get(unit_id).name}”{state.label}")

    def replies(self, round_number: int | None = None, *, today: date | None = None) -> list[Reply]:
        """Each recipient's reply state per round, overdue worked out from the deadline."""
        today = today or date.today()
        sql = """SELECT r.number, r.deadline, p.unit_id, u.name, u.category, p.reply_state, p.replied_on,
                        EXISTS (SELECT 1 FROM comments c WHERE c.round_id = r.id AND c.unit_id = p.unit_id) AS has
                 FROM recipients p JOIN rounds r ON r.id = p.round_id JOIN units u ON u.id = p.unit_id
                 JOIN categories k ON k.name = u.category"""
        params: list = []
        if round_number is not None:
            sql += " WHERE r.number = ?"
            params.append(round_number)
        sql += " ORDER BY r.number, k.position, u.id"
        return [Reply(round_number=row[0], unit_id=row[2], unit_name=row[3], category=row[4],
                      state=effective_state(row[5], from_iso(row[1]), today, bool(row[7])),
                      replied_on=from_iso(row[6]))
                for row in self.db.execute(sql, params)]
