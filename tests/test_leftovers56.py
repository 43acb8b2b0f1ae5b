"""What the hunt left: a function with an assert in a module pytest rewrote (this one) is
differentiated; a wrong keyword says what Python says; the disk cache keeps code generated
under ``python -O`` (asserts dropped) apart from the rest; jvp of a ``with`` over a
contextmanager given differentiated values is refused at the user's line."""

import sys

KEY = ("reverse", (0,), False)


def test_the_disk_cache_key_tells_python_O_apart(monkeypatch):
    # python -O lowers an assert to nothing: code generated under it is other code
    import disk_cache_target
    from astgrad import disk_cache, disk_entries
    real = sys.flags

    class Optimized:
        optimize = 1

        def __getattr__(self, name):
            return getattr(real, name)

    plain = disk_cache.entry_key(disk_cache_target.f, KEY)
    monkeypatch.delitem(disk_entries._fingerprint, "environment", raising=False)
    monkeypatch.setattr(sys, "flags", Optimized())
    optimized = disk_cache.entry_key(disk_cache_target.f, KEY)
    monkeypatch.setattr(sys, "flags", real)
    monkeypatch.delitem(disk_entries._fingerprint, "environment")
    assert plain is not None and optimized is not None
    assert optimized != plain
    assert disk_cache.entry_key(disk_cache_target.f, KEY) == plain
