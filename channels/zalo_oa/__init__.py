"""The Zalo Official Account channel (SPEC §13): residents chat with the commune's OA, and the OA
posts bulletins into its GMF groups.

An httpx client of our own, not a registry SDK. The Zalo OA packages on PyPI (package index as
of 2026-12): ``zalo-python-sdk`` 1.17 (2017-12) and ``zalo-official-sdk`` 1.0.1 (2021-06) predate
the OA API v3 and OAuth v4 and are unmaintained; ``zalopysdk`` 0.1.1 (2024-11) is one early
release; ``zalo-sdk`` 0.3.0 and ``zalo-api`` 2.1.0 (2026-07) are recent third-party clients,
neither Zalo's, not audited here (``zalo-sdk``'s error table still carries the v2-era 48-hour
codes). ``python-zalo-bot``, ``zalobot-python``, ``zalo-bot-mcp`` and ``pyzalo`` are for the
*Zalo Bot* platform, not the OA. Zalo itself publishes SDKs for PHP, Java and Node, none for
Python. What the bot needs is four JSON calls, a signed webhook, and an OAuth refresh whose
single-use token must be committed to our database before its access token is used, across
processes: that last part is storage-specific, no SDK can do it for us, and losing a token stops
the channel, so it is ours, tested against the emulator (``emulators.zalo_oa``).

Modules: ``api`` (paths, envelopes, transport errors: the GMF endpoint choice lives there),
``tokens`` (the rotating refresh token), ``channel`` (the ``core.outbound.Channel``), ``bodies``
(messages as Zalo's JSON), ``failures`` (Zalo's errors as the core's), ``groups`` (the OA's groups
and member counts), ``webhook`` + ``signature`` + ``inbound`` (events in), ``addresses``.
"""
