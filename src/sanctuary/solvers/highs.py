"""HiGHS, as every solver here uses it: silent, single-threaded, and rows added from numpy.

HiGHS prints a banner on file descriptor 1 the first time a process creates an instance, before
any option can silence it; standard output carries the commands' JSON and standard error their
one line of refusal, so the banner goes nowhere.
"""

from __future__ import annotations

import os
import sys

import highspy
import numpy as np

INFINITY = highspy.kHighsInf
_banner_shown = False


def new_highs(time_limit: float | None = None, *, exact: bool = False) -> highspy.Highs:
    """A silent, single-threaded Highs. `exact` tightens its tolerances to 1e-9, for the game
    programmes whose answers are compared with closed forms."""
    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    if exact:
        for option in (
            "mip_rel_gap",
            "mip_abs_gap",
            "mip_feasibility_tolerance",
            "primal_feasibility_tolerance",
            "dual_feasibility_tolerance",
        ):
            highs.setOptionValue(option, 1e-9)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    return highs


def add_rows(
    highs: highspy.Highs,
    lower: list[float] | np.ndarray,
    upper: list[float] | np.ndarray,
    rows: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """Add rows given as (column indices, coefficients) pairs, with their bounds."""
    starts = np.zeros(len(rows), dtype=np.int32)
    position = 0
    for row, (indices, _) in enumerate(rows):
        starts[row] = position
        position += len(indices)
    indices = np.concatenate([index for index, _ in rows]).astype(np.int32)
    values = np.concatenate([value for _, value in rows]).astype(np.float64)
    highs.addRows(
        len(rows),
        np.asarray(lower, dtype=np.float64),
        np.asarray(upper, dtype=np.float64),
        len(indices),
        starts,
        indices,
        values,
    )
