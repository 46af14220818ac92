"""The Zalo Official Account channel (SPEC §13): residents chat with the commune's OA, and the OA
posts bulletins into its GMF groups.

An httpx client of our own, not a registry SDK: the Python packages for Zalo OA are stale or
off target (``zalo-sdk`` 0.2.x and the official ``zalo-python-sdk`` speak the v2 message API
Zalo shut down (error -240) and the v3 OAuth of before refresh-token rotation, synchronously with
``requests``; ``pyzalo`` and ``elizaos-plugin-zalo`` are young wrappers of the *Zalo Bot*
platform; ``python-zalo-bot`` is the Bot platform too). What the bot needs is four calls, an
OAuth refresh whose single-use token must be stored before it is used, and a signed webhook:
small enough to own, and the one part that must be exactly right (losing a refresh token stops
the channel) is then ours to test against the emulator (``emulators.zalo_oa``).

Modules: ``api`` (paths, envelopes, transport errors: the GMF endpoint choice lives there),
``tokens`` (the rotating refresh token), ``channel`` (the ``core.outbound.Channel``), ``bodies``
(messages as Zalo's JSON), ``failures`` (Zalo's errors as the core's), ``groups`` (the OA's groups
and member counts), ``webhook`` + ``signature`` + ``inbound`` (events in), ``addresses``.
"""
