"""SMS emulators over real HTTP on 127.0.0.1: SMS Gateway for Android (two-way, the commune's
phone) and eSMS.vn brandname SMS (one-way). See each module's docstring for its sources."""

from .android_gateway import FakeSmsGateway, QueuedSms, sign
from .esms import BrandnameSms, FakeEsms

__all__ = ["BrandnameSms", "FakeEsms", "FakeSmsGateway", "QueuedSms", "sign"]
