"""Run in a subprocess by test_disk_cache.py: differentiate a function of
disk_cache_target.py, print how many derivatives were generated and the gradient."""

import json
import sys
import time

started = time.perf_counter()
import numpy as np  # noqa: E402

import astgrad  # noqa: E402
from astgrad import caching  # noqa: E402

generated = []                  # the derivatives whose code was generated (the back half)
checked = []                    # the generations begun (the front half: parse .. transform)
engine = caching._pipeline      # the generation engine, loaded when code is first generated


def counting_engine():
    pipeline = engine()
    if pipeline.front.__name__ != "counting_front":
        front, back = pipeline.front, pipeline.back

        def counting_front(fn, key, callees):
            checked.append(fn.__qualname__)
            return front(fn, key, callees)

        def counting_back(made, key):
            generated.append(made.label.split(" of ", 1)[1])
            return back(made, key)

        pipeline.front, pipeline.back = counting_front, counting_back
    return pipeline


caching._pipeline = counting_engine
import disk_cache_target  # noqa: E402

before = time.perf_counter()
gradient = astgrad.grad(getattr(disk_cache_target, sys.argv[1]))
value = gradient(np.linspace(0.1, 0.5, 4), np.linspace(0.2, 0.3, 4))
print(json.dumps({"generated": generated, "checked": checked, "value": np.asarray(value).tolist(),
                  "seconds": time.perf_counter() - before, "engine": "astgrad.pipeline" in sys.modules,
                  "emit": "astgrad.backend.emit" in sys.modules,
                  "disk_modules": sorted({"astgrad.disk_entries", "astgrad.disk_callees"} & set(sys.modules))}))
