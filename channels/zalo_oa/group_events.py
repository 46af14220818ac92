"""What is said in an OA's GMF groups (SPEC §13): only ``/dangky MÃ`` (``/register``) is acted
on, when a staff member whose Zalo id (``[[staff]] zalo_user_id`` or ``/staff zalo``) is the
sender types it; the answer goes back into the group as a GMF message. Everything else said in
a group is none of the bot's business: not read, not stored, not logged.

A message in a GMF group arrives as ``user_send_group_text`` (``inbound``: its ``recipient.id`` is
the group, its ``sender.id`` the person's id for this OA); see ``emulators.zalo_oa.events`` for
the sources. The sender's Zalo id is a person's identifier: it is compared with the configured
ids here and never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from channels.zalo_oa.addresses import recipient_of
from channels.zalo_oa.inbound import EventKind, InboundEvent
from core.address import Address
from core.clock import Clock
from core.i18n import Translator
from core.outbound import Channel, OutboundMessage, SendFailure
from org import group_registration
from org.channel_groups import GroupDirectory
from org.directory import Directory
from org.permissions import Place, command_spec, refusal
from storage.db import Database

log = logging.getLogger(__name__)

_REGISTER = frozenset(command_spec("register").names())


class ZaloGroupEvents:
    """The OA's side of its groups; :meth:`on_event` takes the events that name a group."""

    def __init__(self, *, db: Database, directory: Directory, clock: Clock, tr: Translator,
                 channel: Channel, groups: GroupDirectory,
                 staff_by_zalo_id: Mapping[str, Address]) -> None:
        self._db = db
        self._directory = directory
        self._clock = clock
        self._tr = tr
        self._channel = channel
        self._groups = groups
        # Kept as given, not copied: the runtime's mapping reads the staff table's ids (set in
        # chat by /staff zalo) at each look-up.
        self._staff_by_zalo_id = staff_by_zalo_id

    async def on_event(self, event: InboundEvent) -> None:
        group = event.group
        if group is None or event.kind is not EventKind.TEXT:
            return
        words = event.text.split()
        if not words or words[0].removeprefix("/").casefold() not in _REGISTER \
                or not words[0].startswith("/"):
            return
        answer = await self._register(event.sender, group, words[1:])
        try:
            await self._channel.send(group, OutboundMessage(answer))
        except SendFailure as failure:
            # Not raised: Zalo would post the event again and it would be done twice.
            log.warning("Zalo: the answer to /register in a group could not be sent (%s)",
                        type(failure).__name__)

    async def _register(self, sender: Address, group: Address, args: list[str]) -> str:
        staff_address = self._staff_by_zalo_id.get(recipient_of(sender).id)
        member = self._directory.staff_member(staff_address)
        held = member.role if member is not None else None
        refused = refusal(command_spec("register").permission, held, Place.GROUP)
        if refused is not None or member is None:
            return self._tr(refused or "access.needs_officer")
        if len(args) != 1:
            return self._tr("groups.register_usage")
        registered = await group_registration.link_channel_group(
            self._db, self._directory.tree, member, self._groups, group, args[0],
            self._clock.now(), self._tr, "groups.register_usage", typed_id=recipient_of(group).id)
        if registered.linked:
            log.info("Zalo group %s linked by a staff member", group)
        return registered.answer.text
