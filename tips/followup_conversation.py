"""``/status``, ``/reply`` (both sides), answers to the bot's messages, ``/privacy``, as use
cases any channel calls (SPEC §3.3, §4).

The adapter hands over the pseudonym (made at the edge), the speaker's staff record if they are
staff (``org.directory``), and the words as written; the answer is a text from the catalogue. A
follow-up or a question with no visible character is not one: answered with the usage line,
nothing queued.
"""

from __future__ import annotations

import re

from core.answers import Answer, Reply
from org.roles import Role, role_allows
from org.staff import StaffMember
from tips import followup, triage
from tips.abandoned_drafts import ABANDONED_DRAFT_DAYS
from tips.context import TipsContext
from tips.followup import Lookup, StatusView
from tips.notices import local_time
from tips.status_text import render_status
from tips.visible_text import has_visible_text

CODE_IN_TEXT = re.compile(r"\bTIP-[0-9A-Z]{6}\b")


def _is_officer(member: StaffMember | None) -> bool:
    return member is not None and role_allows(member.role, Role.OFFICER)


class FollowUpConversation:
    def __init__(self, ctx: TipsContext) -> None:
        self.ctx = ctx

    def _say(self, key: str, **values: object) -> Answer:
        return Answer(self.ctx.tr(key, **values))

    async def status(self, sender: str, member: StaffMember | None, args: list[str],
                     reply: Reply) -> None:
        """``/status CODE``: the tipster's view, or the staff view for staff with it in scope."""
        if len(args) != 1:
            await reply(self._say("status.usage"))
            return
        view = await followup.view_status(self.ctx, args[0], sender=sender, member=member)
        if view.lookup is Lookup.FOUND:
            # A long thread goes in several parts, each naming the tip: nothing is cut off.
            await reply(Answer(render_status(self.ctx, view), label=view.tip.code))
        else:
            await reply(self.refusal(view))

    def refusal(self, view: StatusView) -> Answer:
        """Why a code gave nothing: one line that reveals nothing about any tip."""
        if view.lookup is Lookup.NEEDS_OFFICER:
            return self._say("access.needs_officer")
        if view.lookup is Lookup.TOO_MANY and view.write_again_at is not None:
            return self._say("relay.followup_limit",
                             max=self.ctx.settings.max_followups_per_hour,
                             time=local_time(view.write_again_at, self.ctx.tz))
        return self._say("status.locked" if view.lookup is Lookup.LOCKED else "status.not_found")

    async def relay(self, sender: str, member: StaffMember | None, code_text: str, text: str,
                    reply: Reply) -> None:
        """Staff with the tip in scope ask the tipster; anyone else is treated as the tipster."""
        ctx = self.ctx
        if member is not None and _is_officer(member):
            tip = await triage.tip_for_staff(ctx, member, code_text, Role.OFFICER)
            if tip is not None:
                result = await triage.ask_tipster(ctx, member, tip, text)
                if result.done is triage.Done.RELAY_GONE:
                    await reply(self._say("reply.relay_gone", code=tip.code,
                                          days=ctx.settings.followup_days))
                else:
                    await reply(self._say("reply.sent_to_tipster", code=tip.code))
                return
        view = await followup.tipster_adds(ctx, sender, code_text, text, member)
        if view.lookup is Lookup.FOUND:
            await reply(self._say("reply.sent_to_staff", code=view.tip.code))
        else:
            await reply(self.refusal(view))

    async def reply_command(self, sender: str, member: StaffMember | None, text: str,
                            reply: Reply) -> None:
        """``/reply CODE words``: ``text`` is the whole command as written."""
        parts = text.split(maxsplit=2)
        if len(parts) < 3 or not has_visible_text(parts[2]):
            await reply(self._say("reply.usage"))
            return
        await self.relay(sender, member, parts[1], parts[2].strip(), reply)

    async def answer_to_bot(self, sender: str, member: StaffMember | None, replied_text: str,
                            text: str, reply: Reply) -> None:
        """Answering the bot's message that names a tip code is the same as ``/reply CODE
        text``."""
        match = CODE_IN_TEXT.search(replied_text)
        if _is_officer(member):
            # Officers ask with /reply on purpose: a reply to a bot message may be a note to
            # self. (An editor is answering a question about a tip they filed, like anyone.)
            await reply(self._say("reply.usage"))
            return
        if not has_visible_text(text):
            await reply(self._say("reply.usage"))
            return
        if match is not None:
            await self.relay(sender, member, match.group(0), text, reply)

    async def privacy(self, reply: Reply) -> None:
        await reply(self._say("privacy.text", days=self.ctx.settings.followup_days,
                              draft_days=ABANDONED_DRAFT_DAYS))
