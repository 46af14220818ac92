"""The question asked before an alert or a bulletin sent now goes to SMS subscribers (SPEC
§13). Its words are the domain's (``broadcasts.sms_cost``: ``sms_cost_text``, ``vnd``) and the
use cases return it as an answer the handlers draw (``handlers.answer_drawing``); this name
stays for the callers that read the words directly."""

from __future__ import annotations

from broadcasts.sms_cost import sms_cost_text, vnd

__all__ = ["sms_cost_text", "vnd"]
