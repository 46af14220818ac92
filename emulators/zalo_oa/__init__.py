"""An emulator of Zalo's Official Account Open API v3 (consultation and GMF group messages,
groups, OAuth v4 token refresh) and of Zalo's signed OA webhook, over real HTTP on 127.0.0.1.
See :class:`FakeZaloOA`."""

from .events import SIGNATURE_HEADER, zevent_signature
from .fake import APP_ID, APP_SECRET, OA_ID, OA_SECRET, FakeZaloOA
from .world import SentMessage, ZaloGroup, ZaloUser

__all__ = [
    "APP_ID",
    "APP_SECRET",
    "OA_ID",
    "OA_SECRET",
    "SIGNATURE_HEADER",
    "FakeZaloOA",
    "SentMessage",
    "ZaloGroup",
    "ZaloUser",
    "zevent_signature",
]
