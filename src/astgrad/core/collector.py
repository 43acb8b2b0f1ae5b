"""Python's cyclic garbage collector, paused while astgrad makes many objects at once.

Generating a derivative makes many small objects and no garbage cycles, and each full
collection walks every syntax tree alive, which made generating a long function's second
derivative spend half its time collecting; loading the generation engine (its modules,
on first use) makes tens of thousands of objects that live as long as the process.
``paused`` stops the collector for the time such work takes and restores it as it was
(paused or not) when the last pause ends, whichever thread ends it.
"""

import contextlib
import gc
import threading

_state = {"paused": 0, "was_enabled": False}
_lock = threading.Lock()


@contextlib.contextmanager
def paused(keeps=False):
    """The collector paused for the ``with`` block (nested and concurrent pauses count).

    ``keeps``: what was made is kept (the front half of a generation, until the first
    call finishes it; the engine's modules): where this pause is the last, the objects
    made while it lasted join the oldest generation rather than the youngest, whose next
    collection would walk every one of them (some 50,000 for a 300-statement function, a
    tenth of its first call). That is ``gc.freeze`` followed by ``gc.unfreeze``; not done
    where the program froze objects itself (it would thaw them)."""
    with _lock:
        if _state["paused"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["paused"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["paused"] -= 1
            if _state["paused"] == 0:
                if keeps and _state["was_enabled"] and gc.get_freeze_count() == 0:
                    gc.freeze()
                    gc.unfreeze()
                if _state["was_enabled"]:
                    gc.enable()
