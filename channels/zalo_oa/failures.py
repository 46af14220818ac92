"""Zalo's refusals as the few outcomes the core tells apart (``core.outbound``; SPEC §12 and
§13: quota and rate errors wait and retry, others fail the row with the reason). Only Zalo's own
codes are here: no answer at all means the same on every platform (``channels.http_transport``).

Codes from Zalo's table of OA errors (developers.zalo.me/docs/official-account/phu-luc/ma-loi).
Zalo gives no "retry after": the call rate (-32) is counted per minute, so a minute; a spent
quota (-211 the OA's, -218 the recipient's) waits an hour and is asked again.
"""

from __future__ import annotations

from channels.zalo_oa.api import ZaloApiError, ZaloTransportError
from core.outbound import (
    ChatUnavailable,
    Rejected,
    ReplyWindowClosed,
    RetryLater,
    SendFailure,
)

RATE_LIMITED = -32
OUT_OF_QUOTA = -211
OUT_OF_RECEIVE_QUOTA = -218
INVALID_PARAMETER = -201
USER_NOT_FOLLOWER = -213
USER_BANNED_OR_INACTIVE = -227
OUTSIDE_REPLY_WINDOW = -230
NO_RECENT_INTERACTION = -232
GROUP_DISABLED = -237

RATE_LIMIT_WAIT = 60.0  # seconds
QUOTA_WAIT = 3600.0

_GONE = (USER_NOT_FOLLOWER, USER_BANNED_OR_INACTIVE, GROUP_DISABLED)
# -201 names the field it did not like; a recipient that does not exist is one of them.
_RECIPIENT_FIELDS = ("user_id", "group_id")


class OutsideReplyWindow(ReplyWindowClosed):
    """The person last wrote more than 7 days ago: Zalo takes consultation messages to them
    again after their next message (SPEC §13: a staff question waits for it)."""


def classify(error: ZaloApiError | ZaloTransportError, *, rate_limit_wait: float = RATE_LIMIT_WAIT,
             quota_wait: float = QUOTA_WAIT) -> SendFailure:
    if isinstance(error, ZaloTransportError):
        return error.send_failure()
    reason = str(error)
    if error.code == RATE_LIMITED:
        return RetryLater(reason, rate_limit_wait)
    if error.code in (OUT_OF_QUOTA, OUT_OF_RECEIVE_QUOTA):
        return RetryLater(reason, quota_wait)
    if error.code in (OUTSIDE_REPLY_WINDOW, NO_RECENT_INTERACTION):
        return OutsideReplyWindow(reason)
    if error.code in _GONE:
        return ChatUnavailable(reason)
    if error.code == INVALID_PARAMETER and error.message.startswith(_RECIPIENT_FIELDS):
        return ChatUnavailable(reason)
    return Rejected(reason)
