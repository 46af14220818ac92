"""Renderings of :class:`reports.stats.UnitStatistics`: JSON, CSV and the chat text."""
