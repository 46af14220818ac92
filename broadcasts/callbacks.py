"""Callback data of every bulletin button, formats and patterns in one place. Data can be forged
or stale: handlers parse it with these patterns and re-check everything it names."""

from __future__ import annotations

import re

ACK = "ack:"  # under a bulletin in a group: "Đã phổ biến"
APPROVE, REMOVE, MOVE_UP = "bq:approve:", "bq:remove:", "bq:up:"
FROM_LISTING = ":l"  # suffix: the button sits under a /queue listing, which is redrawn
RESEND = "bu:resend:"
# Under the cost question (Stars, SMS) asked before uncertain copies that cost are re-sent; the
# question is held in the database and its Confirm taken once (broadcasts.resend_questions).
RESEND_CONFIRM, RESEND_CANCEL = "bu:resendok:", "bu:resendno:"
FORCE, FORCE_CONFIRM, FORCE_CANCEL = "bu:force:", "bu:forceok:", "bu:forceno:"
COMPOSE = "bc:"
COMPOSE_SEND_CONFIRMED = "bc:nowok"  # "send now" after the SMS cost was shown (sms_cost)
# Under the SMS cost of an /alert: the alert itself waits in the database (composer_drafts).
ALERT_SMS_CONFIRM, ALERT_SMS_CANCEL = "al:ok", "al:no"

ACK_PATTERN = re.compile(r"^ack:(\d{1,9})$")
QUEUE_PATTERN = re.compile(r"^bq:(approve|remove|up):(\d{1,9})(:l)?$")
RESEND_PATTERN = re.compile(r"^bu:(resend|resendok|resendno):(\d{1,9})$")
FORCE_PATTERN = re.compile(r"^bu:(force|forceok|forceno):(\d{1,9})$")

ACK_PREFIX_PATTERN = r"^ack:"
QUEUE_PREFIX_PATTERN = r"^bq:"
RESEND_PREFIX_PATTERN = r"^bu:"  # both re-sends: of uncertain rows, and forced
COMPOSE_TOPIC_PATTERN = r"^bc:topic:"
COMPOSE_UNITS_PATTERN = r"^bc:units$"
COMPOSE_UNIT_PATTERN = r"^bc:unit:"
COMPOSE_FINISH_PATTERN = r"^bc:(now|nowok|queue|queueok|submit|cancel)$"
ALERT_SMS_PATTERN = r"^al:(ok|no)$"
COMPOSE_CANCEL_PATTERN = r"^bc:cancel$"
COMPOSE_SMS_PATTERN = r"^bc:sms$"  # "Bản SMS": the officer writes the SMS version
COMPOSE_NO_SMS_PATTERN = r"^bc:nosms$"
