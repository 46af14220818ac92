"""What each step of a tip costs: the breakdown of a py-spy profile of the real bot.

``bench/tip_intake_paths.py --profile FILE`` runs the real bot under ``py-spy record --gil
--format raw`` (samples only while a thread holds the GIL: Python work, not waiting). This
reads those collapsed stacks and sorts the samples of the event loop's callbacks (start-up and
shutdown left out) by what they were doing: which step of the flow a handler was in, the
outbox worker, long polling, the rest; and, within them, how much went to the database through
SQLAlchemy/aiosqlite and how much to HTTP calls to the Bot API.

    PYTHONPATH=. .venv/bin/python bench/tip_intake_profile.py FILE
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

IN_LOOP = "Handle._run (asyncio/events.py"
# The first of these frames found in a stack (innermost caller first) names its step.
STEPS = (
    ("start-up (not in any window)", "_serve (bot/cli.py"),
    ("unit button", "Intake.choose_unit"),
    ("category button", "Intake.choose_category"),
    ("send button (filing)", "file_draft (tips/filing.py"),
    ("/tip text (filing)", "file_text (tips/filing.py"),
    ("receipt", "TipConversation._send_receipt"),
    ("staff notices queued (similar tips)", "find_similar (tips/similar_tips.py"),
    ("staff notices queued (outbox rows)", "queue_staff_notices"),
    ("/tip, /start tip-b (begin)", "TipConversation._begin"),
    ("a part: text, photo, location", "TipConversation.add_part"),
    ("cancel", "TipConversation.cancel"),
    ("answers to the resident's presses", "PressReply."),
    ("answers to the resident's messages", "MessageReply."),
    ("other handlers", "BaseHandler.handle_update"),
    ("PTB update dispatch", "Application.process_update"),
    ("outbox worker (staff notices)", "Notifier._run"),
    ("long polling (getUpdates)", "Updater._start_polling"),
    ("schedulers and other tasks", ""),
)
KINDS = (("database", ("sqlalchemy/", "aiosqlite/", "sqlite3")),
         ("Bot API HTTP", ("httpx/", "httpcore/", "telegram/request/", "_aioratelimiter")))


def step_of(frames: list[str]) -> str:
    for name, marker in STEPS:
        if any(marker in frame for frame in frames):
            return name
    return STEPS[-1][0]


def kind_of(frames: list[str]) -> str:
    for name, markers in KINDS:
        if any(marker in frame for frame in frames for marker in markers):
            return name
    return "Python (bot, PTB)"


def breakdown(path: Path) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
    steps: Counter[str] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any(IN_LOOP in frame for frame in frames):
            continue
        samples = int(count)
        step = step_of(frames)
        if step == STEPS[0][0]:
            continue
        steps[step] += samples
        kinds[step, kind_of(frames)] += samples
        total += samples
    return steps, kinds, total


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("profile", type=Path, help="py-spy --format raw output")
    steps, kinds, total = breakdown(parser.parse_args().profile)
    print(f"{total} samples in the event loop's callbacks (GIL held)")
    print(f"{'step':38} {'share':>6}  {'database':>8} {'HTTP':>6} {'Python':>7}")
    for step, samples in steps.most_common():
        parts = [kinds[step, kind] for kind, _ in KINDS] + [kinds[step, "Python (bot, PTB)"]]
        print(f"{step:38} {100 * samples / total:5.1f}%  "
              + " ".join(f"{100 * part / total:{width}.1f}%"
                         for part, width in zip(parts, (7, 5, 6), strict=True)))


if __name__ == "__main__":
    main()
