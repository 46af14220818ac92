"""What every layer may import: the clock, the typed configuration and its value types (schedule
specs, quiet hours), the message catalogues and refusals worded by them, and addresses
(``<channel>:<id>``, the one way chats, people and groups are named).

Nothing here imports another package of the product: the core (tips, broadcasts, reports, org),
storage, the channels and ``bot/`` all build on it (DESIGN.md, the dependency rule).
"""
