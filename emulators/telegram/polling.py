"""Bot API methods for receiving updates: ``getUpdates`` long polling and the webhook settings.

Long polling holds the request until an update is available, ``timeout`` seconds pass, or the
fake stops, waking on the world's change signal rather than polling. A webhook is recorded with
its secret token; updates are POSTed to it only once a test names the address it stands for
(``webhook_push``). An active webhook makes ``getUpdates`` fail with 409 exactly like
Telegram, which catches bots that forget ``deleteWebhook``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .params import Params

if TYPE_CHECKING:
    from .world import World


def _seconds(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 0.0


async def get_updates(world: World, p: Params) -> list[dict[str, Any]]:
    if world.webhook["url"]:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    queue = world.updates
    queue.set_allowed(p.sequence("allowed_updates"))
    offset = p.optional_integer("offset")
    if offset is not None:
        queue.acknowledge(offset)
    limit = min(max(p.optional_integer("limit") or 100, 1), 100)
    timeout = _seconds(p.get("timeout", 0))
    if timeout > 0:
        world.long_polls_waiting += 1
        world.changed.notify()
        try:
            await world.changed.wait_for(
                lambda: True if world.stopping or queue.available(limit) else None, timeout
            )
        finally:
            world.long_polls_waiting -= 1
    updates = [] if world.stopping else queue.available(limit)
    queue.mark_fetched(updates)
    return updates


async def set_webhook(world: World, p: Params) -> bool:
    url = p.string("url") or ""
    if url and not url.startswith("https://"):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    world.updates.set_allowed(p.sequence("allowed_updates"))
    world.webhook = {"url": url, "max_connections": p.optional_integer("max_connections") or 40,
                     "secret_token": p.string("secret_token") or ""}
    return True


async def delete_webhook(world: World, p: Params) -> bool:
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    world.webhook = {"url": ""}
    return True


async def get_webhook_info(world: World, p: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": world.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates.pending),
    }
    if world.webhook["url"]:
        info["max_connections"] = world.webhook["max_connections"]
        info["allowed_updates"] = sorted(world.updates.allowed)
    return info


METHODS = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
