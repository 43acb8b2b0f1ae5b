"""The whole rule table as text, in a canonical form: what tests/test_rule_table_snapshot.py
compares between the two ways the table can be built.

Run as a script (a new process: the table exactly as astgrad's own rules build it, no
test's registration in it), it prints the snapshot:

    PYTHONPATH=src:tests python tests/rule_table_snapshot.py > /tmp/table.txt

Every index (PRIMITIVES in its order, which ``astgrad.rules()`` walks; ADJOINTS,
TANGENTS, NON_DIFFERENTIABLE, ARRAY_METHODS, NAMED_METHODS and the counts of changes,
only ever looked up, sorted), every record's fields, which keys share a record or a
template, and each template's text (its first line and a hash of the whole, after
parsing it: declared rules build theirs then).
"""

import hashlib
import sys


def snapshot():
    """The lines of the snapshot of the table astgrad's own rules build in this process."""
    from astgrad.rules import loading, registry
    from astgrad.rules.rule_reads import CHANGES, VERSION
    loading.load_rules()
    names, records, templates = {}, {}, {}

    def name(obj):
        if isinstance(obj, tuple):
            return repr(obj)
        key = registry.rule_key(obj)        # equal objects (bound methods made anew) are one
        if key in names:
            return names[key]
        text = f"{type(obj).__name__} {registry.describe(obj)}"
        bound = getattr(obj, "__self__", None)
        if bound is not None and type(bound).__name__ != "module":
            text += f" of {getattr(bound, '__name__', type(bound).__name__)}"
        taken = set(names.values())
        base, n = text, 1
        while text in taken:
            n += 1
            text = f"{base} #{n}"
        names[key] = text
        return text

    def number(table, obj, prefix):
        return f"{prefix}{table.setdefault(id(obj), len(table) + 1)}"

    def template(t):
        if t is None:
            return "None"
        fresh = id(t) not in templates
        text = number(templates, t, "T")
        if fresh:
            t.parse()
            digest = hashlib.sha1(t.source.encode()).hexdigest()[:12]
            lines.append(f"template {text}: {t.kind} of {name(t.primitive)}; {t.source.splitlines()[0].strip()} "
                         f"[{digest}]")
        return text

    def lam(fn):
        code = fn.__code__
        return f"{code.co_name}@{code.co_filename.rpartition('/astgrad/')[2]}:{code.co_firstlineno}"

    lines = []
    for key, record in dict.items(registry.PRIMITIVES):
        fresh = id(record) not in records
        tag = number(records, record, "R")
        lines.append(f"PRIMITIVES {name(key)} -> {tag}")
        if fresh:
            fields = [f"function={name(record.function)}", f"adjoint={template(record.adjoint)}",
                      f"tangent={template(record.tangent)}", f"differentiable={record.differentiable}",
                      f"kind={record.kind}", f"result={record.result}", f"mutates={record.mutates}",
                      f"shape_only={record.shape_only}", f"shape_arguments={record.shape_arguments!r}",
                      f"dtype_parameters={sorted(record.dtype_parameters)!r}",
                      f"methods=[{', '.join(name(m) for m in record.methods)}]",
                      f"derivative=[{', '.join(lam(fn) for fn in record.derivative)}]",
                      f"literal_check={getattr(record.literal_check, '__qualname__', record.literal_check)}",
                      f"fields={len(vars(record))}"]
            lines.append(f"record {tag}: " + "; ".join(fields))
    # the other indexes are only looked up, never walked: their order is not compared
    for label, table in (("ADJOINTS", registry.ADJOINTS), ("TANGENTS", registry.TANGENTS)):
        lines.extend(sorted(f"{label} {name(key)} -> {template(value)}" for key, value in dict.items(table)))
    lines.extend(sorted(f"NON_DIFFERENTIABLE {name(key)} -> {name(value)}"
                        for key, value in dict.items(registry.NON_DIFFERENTIABLE)))
    lines.extend(sorted(f"ARRAY_METHODS {key} -> {name(value)}" for key, value in dict.items(registry.ARRAY_METHODS)))
    lines.extend(sorted(f"NAMED_METHODS {key} -> {sorted(name(m) for m in value)}"
                        for key, value in dict.items(registry.NAMED_METHODS)))
    lines.extend(sorted(f"CHANGES {name(key)} -> {count}" for key, count in CHANGES.items()))
    lines.append(f"VERSION {VERSION[0]}")
    lines.append(f"classes {[type(t).__name__ for t in (registry.PRIMITIVES, registry.ADJOINTS, registry.TANGENTS, registry.NON_DIFFERENTIABLE, registry.ARRAY_METHODS, registry.NAMED_METHODS)]}")
    return lines


if __name__ == "__main__":
    sys.stdout.write("".join(line + "\n" for line in snapshot()))
