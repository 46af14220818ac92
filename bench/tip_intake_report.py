"""The report of ``bench/tip_intake.py``: the table of figures and the verdict on the target."""

from __future__ import annotations

import math
import statistics

from bench.tip_intake_load import PhaseResult

TARGET_RATIO = 1.5
LIMITER_BOUND_MS = 10.0  # mean wait in the client limiter above which it, not the bot, sets pace


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def times(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 and not math.isnan(a) else "-"


def phase_rows(label: str, real: PhaseResult, echo_: PhaseResult) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [(f"[{label}]", "", "", "")]
    rows.append(("receipts (lost)", f"{len(real.latencies)} ({real.lost})",
                 f"{len(echo_.latencies)} ({echo_.lost})", ""))
    rows.append(("sent over (s)", f"{real.sent_over:.2f}", f"{echo_.sent_over:.2f}", ""))
    rows.append(("throughput (tips/s)", f"{real.throughput:.1f}", f"{echo_.throughput:.1f}",
                 times(real.throughput, echo_.throughput)))
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        a, b = percentile(real.latencies, fraction), percentile(echo_.latencies, fraction)
        rows.append((f"{name} latency (ms)", ms(a), ms(b), times(a, b)))
    cpu_real = real.cpu / max(len(real.latencies), 1)
    cpu_echo = echo_.cpu / max(len(echo_.latencies), 1)
    rows.append(("CPU per tip (ms)", ms(cpu_real), ms(cpu_echo), times(cpu_real, cpu_echo)))
    rows.append(("limiter wait, mean (ms)", f"{real.mean_limiter_wait_ms:.1f}",
                 f"{echo_.mean_limiter_wait_ms:.1f}", ""))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    print(f"{'':26}{'real bot':>12}{'echo bot':>12}{'real/echo':>11}")
    for label, real, echo_, ratio in rows:
        print(f"{label:26}{real:>12}{echo_:>12}{ratio:>11}")


def limiter_bound(*results: PhaseResult) -> bool:
    return any(r.mean_limiter_wait_ms > LIMITER_BOUND_MS for r in results)


def verdict(real: dict[str, PhaseResult], echo_: dict[str, PhaseResult],
            round_ratios: list[float]) -> list[str]:
    def line(what: str, ratio: float, limiter_bound_: bool = False) -> str:
        if limiter_bound_:
            judged = "not judged, PTB's AIORateLimiter set the pace for both bots"
        else:
            judged = "met" if ratio <= TARGET_RATIO else "NOT met"
        return (f"per-update cost ({what}): {ratio:.2f}x the echo bot; "
                f"target <= {TARGET_RATIO}x: {judged}")

    # The judged figure: the median of the rounds' p50 ratios, each round's two bots measured
    # minutes apart at most.
    lines = [line("p50 latency, steady, median of the rounds", statistics.median(round_ratios))]
    for phase in ("wave", "wave, limiter bypassed"):
        if phase not in real or not real[phase].throughput:
            continue
        lines.append(line(f"throughput, {phase}",
                          echo_[phase].throughput / real[phase].throughput,
                          limiter_bound(real[phase], echo_[phase])))
    if limiter_bound(real["steady"], echo_["steady"]):
        lines.append(f"note: in the steady phase requests waited over {LIMITER_BOUND_MS:g} ms "
                     "on average in PTB's AIORateLimiter: lower --rate to measure the bots")
    if "wave" in real and limiter_bound(real["wave"], echo_["wave"]):
        lines.append("note: in the wave, PTB's AIORateLimiter (30 requests/s for calls with a "
                     "chat_id) held requests longer than the bots worked on them; it sets that "
                     "throughput for both, so compare the bypassed wave")
    return lines
