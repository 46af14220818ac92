"""The channel contract suite: every test here runs once per channel and send path.

To add a channel: write its ``ChannelUnderTest`` beside ``telegram_under_test.py`` and add its
:class:`ChannelEntry` to :data:`CHANNELS`. Nothing else changes: tests that hold only for some
capabilities (``@contract_for(buttons=ButtonStyle.NONE)``…) or media kinds (an argument named
``captioned_kind``…) run where the channel declares them and are skipped, with the capability
named, where it does not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from core.outbound import MediaKind

from .channel_under_test import Capabilities, ChannelEntry, ChannelUnderTest, SendPath
from .contract import CONTRACT_FOR
from .sms_under_test import SMS_ANDROID_GATEWAY, SMS_ESMS
from .telegram_under_test import TELEGRAM
from .zalo_bot_under_test import ZALO_BOT
from .zalo_under_test import ZALO_OA

CHANNELS: tuple[ChannelEntry, ...] = (TELEGRAM, ZALO_OA, ZALO_BOT, SMS_ANDROID_GATEWAY, SMS_ESMS)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{CONTRACT_FOR}(**claims): a clause for channels whose Capabilities or "
                   "SendPath hold these values (e.g. buttons=ButtonStyle.NONE)")


def _claim(entry: ChannelEntry, path: SendPath, name: str) -> Any:
    source = entry.capabilities if hasattr(entry.capabilities, name) else path
    return getattr(source, name)


def _not_for(entry: ChannelEntry, path: SendPath, claims: dict[str, Any]) -> str | None:
    """Why this clause does not apply to the channel and path, or None when it does."""
    for name, wanted in claims.items():
        actual = _claim(entry, path, name)
        if actual != wanted:
            return (f"{entry.name} ({path.name}) declares {name}={actual}; this clause is for "
                    f"those with {name}={wanted}")
    return None


# Test arguments naming a media kind: the kinds of a channel each runs over, and what it means
# when a channel has none.
KIND_ARGUMENTS: dict[str, tuple[Callable[[Capabilities], frozenset[MediaKind]], str]] = {
    "carried_kind": (lambda c: c.media_kinds, "carries no media (Capabilities.media_kinds)"),
    "captioned_kind": (lambda c: c.media_kinds - c.uncaptioned_kinds,
                       "carries no media with a caption (Capabilities.uncaptioned_kinds)"),
    "uncaptioned_kind": (lambda c: c.media_kinds & c.uncaptioned_kinds,
                         "captions every media kind it carries (Capabilities.uncaptioned_kinds)"),
    "refused_kind": (lambda c: frozenset(MediaKind) - c.media_kinds,
                     "carries every MediaKind (Capabilities.media_kinds): no refusal to check"),
}


def _params(entry: ChannelEntry, path: SendPath, claims: dict[str, Any],
            kind_argument: str | None) -> list[Any]:
    """The test's cases for one channel and path: one, or one per media kind it names;
    skipped, with the reason, where the clause is not this channel's."""
    case = f"{entry.name}-{path.name}"
    reason = _not_for(entry, path, claims)
    if kind_argument is None:
        return [pytest.param((entry, path), id=case,
                             marks=[pytest.mark.skip(reason=reason)] if reason else [])]
    select, none_means = KIND_ARGUMENTS[kind_argument]
    kinds = [kind for kind in MediaKind if kind in select(entry.capabilities)]
    if not kinds:
        reason = reason or f"{entry.name} {none_means}"
    if reason:
        return [pytest.param((entry, path), None, id=case, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param((entry, path), kind, id=f"{case}-{kind}") for kind in kinds]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``channel`` is every (channel, send path); an argument of :data:`KIND_ARGUMENTS` pairs
    it with each media kind the channel declares for it."""
    if "channel" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker(CONTRACT_FOR)
    claims = marker.kwargs if marker else {}
    kind_argument = next((name for name in KIND_ARGUMENTS if name in metafunc.fixturenames),
                         None)
    params = [param for entry in CHANNELS for path in entry.send_paths
              for param in _params(entry, path, claims, kind_argument)]
    names = ["channel", kind_argument] if kind_argument else ["channel"]
    metafunc.parametrize(names, params, indirect=["channel"])


@pytest.fixture
async def channel(request: pytest.FixtureRequest) -> AsyncIterator[ChannelUnderTest]:
    entry, path = request.param
    async with entry.open(path) as under_test:
        yield under_test
