"""Test-wide settings: hypothesis profile, and a fixed home for python-escpos's capability cache."""

import os
import pathlib

from hypothesis import HealthCheck, settings

_cache = pathlib.Path(__file__).resolve().parent.parent / ".cache" / "escpos"
_cache.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(_cache))

# Shared CI machines are slow and noisy: no per-example deadline, fixed derandomised runs.
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
