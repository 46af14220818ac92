"""The message catalogues (``vi/*.toml``, ``en/*.toml``), read by ``bot.i18n``.

A package only so that a non-editable install (``pip install .``) carries the catalogues next to
``bot/``, where ``bot.i18n`` looks for them.
"""
