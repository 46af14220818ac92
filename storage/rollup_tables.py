"""Running totals behind the statistics (migration 0007), kept per *scope unit*.

A province's year is about a million deliveries and two hundred thousand tips; counting them at
each ``/stats`` took seconds (bench/stats.py). These tables hold the same figures already
counted, per local day (or ISO week) and per unit *of the scope*: a tip filed in a hamlet is
counted once for the hamlet, once for its commune and once for the province (and once in the
hamlet's "own" scope), so a question about any unit reads only that unit's rows. They are
written in the same transaction as the event they count (``storage/stats_rollup.py``) and
rebuilt from the source tables whenever the unit tree or the timezone changes
(``storage/stats_rebuild.py``).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table

from storage.schema import UTCDateTime, metadata

# Which scopes an event in ``unit_id`` counts in: the unit's subtree scope and that of every unit
# above it (scope id = the unit's id), and the unit's "own" scope (scope id = minus its id): what
# is linked to that unit itself and not to any unit below it, for the report's table by unit.
unit_ancestors = Table(
    "unit_ancestors",
    metadata,
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("ancestor_id", Integer, primary_key=True),
    # A scope's units, looked up by the scope (0025): the statistics' subtree lookups.
    Index("ix_unit_ancestors_ancestor_id_unit_id", "ancestor_id", "unit_id"),
)

# Tips received on ``day`` (local), by category; and by *current* assessment and state. Two
# tables, not one by all three: a province's year is then about 3,000 rows to add up in each
# instead of 26,000 in one (bench/stats.py), and an assessment changes only the second.
stats_tip_category_days = Table(
    "stats_tip_category_days",
    metadata,
    Column("scope_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("tips", Integer, nullable=False),
)

stats_tip_state_days = Table(
    "stats_tip_state_days",
    metadata,
    Column("scope_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("assessment", String(16), primary_key=True),
    Column("state", String(16), primary_key=True),
    Column("tips", Integer, nullable=False),
)

# Per bulletin and day: (bulletin, group) pairs first delivered that day, deliveries that failed.
stats_delivery_days = Table(
    "stats_delivery_days",
    metadata,
    Column("scope_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("bulletin_id", Integer, primary_key=True),
    Column("pairs", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
)

# Per channel and day (0016): (bulletin, recipient) pairs first delivered, deliveries that
# failed, and tips received, for the report's figures by channel (SPEC §13). A channel is the
# prefix of the recipient's address (``telegram``, ``zalo_oa``, ``sms``) or the tip's channel.
stats_channel_days = Table(
    "stats_channel_days",
    metadata,
    Column("scope_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("channel", String(32), primary_key=True),
    Column("deliveries", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("tips", Integer, nullable=False),
)

stats_outcome_days = Table(
    "stats_outcome_days",
    metadata,
    Column("scope_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("quantity", Integer, nullable=False),
)

# Distinct bulletins each group received in an ISO week (``week`` is its local Monday).
stats_group_weeks = Table(
    "stats_group_weeks",
    metadata,
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("week", Date, primary_key=True),
    Column("bulletins", Integer, nullable=False),
)

# How many *judged* groups of a scope (active, registered before the week began) received
# exactly ``bulletins`` distinct bulletins in a week: the weekly target is checked against it.
stats_week_groups = Table(
    "stats_week_groups",
    metadata,
    Column("scope_id", Integer, primary_key=True),
    Column("week", Date, primary_key=True),
    Column("bulletins", Integer, primary_key=True),
    Column("groups", Integer, nullable=False),
)

# What the totals were built for: rebuilt when the tree or the timezone is not this any more.
stats_rollup_state = Table(
    "stats_rollup_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("timezone", String(64), nullable=False),
    Column("units_fingerprint", String(64), nullable=False),
    Column("built_at", UTCDateTime(), nullable=False),
)
