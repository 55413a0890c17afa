"""Chain fidelity keeps time as whole seconds since the epoch of the chain's local clock (as
the modules store it, `retail.clock`); the modules take datetimes."""

from __future__ import annotations

import datetime as dt

import numpy as np

from retail.clock import EPOCH


def moment(at_s: int) -> dt.datetime:
    """The naive local datetime of `at_s` seconds since the epoch."""
    return EPOCH + dt.timedelta(seconds=int(at_s))


def moments(at_s: np.ndarray) -> np.ndarray:
    """Many of them, as the datetime64 array the modules' batch calls take."""
    return np.asarray(at_s, np.int64).astype("datetime64[s]")
