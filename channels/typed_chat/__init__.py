"""The typed chat shared by channels without a command menu or callback buttons (Zalo OA, Zalo
Bot): commands typed as text (``commands``), answers drawn with numbered choices and the choices
remembered (``replies``), and the conversation loop over a channel's "send to an address"
adapter (``conversation``). Each channel turns its own events into ``conversation.Said``."""
