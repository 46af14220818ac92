"""The command table (SPEC §7) as each role meets it: tips are need-to-know (SPEC §12), so an
editor's /help and menu hold bulletin commands and everyone's, and every handler is refused to
exactly the people the table leaves it out for."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.app import JOURNEYS
from core.i18n import LANGUAGES, Translator
from handlers.access import Place
from handlers.commands import COMMANDS, commands_for, guard
from handlers.menu import menu
from org.roles import Role
from reports.render.report_words import ReportWords
from reports.render.stats_text import render_stats_text
from tests.unit.test_stats_render import sample

TIP_COMMANDS = {"tips", "assess", "outcome", "close", "block", "report"}
EVERYONES = {"start", "help", "cancel", "tip", "status", "reply", "privacy"}
EDITORS_OWN = {"bulletin", "queue", "groups", "stats"}


def names(role: Role | None, place: Place = Place.PRIVATE) -> set[str]:
    return {c.name for c in commands_for(role, place)}


def test_an_editor_is_offered_bulletin_work_and_everyones_commands_only():
    assert names(Role.EDITOR) == EVERYONES | EDITORS_OWN
    assert not names(Role.EDITOR) & TIP_COMMANDS


def test_every_command_that_shows_tips_or_counts_them_needs_an_officer():
    for command in COMMANDS:
        if command.name in TIP_COMMANDS:
            assert command.role is Role.OFFICER, command.name
    assert names(Role.OFFICER) >= TIP_COMMANDS and names(Role.ADMIN) >= TIP_COMMANDS


def test_an_editors_menu_has_no_tip_command_in_any_language():
    for language in LANGUAGES:
        listed = {entry.command for entry in menu(Role.EDITOR, Place.PRIVATE, language)}
        assert {"bulletin", "bantin", "queue", "hangdoi"} <= listed
        assert not listed & {"tips", "nguontin", "assess", "danhgia", "outcome", "ketqua",
                             "close", "dong", "block", "chan", "report", "baocao"}
        officer = {entry.command for entry in menu(Role.OFFICER, Place.PRIVATE, language)}
        assert {"tips", "nguontin", "report", "baocao"} <= officer


def _command_handlers(handler: BaseHandler) -> list[CommandHandler]:  # type: ignore[type-arg]
    if isinstance(handler, ConversationHandler):
        found = []
        for inner in handler.entry_points:
            found.extend(_command_handlers(inner))
        return found
    return [handler] if isinstance(handler, CommandHandler) else []


def test_every_handler_is_guarded_by_its_row_of_the_table():
    """The refusal, /help and the menu read one row: a handler that asked for another role
    would be refused to someone the menu offers it to, or open to someone it hides it from."""
    rows = {name: command for command in COMMANDS for name in command.names()}
    checked = set()
    for journey in JOURNEYS:
        for handler in journey.handlers():
            for command_handler in _command_handlers(handler):
                declared = getattr(command_handler.callback, "required_role", "undeclared")
                for name in command_handler.commands & rows.keys():
                    if declared == "undeclared":
                        continue
                    assert declared == rows[name].role, name
                    checked.add(rows[name].name)
    staff_commands = {c.name for c in COMMANDS if c.role is not None}
    # The composer's entry point answers refusals through its guarded first step.
    assert checked >= staff_commands - {"bulletin"}


def test_guard_refuses_with_the_role_and_place_of_the_row():
    async def callback(update, context):
        return None

    guarded = guard("tips")(callback)
    assert guarded.required_role is Role.OFFICER
    assert guarded.required_place is Place.PRIVATE
    assert guard("help")(callback).required_place is Place.ANY


def test_stats_text_for_an_editor_carries_no_tip_figure():
    words = ReportWords(Translator("vi"), (), ())
    text = render_stats_text(sample(), words, tip_figures=False)
    assert "Nhóm: 37 nhóm" in text and "Bản tin: 36 bản tin" in text
    assert "180" not in text and "Nguồn tin" not in text and "tin báo" not in text
    assert "Kết quả" not in text and "drugs" not in text
    full = render_stats_text(sample(), words)
    assert "180" in full and text in full
