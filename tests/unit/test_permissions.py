"""The one rule of who may do what, where (``org.permissions``), as any channel asks it."""

from __future__ import annotations

from org.permissions import Permission, Place, command_spec, refusal
from org.roles import Role


def test_a_resident_is_refused_staff_work_with_the_role_it_needs():
    tips = command_spec("tips").permission
    assert refusal(tips, None, Place.PRIVATE) == "access.needs_officer"
    assert refusal(tips, Role.EDITOR, Place.PRIVATE) == "access.needs_officer"
    assert refusal(tips, Role.OFFICER, Place.PRIVATE) is None
    assert refusal(tips, Role.ADMIN, Place.PRIVATE) is None


def test_the_role_is_checked_before_the_place():
    register = command_spec("register").permission
    assert register == Permission(Role.OFFICER, Place.GROUP)
    assert refusal(register, None, Place.PRIVATE) == "access.needs_officer"
    assert refusal(register, Role.OFFICER, Place.PRIVATE) == "access.only_in_group"
    assert refusal(register, Role.OFFICER, Place.GROUP) is None


def test_a_command_offered_in_both_kinds_of_chat_asks_no_place():
    assert command_spec("help").permission == Permission(None, Place.ANY)
    assert refusal(command_spec("help").permission, None, Place.GROUP) is None
    assert refusal(command_spec("status").permission, None, Place.GROUP) == (
        "access.only_in_private")
