"""The Zalo Bot channel (SPEC §13): residents chat 1:1 with the commune's bot on the Zalo Bot
Platform (``https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>``), the Telegram-like API.

An httpx client of our own, not ``python-zalo-bot`` (a python-telegram-bot fork): that package
is a whole framework with its own polling loop, where our one product rule for this platform must
live (``getUpdates`` has no offset, so each ``message_id`` is handled once, remembered in the
database across restarts); the API is six JSON calls with one envelope, and owning them keeps the
token and the Zalo user ids out of every log line. NOTES-zalobot.md has the whole argument.

Modules: ``api`` (calls, envelope, transport errors), ``channel`` (the
``core.outbound.Channel``: text only, numbered choices), ``failures`` (refusals as the core's),
``updates`` (an update as plain data), ``handled`` (each message once), ``polling`` and
``webhook`` (the two ways updates come in), ``conversation`` (the shared typed chat),
``addresses``.
"""
