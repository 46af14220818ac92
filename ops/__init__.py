"""Operations (SPEC §14): what an IT officer watches and runs beside the bot.

``/healthz`` and ``/metrics`` (``ops.server``), the figures they show (``ops.metrics``,
``ops.database_figures``, ``ops.telegram_state``), the instrumented Bot API requests that feed
them (``ops.request``), the count of updates by kind (``ops.updates``) and the lock that keeps a
second process off a SQLite file (``ops.run_lock``). Nothing here ever carries a tipster
identifier: labels are kinds, states, channels, categories and Bot API method names only.
"""
