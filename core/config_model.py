"""The typed configuration: what ``config.toml`` means once it has been validated (SPEC §9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from core.quiet_hours import QuietHours
from core.schedule_spec import ScheduleSpec

ROLES: tuple[str, ...] = ("admin", "officer", "editor")
NOTIFY_CHOICES: tuple[str, ...] = ("unit", "unit_and_parent", "unit_and_ancestors")
OTHER_CATEGORY = "other"


@dataclass(frozen=True)
class BotSettings:
    language: str
    timezone: ZoneInfo
    data_dir: Path
    log_level: str


@dataclass(frozen=True)
class WebhookSettings:
    url: str  # the public HTTPS address Telegram posts to (set with setWebhook)
    listen: str  # the address the bot's own HTTP server binds
    port: int
    secret_env: str  # the variable holding the secret token Telegram sends back
    url_path: str  # the path the bot's server answers on: the path of ``url``


@dataclass(frozen=True)
class TelegramSettings:
    token_env: str
    api_base_url: str
    api_file_url: str
    mode: str
    webhook: WebhookSettings | None = None
    # "lean": the bot's JSON calls through channels.lean_request; "httpx": all through PTB's own.
    http_client: str = "lean"


@dataclass(frozen=True)
class UnitDecl:
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class StaffDecl:
    telegram_id: int
    role: str
    unit: str
    # The person's Zalo user id for the OA (from an OA event), so ``/dangky MÃ`` typed in a Zalo
    # group is known to be theirs; None when not set. Never logged at INFO.
    zalo_user_id: str | None = None


@dataclass(frozen=True)
class BulletinSettings:
    schedule: ScheduleSpec
    weekly_target: int
    quiet_hours: QuietHours | None  # None: no quiet hours
    misfire_grace: timedelta
    # Alerts (never bulletins) go to Telegram groups as paid broadcasts: up to 1,000 a second
    # for 0.1 Star a copy, the officer told the cost before sending.
    paid_broadcast: bool = False


@dataclass(frozen=True)
class Category:
    """A tip category. ``label`` None means "use the catalogue's label for this key"."""

    key: str
    label: str | None


@dataclass(frozen=True)
class OutcomeKind:
    key: str
    label: str | None
    unit: str | None


@dataclass(frozen=True)
class TipSettings:
    max_per_hour: int
    max_per_day: int
    block_days: int
    followup_days: int
    notify: str
    categories: tuple[Category, ...]
    max_followups_per_hour: int = 10  # per pseudonym: /reply and answers to questions
    # Similar tips (SPEC §15): how far back, from what score a merge is suggested, and from
    # what score tips are merged without asking (0: never; the officer turns it on).
    similar_days: int = 14
    similar_suggest: float = 0.75
    similar_auto_merge: float = 0.0


@dataclass(frozen=True)
class ZaloOASettings:
    """The ``[zalo_oa]`` table (SPEC §13): a Zalo Official Account and the app that acts for it.
    Secrets are named by the environment variables that hold them, never written here."""

    oa_id: str
    app_id: str
    app_secret_env: str  # sent as secret_key when refreshing the access token
    oa_secret_env: str  # the OA secret key that signs webhook events
    refresh_token_env: str  # the first refresh token; later ones live in the database
    api_base_url: str
    oauth_base_url: str
    webhook_listen: str
    webhook_port: int
    webhook_path: str


@dataclass(frozen=True)
class ZaloBotSettings:
    """The ``[zalo_bot]`` table (SPEC §13): a bot on the Zalo Bot Platform. Secrets are named by
    the environment variables that hold them, never written here."""

    token_env: str  # the bot token, "<bot_id>:<secret>" (it is in every API URL)
    api_base_url: str
    mode: str  # "polling" (getUpdates) or "webhook"
    webhook_secret_env: str  # the secret token checked against X-Bot-Api-Secret-Token
    webhook_url: str  # "": setWebhook is not called by the bot (set once by hand)
    webhook_listen: str
    webhook_port: int
    webhook_path: str


@dataclass(frozen=True)
class EsmsSettings:
    """``[sms]`` with ``provider = "esms"``: eSMS.vn brandname SMS (one-way)."""

    api_key_env: str
    secret_key_env: str
    brandname: str
    sandbox: bool  # Sandbox 1: requests are checked, neither sent nor charged


@dataclass(frozen=True)
class SmsSettings:
    """``[sms]`` (SPEC §13): the provider, its webhook for incoming texts, costs and limits."""

    provider: str  # android_gateway | esms
    api_base_url: str
    username_env: str
    password_env: str
    webhook_signing_key_env: str
    webhook_listen: str
    webhook_port: int
    webhook_path: str
    price_vnd: int  # per segment
    monthly_budget_vnd: int
    max_segments: int
    esms: EsmsSettings | None = None  # set when provider is esms

    @property
    def two_way(self) -> bool:
        return self.provider == "android_gateway"


@dataclass(frozen=True)
class OpsSettings:
    """``[ops]``: where the health and metrics server listens (SPEC §14)."""

    host: str
    port: int


@dataclass(frozen=True)
class Config:
    path: Path
    bot: BotSettings
    telegram: TelegramSettings
    storage_url: str
    secret_key_env: str
    units: tuple[UnitDecl, ...]
    staff: tuple[StaffDecl, ...]
    bulletins: BulletinSettings
    tips: TipSettings
    outcome_kinds: tuple[OutcomeKind, ...]
    weekly_report: ScheduleSpec
    zalo_oa: ZaloOASettings | None = None  # None: no [zalo_oa] table, the channel is off
    zalo_bot: ZaloBotSettings | None = None  # None: no [zalo_bot] table, the channel is off
    sms: SmsSettings | None = None  # no [sms] table: SMS is not configured
    ops: OpsSettings | None = None  # None: no [ops] table, no health or metrics server

    @property
    def language(self) -> str:
        return self.bot.language

    @property
    def timezone(self) -> ZoneInfo:
        return self.bot.timezone


DEFAULT_CATEGORIES: tuple[str, ...] = (
    "drugs", "theft", "robbery", "fraud", "gambling", "weapons", "traffic", "fire", "youth",
    OTHER_CATEGORY,
)
DEFAULT_OUTCOME_KINDS: tuple[str, ...] = ("cases", "persons", "knives", "guns", "stun_batons")
