"""Pure rules of the tips domain: who is notified, outcome parsing, code-guessing lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from channels.telegram_addresses import address_of_chat, chat_id_of
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit, UnitTree
from tips.limits import GuessGuard
from tips.outcomes import MAX_QUANTITY, OutcomeResult, Quantities, Recorded, read_quantities
from tips.recipients import tip_recipients

TREE = UnitTree([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT"), Unit("A1", "Ấp", "TT"),
                 Unit("BT", "Xã khác", "DT")])
STAFF = [StaffMember(address_of_chat(1), Role.ADMIN, "DT", True),
         StaffMember(address_of_chat(2), Role.OFFICER, "TT", True),
         StaffMember(address_of_chat(3), Role.EDITOR, "TT", True),
         StaffMember(address_of_chat(4), Role.OFFICER, "BT", True)]


def ids(members):
    return sorted(chat_id_of(m.address) for m in members)


def test_notify_unit_and_parent():
    assert ids(tip_recipients(TREE, STAFF, "TT", "unit_and_parent")) == [1, 2]
    assert ids(tip_recipients(TREE, STAFF, "TT", "unit")) == [2]


def test_editors_are_never_notified_of_tips():
    assert 3 not in ids(tip_recipients(TREE, STAFF, "TT", "unit_and_ancestors"))


def test_a_unit_without_officers_falls_back_to_the_nearest_above():
    # Ấp A1 has nobody; with notify=unit its tip must still reach someone.
    assert ids(tip_recipients(TREE, STAFF, "A1", "unit")) == [2]
    assert ids(tip_recipients(TREE, STAFF, "A1", "unit_and_ancestors")) == [1, 2]


def test_outcome_quantities_then_note():
    kinds = ("cases", "persons", "knives")
    assert read_quantities(["cases=1", "PERSONS=3", "bắt", "quả", "tang"], kinds) == Quantities(
        {"cases": 1, "persons": 3}, "bắt quả tang")
    # Once the note has begun, "=" is just part of it.
    assert read_quantities(["knives=2", "dao", "dài=30cm"], kinds) == Quantities(
        {"knives": 2}, "dao dài=30cm")


def test_outcome_quantities_that_cannot_be_meant_are_refused_not_guessed():
    kinds = ("cases", "persons", "knives")

    def refusal(*words: str) -> tuple[Recorded, str, str]:
        result = read_quantities(list(words), kinds)
        assert isinstance(result, OutcomeResult)
        return result.recorded, result.kind, result.word

    assert refusal("cases=1", "cases=2") == (Recorded.REPEATED_KIND, "cases", "cases=2")
    assert refusal("tanks=1") == (Recorded.UNKNOWN_KIND, "tanks", "tanks=1")
    for number in ("0", "-1", "1.5", "", "abc", "1e3", str(MAX_QUANTITY + 1), "9" * 40):
        assert refusal(f"cases={number}") == (Recorded.BAD_NUMBER, "cases", number)
    assert refusal(f"cases={MAX_QUANTITY}", "=2") == (Recorded.NOT_A_QUANTITY, "", "=2")
    assert refusal("bắt", "quả", "tang") == (Recorded.NO_QUANTITIES, "", "")


def test_code_guessing_is_locked_for_an_hour():
    guard = GuessGuard(max_misses=3)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(3):
        assert not guard.locked("p", now)
        guard.miss("p", now)
    assert guard.locked("p", now)
    assert not guard.locked("other", now)
    assert not guard.locked("p", now + timedelta(hours=1, seconds=1))


def test_refusals_follow_block_then_hour_then_day():
    from storage.tip_senders import Standing
    from tips.limits import Refusal, TipLimits, refusal_of

    limits = TipLimits(max_per_hour=3, max_per_day=5)

    def standing(blocked=False, hour=0, day=0):
        return Standing("TT", blocked, hour, day, has_draft=False)

    assert refusal_of(standing(), limits) is None
    assert refusal_of(standing(hour=2, day=4), limits) is None
    assert refusal_of(standing(blocked=True), limits) is Refusal.BLOCKED
    assert refusal_of(standing(blocked=True, hour=9, day=9), limits) is Refusal.BLOCKED
    assert refusal_of(standing(hour=3, day=3), limits) is Refusal.HOURLY_LIMIT
    assert refusal_of(standing(hour=1, day=5), limits) is Refusal.DAILY_LIMIT
