"""The data set of ``bench/stats.py``: a province of communes and hamlets, its Zalo groups with
their member-count history, bulletins delivered twice a week, tips over several years, outcomes.

Rows are made in Python from a seed (the same sizes and seed give the same data) and written in
bulk: ``executemany`` in one transaction on SQLite, ``COPY`` through asyncpg on PostgreSQL. The
schema itself comes from the migrations, as in production.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.engine import make_url

from org.units import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = "TINH"
STAFF = "telegram:900000001"  # an address as stored (core.address)
CATEGORIES = ("drugs", "theft", "robbery", "fraud", "gambling", "weapons", "traffic", "fire",
              "youth", "other")
CATEGORY_WEIGHTS = (12, 25, 5, 15, 10, 3, 12, 3, 5, 10)
ASSESSMENTS = ("valuable", "not_valuable", "false", "unassessed")
ASSESSMENT_WEIGHTS = (40, 30, 5, 25)
OUTCOME_KINDS = ("cases", "persons", "knives", "guns", "stun_batons")
OUTCOME_WEIGHTS = (30, 40, 15, 5, 10)
BATCH = 50_000
# Bump when what is generated changes, so that a cached data set is made again. 2: groups and
# tips on four channels, SMS subscribers, merged cases, tip ids in filing order.
DATA_VERSION = 2
# Where groups are (SPEC §13): Telegram groups, Zalo OA GMF groups, Zalo Bot groups, and SMS
# subscribers (recipient rows of their own); and where tips come in.
GROUP_CHANNELS = ("telegram", "zalo_oa", "zalo_bot", "sms")
GROUP_CHANNEL_WEIGHTS = (55, 25, 12, 8)
GROUP_ADDRESS = {"telegram": "telegram:-{chat}", "zalo_oa": "zalo_oa:group:g{g:08x}",
                 "zalo_bot": "zalo_bot:g{g:08x}"}
TIP_CHANNELS = ("telegram", "zalo_oa", "zalo_bot", "sms")
TIP_CHANNEL_WEIGHTS = (50, 25, 15, 10)
MERGED_SHARE = 0.06


@dataclass(frozen=True)
class Sizes:
    tips: int
    groups: int
    years: int
    communes: int
    hamlets: int  # per commune
    delivery_years: int  # the last years that have bulletins and deliveries
    seed: int

    @property
    def end(self) -> datetime:
        """Local midnight of 1 January 2027: the data covers the ``years`` before it."""
        return datetime(2027, 1, 1, tzinfo=VN)

    @property
    def start(self) -> datetime:
        return datetime(2027 - self.years, 1, 1, tzinfo=VN)

    def key(self) -> str:
        return f"v{DATA_VERSION}-" + "-".join(f"{k}{v}" for k, v in asdict(self).items())


def unit_list(sizes: Sizes) -> list[Unit]:
    units = [Unit(ROOT, "Tỉnh Đồng Tháp (bench)", None)]
    for c in range(1, sizes.communes + 1):
        commune = f"X{c:03d}"
        units.append(Unit(commune, f"Xã {c}", ROOT))
        units.extend(Unit(f"{commune}-A{h:02d}", f"Ấp {h}", commune)
                     for h in range(1, sizes.hamlets + 1))
    return units


@dataclass
class Tables:
    """Rows per table, in column order of the live schema; datetimes are aware UTC."""

    groups: list[tuple]
    group_member_counts: list[tuple]
    bulletins: list[tuple]
    dispatches: list[tuple]
    deliveries: list[tuple]
    tips: list[tuple]
    outcomes: list[tuple]

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}


COLUMNS = {
    "groups": ("id", "address", "title", "unit_id", "status", "member_count", "member_count_at",
               "registered_by", "registered_at", "created_at", "updated_at"),
    "group_member_counts": ("id", "group_id", "members", "counted_at"),
    "bulletins": ("id", "unit_id", "topic", "body", "media_kind", "media_file_id", "status",
                  "is_alert", "queue_position", "created_by", "created_at", "approved_by",
                  "approved_at"),
    "dispatches": ("id", "kind", "unit_id", "requested_by", "created_at", "summary_sent_at"),
    "deliveries": ("id", "bulletin_id", "group_id", "dispatch_id", "status", "silent",
                   "attempts", "last_error", "message_id", "created_at", "updated_at", "sent_at"),
    "tips": ("id", "code", "unit_id", "category", "bulletin_id", "sender", "assessment",
             "state", "created_at", "assessed_at", "closed_at", "relay_link",
             "relay_expires_at", "channel", "case_id"),
    "outcomes": ("id", "tip_id", "unit_id", "kind", "quantity", "note", "recorded_by",
                 "recorded_at"),
}


def generate(sizes: Sizes, unit_ids: dict[str, int]) -> Tables:
    rng = random.Random(sizes.seed)
    start, end = sizes.start.astimezone(UTC), sizes.end.astimezone(UTC)
    span = (end - start).total_seconds()
    communes = [f"X{c:03d}" for c in range(1, sizes.communes + 1)]
    hamlets = [f"{c}-A{h:02d}" for c in communes for h in range(1, sizes.hamlets + 1)]
    places = hamlets * 9 + communes * max(1, sizes.hamlets)  # 90 % in hamlets, 10 % communes
    tables = Tables([], [], [], [], [], [], [])

    # Groups: registered over the first ~80 % of the span; 3 % have since left (inactive).
    group_places: list[str] = []
    registered: list[datetime] = []
    for g in range(1, sizes.groups + 1):
        place = rng.choice(places)
        at = start + timedelta(seconds=rng.random() * span * 0.8)
        status = "inactive" if rng.random() < 0.03 else "active"
        members = rng.randint(15, 400)
        group_places.append(place)
        registered.append(at)
        counted = last_counted = at
        while counted < end:  # a member count at linking, then one about every quarter
            members = max(2, members + rng.randint(-10, 15))
            tables.group_member_counts.append((len(tables.group_member_counts) + 1, g, members,
                                               counted))
            last_counted = counted
            counted += timedelta(days=rng.randint(80, 100), seconds=rng.randint(0, 86_399))
        # As the bot keeps it: the group row holds its last count (storage.groups). SMS
        # subscribers are recipient rows too (storage.sms_subscribers): one person, no count.
        channel = rng.choices(GROUP_CHANNELS, GROUP_CHANNEL_WEIGHTS)[0]
        if channel == "sms":
            tables.groups.append((g, f"sms:sealed-{g:06d}", f"SMS {g:06d}", unit_ids[place],
                                  "sms", None, None, None, None, at, at))
        else:
            address = GROUP_ADDRESS[channel].format(g=g, chat=1_000_000_000 + g)
            tables.groups.append((g, address, f"Tổ {g}", unit_ids[place], status, members,
                                  last_counted, STAFF, at, at, at))

    # Bulletins: each commune sends one on Monday and one on Thursday to its whole subtree
    # (some weeks only one); 0.2 % of deliveries fail.
    by_commune: dict[str, list[int]] = {c: [] for c in communes}
    for g, place in enumerate(group_places, start=1):
        by_commune[place[:4]].append(g)
    first = max(sizes.start, datetime(2027 - sizes.delivery_years, 1, 1, tzinfo=VN))
    monday = (first - timedelta(days=first.weekday())).replace(hour=0)
    while monday < sizes.end:
        for commune in communes:
            days = (0,) if rng.random() < 0.02 else (0, 3)
            for day in days:
                at = (monday + timedelta(days=day, hours=8, minutes=rng.randint(0, 90)))
                at = at.astimezone(UTC)
                if not start <= at < end:
                    continue
                b = len(tables.bulletins) + 1
                tables.bulletins.append((b, unit_ids[commune], "general", "Bản tin an ninh", None,
                                         None, "direct", False, b, STAFF, at, None, None))
                tables.dispatches.append((b, "now", unit_ids[commune], STAFF, at, at))
                for g in by_commune[commune]:
                    if registered[g - 1] > at:
                        continue
                    d = len(tables.deliveries) + 1
                    if rng.random() < 0.002:
                        row = (d, b, g, b, "failed", False, 1, "Forbidden", None, at, at, None)
                    else:
                        row = (d, b, g, b, "sent", False, 1, None, d, at, at, at)
                    tables.deliveries.append(row)
        monday += timedelta(weeks=1)

    # Tips, a quarter of them still unassessed; 5 % lead to an outcome a few days later.
    # Tips come in on every channel; 6 % are merged into the case of one of the 50 tips filed
    # just before (SPEC §15: the case is named by its first tip's id, which holds it too).
    tip_places = hamlets * 4 + communes * max(1, sizes.hamlets)  # 80 % filed in hamlets
    categories = rng.choices(CATEGORIES, CATEGORY_WEIGHTS, k=sizes.tips)
    assessments = rng.choices(ASSESSMENTS, ASSESSMENT_WEIGHTS, k=sizes.tips)
    channels = rng.choices(TIP_CHANNELS, TIP_CHANNEL_WEIGHTS, k=sizes.tips)
    # Ids in the order tips were filed, as the bot gives them: a case's tips lie hours apart.
    filed_at = sorted(start + timedelta(seconds=int(rng.random() * span))
                      for _ in range(sizes.tips))
    case_ids: list[int | None] = [None] * (sizes.tips + 1)
    for t in range(2, sizes.tips + 1):
        if rng.random() < MERGED_SHARE:
            other = max(1, t - rng.randint(1, 50))
            case_ids[t] = case_ids[other] = case_ids[other] or other
    for t in range(1, sizes.tips + 1):
        place = rng.choice(tip_places)
        at = filed_at[t - 1]
        assessment = assessments[t - 1]
        assessed = None if assessment == "unassessed" else at + timedelta(hours=6)
        closed = assessed is not None and rng.random() < 0.7
        tables.tips.append((t, f"TIP-{t:07d}", unit_ids[place], categories[t - 1], None,
                            f"p{rng.randrange(200_000):06d}", assessment,
                            "closed" if closed else "open", at, assessed,
                            at + timedelta(days=2) if closed else None, None, None,
                            channels[t - 1], case_ids[t]))
        if assessment == "valuable" and rng.random() < 0.125:
            recorded = min(at + timedelta(days=rng.randint(1, 20)), end - timedelta(seconds=1))
            kind = rng.choices(OUTCOME_KINDS, OUTCOME_WEIGHTS)[0]
            tables.outcomes.append((len(tables.outcomes) + 1, t, unit_ids[place], kind,
                                    rng.randint(1, 5), "", STAFF, recorded))
    return tables


def _batches(rows: Sequence[tuple]) -> Iterator[Sequence[tuple]]:
    for n in range(0, len(rows), BATCH):
        yield rows[n:n + BATCH]


def _sqlite_value(value: object) -> object:
    # The text form SQLAlchemy's SQLite DateTime writes, so that range comparisons line up.
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return int(value) if isinstance(value, bool) else value


def write_sqlite(path: str, tables: Tables) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        with conn:
            for name, columns in COLUMNS.items():
                sql = (f"INSERT INTO {name} ({', '.join(columns)}) "
                       f"VALUES ({', '.join('?' * len(columns))})")
                for batch in _batches(getattr(tables, name)):
                    conn.executemany(sql, [tuple(map(_sqlite_value, row)) for row in batch])
    finally:
        conn.close()


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def write_postgres(url: str, tables: Tables) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        async with conn.transaction():
            for name, columns in COLUMNS.items():
                for batch in _batches(getattr(tables, name)):
                    await conn.copy_records_to_table(name, records=batch, columns=columns)
                await conn.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                   f"(SELECT coalesce(max(id), 1) FROM {name}))")
        # What autovacuum would do before long: planner statistics, and the visibility map
        # without which no scan is index-only.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
