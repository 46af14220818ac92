"""Telegram adapters: one module per journey, each exposing ``handlers()``.

Handlers translate updates into calls on the domain packages and render the answers from the
locale catalogues; they hold no SQL and no business rules.
"""
