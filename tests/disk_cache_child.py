"""Run in a subprocess by test_disk_cache.py: differentiate a function of
disk_cache_target.py, print how many derivatives were generated and the gradient."""

import json
import sys
import time

started = time.perf_counter()
import numpy as np  # noqa: E402

import astgrad  # noqa: E402
from astgrad import pipeline  # noqa: E402

generated = []
original = pipeline.generate


def counting(fn, key, callees):
    generated.append(fn.__qualname__)
    return original(fn, key, callees)


pipeline.generate = counting
import disk_cache_target  # noqa: E402

before = time.perf_counter()
gradient = astgrad.grad(getattr(disk_cache_target, sys.argv[1]))
value = gradient(np.linspace(0.1, 0.5, 4), np.linspace(0.2, 0.3, 4))
print(json.dumps({"generated": generated, "value": np.asarray(value).tolist(),
                  "seconds": time.perf_counter() - before}))
