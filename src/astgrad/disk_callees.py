"""The callees' derivatives a disk cache entry's code depends on, and their check on load.

Code calling another user function calls that function's derivative (``grad_helper``),
and was generated for what the callee was then: its source, what its own names meant,
and its own callees', recursively. In memory that is the callee's guards, kept with the
caller's (caching.py); on disk it is one record per callee derivative:

    {"target": how to find the function differentiated, "source": hash of its source,
     "code": hash of its derivative's source, "mode", "wrt", "zero_safe": which
     derivative, "dependencies": the name paths the callee's derivative depended on and
     what they meant, "callees": the callee's own records}

``target`` is a description (disk_entries.py) of a user function, ``["callee", i]`` for
the derivative of the i-th record before it (a derivative of a derivative), or
``["scope", name, description]`` for generated code a name of the caller holds. On load
each record is checked (same source, every name meaning what it meant, its own records
likewise) and its derivative taken as it is now (from memory, from its own entry or
generated again), which must be the same code; one that changed makes the entry stale,
so the caller is generated again, never run against another callee. A callee whose
derivative cannot be described (a recursive call, a gradient object, a local function)
leaves its caller uncached.
"""


from . import disk_entries
from .core.missing import MISSING


def described(derived, scope):
    """(the JSON-able records of ``derived``, a tuple of Derived made while generating
    code from ``scope``; id of each one's compiled code -> its position), or (None, None)
    when one cannot be described."""
    records, positions = [], {}
    for record in derived:
        target = _target_description(record.function, positions, scope)
        generated = record.entry.generated
        source = disk_entries.function_source(record.function)
        if target is None or source is None or generated is None or generated.derived is None:
            return None, None
        dependencies = disk_entries.described_dependencies(generated.dependencies)
        callees, _ = described(generated.derived, record.origin)
        if dependencies is None or callees is None:
            return None, None
        positions[id(record.entry.compiled)] = len(records)
        records.append({"target": target, "source": _hash(source), "code": _code(record.entry.compiled),
                        "mode": record.mode,
                        "wrt": list(record.wrt), "zero_safe": record.zero_safe,
                        "dependencies": dependencies, "callees": callees})
    return records, positions


def _target_description(function, positions, scope):
    """How to find ``function`` again: ``["callee", i]`` (the derivative of an earlier
    record), a description to find (a user function), or ``["scope", name, description]``
    (generated code that a name of ``scope`` holds: a derivative of a derivative)."""
    if id(function) in positions:
        return ["callee", positions[id(function)]]
    description = disk_entries.describe(function)
    if description is None or description[0] != "generated":
        return description
    for name, value in _scope_values(scope):
        if value is function:
            return ["scope", name, description]
    return None


def _scope_values(scope):
    from .frontend.source import _closure_values
    yield from _closure_values(scope).items()
    yield from scope.__globals__.items()


def resolved(records, derive, scope):
    """The callees' derivatives of ``records`` (made while generating code from
    ``scope``) as they are now (a list of Derived), or None when a callee changed since
    or cannot be found. ``derive(function, mode, wrt, zero_safe)``: the Derived record now."""
    out = []
    for record in records:
        function = _target(record["target"], out, scope)
        if function is MISSING or _hash(disk_entries.function_source(function)) != record["source"]:
            return None
        if record["mode"] not in ("reverse", "forward", "gradient", "value") or not isinstance(record["wrt"], list):
            return None
        try:
            now = derive(function, record["mode"], tuple(record["wrt"]), record["zero_safe"] is True)
        except Exception:       # noqa: BLE001 - generating it again reports any error
            return None
        if _code(now.entry.compiled) != record["code"]:
            return None         # its derivative is other code now
        if disk_entries.dependencies_now(record["dependencies"], now.origin) is None:
            return None
        if resolved(record["callees"], derive, now.origin) is None:
            return None
        out.append(now)
    return out


def _target(description, found, scope):
    if description[0] == "callee":
        return disk_entries.callee_at(description, found)
    if description[0] != "scope":
        return disk_entries.find(description)
    if len(description) != 3 or not isinstance(description[1], str):
        return MISSING
    value = next((v for name, v in _scope_values(scope) if name == description[1]), MISSING)   # closure first
    return value if disk_entries.describe(value) == description[2] else MISSING


def _code(compiled):
    return _hash(getattr(compiled, "source", None))


def _hash(source):
    return None if source is None else disk_entries.sha256(source.encode()).hexdigest()[:32]
