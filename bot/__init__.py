"""Kết Nối ANTT: the composition root (config, CLI, Telegram application, logging, i18n)."""
