"""What-if pictures of a simulated quarter, for managers: each FTA's utilisation and the
waiting queue by lane. matplotlib is optional (`pip install -e '.[bench]'`)."""

from __future__ import annotations

import statistics
from pathlib import Path

from domain.simulation import SimulationResult
from domain.trace import Trace

MISSING = ("--plot needs matplotlib, which is not installed: pip install -e '.[bench]' "
           "(or pip install matplotlib)")


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def plot_quarter(trace: Trace, result: SimulationResult, path: Path) -> None:
    """Top: each FTA's load / capacity (grey) and the mean; bottom: requests waiting, by lane."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (load, queue) = plt.subplots(2, 1, figsize=(12, 8), sharex=True,
                                         height_ratios=(3, 2))
    days = [moment for moment, _ in result.utilisation]
    for architect in trace.architects:
        if architect.active and architect.capacity:
            load.plot(days, [u.get(architect.id, 0) for _, u in result.utilisation],
                      color="grey", linewidth=0.6, alpha=0.35)
    load.plot(days, [statistics.fmean(u.values()) if u else 0 for _, u in result.utilisation],
              color="black", linewidth=2, label="mean")
    load.set_title(f"{result.policy}: each FTA's load / capacity")
    load.set_ylim(0, 1.05)
    load.legend(loc="lower right")
    moments = [moment for moment, _ in result.queue]
    queue.stackplot(moments, [lanes.on_time for _, lanes in result.queue],
                    [lanes.held for _, lanes in result.queue],
                    [lanes.overdue for _, lanes in result.queue],
                    labels=("can still meet its deadline (served first)",
                            "past its deadline, held for those (up to a week)",
                            "past its deadline by more than a week (served next)"))
    queue.set_title("Requests waiting for an FTA")
    queue.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
