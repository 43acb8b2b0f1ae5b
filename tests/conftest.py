"""Shared pytest setup.

tests/ has no __init__.py, so with pytest's default "prepend" import mode the
directory of this conftest (tests/) is put on sys.path, and test modules can
simply `from fd import numerical_grad, assert_close`.
"""

import os

# generated code is not kept on disk while the suite runs (test_disk_cache.py turns it on
# in a directory of its own), so no test depends on what an earlier run left behind
os.environ["ASTGRAD_CACHE"] = "0"

from hypothesis import settings

# Bounded, timing-insensitive property tests: the CI machine has 2 cores and
# runs the suite on several interpreters. Choose another profile with
# HYPOTHESIS_PROFILE=default (hypothesis' built-in one).
settings.register_profile("ci", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=600, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
