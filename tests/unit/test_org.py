"""Units form a tree of any depth; an officer's scope is their unit's subtree (SPEC §1, §2)."""

from __future__ import annotations

from channels.telegram_addresses import address_of_chat
from org.roles import Role, parse_role, role_allows
from org.staff import StaffMember, may_act_on_unit, scope_codes
from org.units import Unit, UnitTree

TREE = UnitTree([
    Unit("DT", "Tỉnh Đồng Tháp", None),
    Unit("TT-TANTHANH", "Xã Tân Thành", "DT"),
    Unit("TT-TANTHANH-A1", "Ấp 1", "TT-TANTHANH"),
    Unit("TT-TANTHANH-A1-T5", "Tổ 5", "TT-TANTHANH-A1"),
    Unit("TT-BINHTHANH", "Xã Bình Thành", "DT"),
])


def test_subtree_goes_to_any_depth():
    assert TREE.subtree_codes("TT-TANTHANH") == {
        "TT-TANTHANH", "TT-TANTHANH-A1", "TT-TANTHANH-A1-T5"}


def test_codes_match_case_insensitively():
    assert TREE.find("tt-tanthanh-a1").code == "TT-TANTHANH-A1"
    assert TREE.contains("dt", "tt-binhthanh")


def test_ancestors_run_parent_first():
    assert [u.code for u in TREE.ancestors("TT-TANTHANH-A1-T5")] == [
        "TT-TANTHANH-A1", "TT-TANTHANH", "DT"]


def test_officer_scope_is_their_subtree_only():
    officer = StaffMember(address_of_chat(1), Role.OFFICER, "TT-TANTHANH", True)
    assert may_act_on_unit(officer, "TT-TANTHANH-A1-T5", TREE)
    assert not may_act_on_unit(officer, "TT-BINHTHANH", TREE)
    assert not may_act_on_unit(officer, "DT", TREE)
    assert "TT-BINHTHANH" not in scope_codes(officer, TREE)


def test_admin_acts_everywhere_but_not_on_unknown_units():
    admin = StaffMember(address_of_chat(2), Role.ADMIN, "TT-BINHTHANH", True)
    assert may_act_on_unit(admin, "TT-TANTHANH-A1", TREE)
    assert not may_act_on_unit(admin, "HN", TREE)
    assert scope_codes(admin, TREE) == {u.code for u in TREE}


def test_editor_cannot_do_officer_work():
    editor = StaffMember(address_of_chat(3), Role.EDITOR, "TT-TANTHANH", True)
    assert not may_act_on_unit(editor, "TT-TANTHANH", TREE, Role.OFFICER)
    assert may_act_on_unit(editor, "TT-TANTHANH", TREE, Role.EDITOR)


def test_role_ranks():
    assert role_allows(Role.ADMIN, Role.OFFICER)
    assert not role_allows(None, Role.EDITOR)
    assert parse_role(" Officer ") is Role.OFFICER
    assert parse_role("boss") is None
