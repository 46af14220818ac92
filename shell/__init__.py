"""``python -m bot shell``: every flow of the bot, offline, in a terminal.

The real bot (storage, handlers, jobs) runs against :mod:`emulators.telegram`, the same Bot API
emulator the end-to-end tests use, with a ManualClock that ``:time`` moves. Modules by job:
``demo`` (the demo configuration), ``cast`` (people and groups), ``launch`` (starting it all),
``commands`` (the ``:`` commands), ``render`` (bot messages as terminal lines), ``settling``
(waiting until the bot is done), ``time_travel`` (scheduled jobs under a moved clock),
``session`` (the conversation) and ``console`` (the terminal and scripted modes).
"""
