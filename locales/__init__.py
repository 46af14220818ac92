"""The message catalogues (``vi/*.toml``, ``en/*.toml``), read by ``core.i18n``.

A package only so that a non-editable install (``pip install .``) carries the catalogues next to
``core/``, where ``core.i18n`` looks for them.
"""
