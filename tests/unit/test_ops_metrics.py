"""Health and metrics (SPEC §14): the names a monitor scrapes, labels that can never carry a
tipster identifier, the Bot API's 429s and latency as the instrumented request layer sees them."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from telegram import Bot, Update
from telegram.error import NetworkError, RetryAfter

from emulators.telegram import FakeTelegramAPI
from ops.database_figures import DatabaseFigures
from ops.health import health_report
from ops.metrics import PROCESS_REGISTRY
from ops.request import InstrumentedRequest, method_of
from ops.role import ProcessRole
from ops.telegram_state import TELEGRAM_STATE, TelegramState
from ops.updates import kind_of
from storage.ops_figures import OpsFigures

# Every label any metric may have: kinds, states, channels, categories, Bot API methods, and
# the histogram's bucket bound. Nothing that could name a person.
ALLOWED_LABELS = {"kind", "method", "category", "state", "channel", "le"}
FIGURES = OpsFigures(tips_by_category={"drugs": 3, "theft": 1},
                     deliveries={("sent", "telegram"): 40, ("pending", "telegram"): 5,
                                 ("sending", "zalo"): 1},
                     outbox={"sent": 7, "pending": 2})


def _exposition(figures: OpsFigures | None) -> str:
    collector = DatabaseFigures(db=None)  # type: ignore[arg-type]
    collector.latest = figures
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return (generate_latest(PROCESS_REGISTRY) + generate_latest(registry)).decode()


def _samples(text: str) -> dict[str, float]:
    return {f"{s.name}{sorted(s.labels.items())}": s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_text_has_the_names_a_monitor_scrapes():
    text = _exposition(FIGURES)
    for name in ("kna_tips_filed_total", "kna_bulletin_deliveries", "kna_outbox_depth",
                 "kna_bulletin_deliveries_waiting", "kna_updates_handled",
                 "kna_telegram_rate_limited", "kna_telegram_send_seconds", "kna_leader",
                 "kna_leader_changes", "kna_database_up"):
        assert f"# TYPE {name}" in text, name
    samples = _samples(text)
    assert samples["kna_tips_filed_total[('category', 'drugs')]"] == 3
    assert samples["kna_bulletin_deliveries[('channel', 'telegram'), ('state', 'pending')]"] == 5
    assert samples["kna_bulletin_deliveries_waiting[]"] == 6
    assert samples["kna_outbox_depth[]"] == 2
    assert samples["kna_database_up[]"] == 1


def test_names_say_tip_and_deliver_where_they_count_those():
    families = {f.name for f in text_string_to_metric_families(_exposition(FIGURES))}
    assert any("tip" in name for name in families)
    assert {name for name in families if name.startswith("kna_bulletin_deliver")} == {
        "kna_bulletin_deliveries", "kna_bulletin_deliveries_waiting"}


def test_no_label_can_carry_an_identifier():
    for family in text_string_to_metric_families(_exposition(FIGURES)):
        for sample in family.samples:
            assert set(sample.labels) <= ALLOWED_LABELS, (sample.name, sample.labels)


def test_a_database_that_does_not_answer_shows_as_down_without_figures():
    samples = _samples(_exposition(None))
    assert samples["kna_database_up[]"] == 0
    assert not any(key.startswith("kna_tips_filed") for key in samples)


def test_the_method_label_never_holds_the_token():
    token = "123456:AAE-secret_token"
    assert method_of(f"https://api.telegram.org/bot{token}/sendMessage") == "sendMessage"
    assert method_of(f"https://api.telegram.org/file/bot{token}/photos/file_1.jpg") == "file"
    assert method_of(f"https://api.telegram.org/bot{token}") == "file"


def test_the_kind_of_an_update_is_its_filled_field():
    update = Update.de_json({"update_id": 1, "callback_query": {
        "id": "q", "chat_instance": "c", "data": "x",
        "from": {"id": 42, "is_bot": False, "first_name": "A"}}}, bot=None)
    assert kind_of(update) == "callback_query"
    assert kind_of(Update(update_id=2)) == "other"


def test_health_is_503_only_when_the_database_is_down():
    role = ProcessRole()
    role.take("leader")
    ok = health_report(FIGURES, TelegramState(state="ok"), role)
    assert ok.http_status == 200
    assert ok.body == {"status": "ok", "role": "leader", "database": "ok", "telegram": "ok",
                       "outbox": 2, "pending_deliveries": 6, "inbox": 0}
    telegram_down = health_report(FIGURES, TelegramState(state="failing"), role)
    assert (telegram_down.http_status, telegram_down.body["status"]) == (200, "degraded")
    down = health_report(None, TelegramState(state="ok"), role)
    assert down.http_status == 503
    assert down.body["database"] == "failing" and down.body["outbox"] is None
    assert down.body["inbox"] is None


def test_health_counts_the_webhook_updates_not_handled_yet_as_the_inbox():
    role = ProcessRole()
    inbox = {"received": 4, "taken": 1, "done": 250, "uncertain": 2, "unreadable": 1}
    report = health_report(FIGURES, TelegramState(state="ok"), role, inbox)
    assert report.body["inbox"] == 5
    assert health_report(FIGURES, TelegramState(state="ok"), role, {"done": 9}).body["inbox"] == 0


def _value(name: str, **labels: str) -> float:
    return PROCESS_REGISTRY.get_sample_value(name, labels) or 0.0


async def test_the_request_layer_counts_429s_times_sends_and_records_telegram_state():
    async with FakeTelegramAPI() as fake:
        await _send_through_the_instrumented_layer(fake)


async def _send_through_the_instrumented_layer(fake: FakeTelegramAPI) -> None:
    chat = fake.user("Người nhận").id
    bot = Bot(fake.token, base_url=fake.base_url, request=InstrumentedRequest())
    async with bot:
        sent_before = _value("kna_telegram_send_seconds_count", method="sendMessage")
        limited_before = _value("kna_telegram_rate_limited_total", method="sendMessage")
        await bot.send_message(chat, "một")
        assert TELEGRAM_STATE.state == "ok"
        fake.inject_error("sendMessage", chat_id=chat, error_code=429,
                          description="Too Many Requests: retry after 1", retry_after=1)
        with pytest.raises(RetryAfter):
            await bot.send_message(chat, "hai")
        assert TELEGRAM_STATE.state == "ok"  # Telegram answered: slow down, not down
        assert _value("kna_telegram_rate_limited_total", method="sendMessage") \
            == limited_before + 1
        assert _value("kna_telegram_send_seconds_count", method="sendMessage") \
            == sent_before + 2
        fake.inject_server_error("sendMessage", status=502)
        with pytest.raises(NetworkError):
            await bot.send_message(chat, "ba")
        assert TELEGRAM_STATE.state == "failing"
        await bot.send_message(chat, "bốn")
        assert TELEGRAM_STATE.state == "ok"
        await fake.stop()
        with pytest.raises(NetworkError):
            await bot.send_message(chat, "năm")
        assert TELEGRAM_STATE.state == "failing"
