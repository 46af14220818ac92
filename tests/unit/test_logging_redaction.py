"""SPEC §3.1: no user id, private chat id, username, name or token survives into a log line."""

from __future__ import annotations

import io
import logging

from bot.logging import REDACTED, configure_logging, redact

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"


def test_token_in_an_httpx_url_is_removed():
    line = f'HTTP Request: POST http://127.0.0.1:8081/bot{TOKEN}/getUpdates "HTTP/1.1 200 OK"'
    out = redact(line, [TOKEN])
    assert TOKEN not in out and "AAFake" not in out
    assert "/getUpdates" in out


def test_ptb_repr_of_a_private_update_loses_every_identifier():
    line = ("Update(message=Message(chat=Chat(first_name='Nguyễn Thị Hoa', id=5123456789, "
            "type=<ChatType.PRIVATE>, username='hoa_ct'), from_user=User(first_name=\"O'Neil\", "
            "id=5123456789, is_bot=False, language_code='vi', last_name='Trần')))")
    out = redact(line)
    for secret in ("Nguyễn", "5123456789", "hoa_ct", "O'Neil", "Trần", "'vi'"):
        assert secret not in out
    assert "type=<ChatType.PRIVATE>" in out


def test_json_of_a_telegram_result_loses_identifiers_but_keeps_group_ids():
    line = ('{"chat": {"id": -1001234567890, "title": "Tổ 5"}, "from": {"id": 77123, '
            '"first_name": "Bình", "username": "binh99", "phone_number": "+84901234567"}}')
    out = redact(line)
    assert "-1001234567890" in out
    for secret in ("77123", "Bình", "binh99", "+84901234567", "84901234567"):
        assert secret not in out


def test_short_numbers_are_kept():
    assert redact("sent 3 of 12 messages in 1.25 s") == "sent 3 of 12 messages in 1.25 s"


def test_filter_redacts_args_and_tracebacks_of_every_logger():
    stream = io.StringIO()
    handler = configure_logging("DEBUG", secrets=[TOKEN], stream=stream)
    try:
        logging.getLogger("telegram.ext.Updater").debug("user %s said hi", 5123456789)
        try:
            raise RuntimeError(f"failed for username='hoa_ct' at /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logging.getLogger("httpx").exception("boom")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert "5123456789" not in text and "hoa_ct" not in text and TOKEN not in text
    assert text.count(REDACTED) >= 3
    assert "RuntimeError" in text


def test_compact_json_paths_and_sentence_ends_are_redacted():
    assert redact('{"from":{"id":123456789,"is_bot":false}}') == (
        '{"from":{"id":<redacted>,"is_bot":false}}')
    assert "123456789" not in redact('"user_id":123456789')
    assert "123456789" not in redact("chat 123456789.")
    assert "123456789" not in redact("/bot/123456789/x")
    assert redact("http://127.0.0.1:54321/bot") == "http://127.0.0.1:54321/bot"
    assert redact("chat_id=-100123456789") == "chat_id=-100123456789"


TIP_WORDS = "Có người bán ma túy ở cuối hẻm 12"


def test_ptb_debug_records_with_updates_or_request_bodies_keep_no_words():
    stream = io.StringIO()
    handler = configure_logging("DEBUG", stream=stream)
    try:
        logging.getLogger("telegram.Bot").debug(
            "Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage",
            {"chat_id": 5123456789, "text": TIP_WORDS})
        logging.getLogger("telegram.Bot").debug(
            "Call to Bot API endpoint `%s` finished with return value `%s`", "getUpdates",
            [{"message": {"text": TIP_WORDS}}])
        logging.getLogger("telegram.ext.Updater").debug("Webhook received data: %s",
                                                        f'{{"text": "{TIP_WORDS}"}}')
        logging.getLogger("telegram.ext.Application").debug("Processing update %s",
                                                            f"Update(text='{TIP_WORDS}')")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert "ma túy" not in text
    assert "`sendMessage`" in text and "`getUpdates`" in text
    assert text.count("<payload withheld>") == 4


def test_the_withheld_formats_are_the_installed_libraries_own():
    # If python-telegram-bot rewords these lines, the rule above silently stops matching.
    import inspect

    import telegram._bot
    import telegram.ext._application
    import telegram.ext._utils.webhookhandler

    from bot.logging import _PAYLOAD_TEMPLATES
    source = "".join(inspect.getsource(module) for module in (
        telegram._bot, telegram.ext._application, telegram.ext._utils.webhookhandler))
    for template in _PAYLOAD_TEMPLATES:
        assert f'"{template}"' in source, template
