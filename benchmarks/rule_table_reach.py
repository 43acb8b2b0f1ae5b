"""How much of astgrad's own rule table does a first gradient read?

Every process that generates code registers astgrad's whole rule table first (the rule
modules listed in ``rules/builtin.py``, imported when the table is first read). This
prints what a table built per primitive on first lookup could leave out:

* per rule module: the keys (functions, methods) its registrations set, the CPU time of
  importing it (its own share, least of ``--runs`` fresh processes, ``-X importtime``, the
  bytecode compiled once beforehand) and the modules that register some of the same keys;
* per 300-statement function of generation_scaling.py (straight, branchy, loopy): how many
  keys its first gradient's generation looked up, the modules registering them, and the
  modules a lazy table would have to import for them: a module registering a key another
  also registers must run after the modules before it in ``builtin.py`` that do (the later
  registration is the one that stands), so the set is closed over shared keys; and the
  same set were the facts of ``facts.py`` (the module linking most of the others) declared
  beside each family's rules instead (its import left out).

    PYTHONPATH=src python benchmarks/rule_table_reach.py [--statements 300] [--runs 5]

A measurement to read, not a test; timings depend on the machine.
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generation_scaling  # noqa: E402

PACKAGE = "astgrad.rules."
HELPERS = {PACKAGE + "registry", PACKAGE + "declare", PACKAGE + "loading"}


def registering_modules():
    """{key: [rule modules whose registrations set it, in order]}, loading the table."""
    from astgrad.rules import loading, registry
    owners = collections.defaultdict(list)
    indexing = registry._indexing

    def noting(record):
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if name.startswith(PACKAGE) and name not in HELPERS:
                break
            frame = frame.f_back
        for obj in (record.function, *record.methods):
            owners[registry.rule_key(obj)].append(name.rpartition(".")[2] if frame is not None else "?")
        return indexing(record)

    registry._indexing = noting     # (the loader puts its own back once the rules are in)
    loading.load_rules()
    return owners


def import_times(runs):
    """{rule module: least CPU ms of importing it alone, over ``runs`` fresh processes}."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="rule_table_reach_")
    load = "import astgrad; astgrad.rules.registry.primitive(len)"
    subprocess.run([sys.executable, "-c", load], env=env, check=True)      # the bytecode, once
    best = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", load], env=env, check=True,
                              capture_output=True, text=True)
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            own, _, name = (part.strip() for part in line[len("import time:"):].split("|"))
            if name.startswith(PACKAGE) and own.isdigit():
                module = name[len(PACKAGE):]
                best[module] = min(best.get(module, float("inf")), int(own) / 1000.0)
    return best


def closed(modules, sharing):
    found, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module not in found:
            found.add(module)
            todo.extend(sharing[module])
    return found


def keys_read(shape, statements, directory):
    """The keys of the rule table the first gradient of ``shape``'s function looked up."""
    import astgrad
    from astgrad.rules import rule_reads
    fn = generation_scaling.load(generation_scaling.SHAPES[shape](statements), directory, "reach_" + shape)
    x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
    with rule_reads.logging_lookups() as keys, np.errstate(all="ignore"):
        astgrad.grad(fn)(x, y)
    return keys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["ASTGRAD_CACHE"] = "0"
    owners = registering_modules()
    times = import_times(args.runs)
    by_module, sharing = collections.Counter(), collections.defaultdict(set)
    for modules in owners.values():
        for module in set(modules):
            by_module[module] += 1
            sharing[module].update(m for m in modules if m != module)
    total = sum(times.get(module, 0.0) for module in by_module)
    print(f"{'rule module':24} {'keys':>5} {'import ms':>10}  registers keys also registered by")
    for module, count in sorted(by_module.items(), key=lambda item: -times.get(item[0], 0.0)):
        print(f"{module:24} {count:5d} {times.get(module, 0.0):10.2f}  {', '.join(sorted(sharing[module])) or '-'}")
    print(f"{'all':24} {len(owners):5d} {total:10.2f}")
    print()
    unlinked = {module: linked - {"facts"} for module, linked in sharing.items() if module != "facts"}
    print(f"{'function':10} {'keys read':>9}  {'modules registering them':44} {'closed set, import ms':>24} "
          f"{'without facts.py':>22}")
    directory = tempfile.mkdtemp(prefix="rule_table_reach_")
    sys.path.insert(0, directory)
    for shape in generation_scaling.SHAPES:
        keys = keys_read(shape, args.statements, directory)
        reached = {module for key in keys for module in owners.get(key, ())}
        whole, apart = closed(reached, sharing), closed(reached - {"facts"}, unlinked)
        print(f"{shape:10} {len(keys):9d}  {', '.join(sorted(reached)):44} {len(whole):4d} of {len(by_module):<3d}"
              f"{sum(times.get(module, 0.0) for module in whole):7.2f} of {total:.2f} {len(apart):4d} of "
              f"{len(unlinked):<3d}{sum(times.get(module, 0.0) for module in apart):7.2f} of {total:.2f}")


if __name__ == "__main__":
    main()
