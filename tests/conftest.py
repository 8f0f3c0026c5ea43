"""Shared test settings: a derandomized hypothesis profile for CI, a quicker one for local runs."""

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["chromium"]  # the `browser` fixture: headless Chromium for the page tests

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
