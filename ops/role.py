"""This process's role: leader or standby (SPEC §14).

Until a leader election exists (PostgreSQL advisory lock, issue 20 item 1), a process that runs
the bot does everything, so it takes the leader role when it starts and ``/healthz`` says so.
Every change of role is counted (``kna_leader_changes_total``): a failover shows as one more.
"""

from __future__ import annotations

from typing import Literal

from ops.metrics import IS_LEADER, LEADER_CHANGES

Role = Literal["leader", "standby"]


class ProcessRole:
    def __init__(self) -> None:
        self.current: Role = "standby"

    def take(self, role: Role) -> None:
        if role == self.current:
            return
        self.current = role
        LEADER_CHANGES.inc()
        IS_LEADER.set(1 if role == "leader" else 0)


PROCESS_ROLE = ProcessRole()
