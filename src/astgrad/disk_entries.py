"""What a disk cache entry holds, and how generated code is rebuilt from one.

An object generated code is bound to, or that generation depended on, is *described*
by what finds it again in another process: ``["module", name]`` (``["snapshot", name]``
for the module as a rule means it, see core/originals.py), ``["object", module,
qualified name, code hash]`` (the hash for functions and classes, so a changed function
or class is noticed),
``["value", repr]`` for a number or a string, ``["missing"]`` for an unbound name.
Generated code is ``["generated", module, source hash, defaults and closure described]``,
which tells whether it is the same code but finds nothing; a callee's derivative that
code is bound to is ``["callee", i]``, the i-th of the entry's callee records (see
disk_callees.py). Anything else (an object made at run time) has no description, and
code bound to it is not stored. See disk_cache.py for the keys.
"""

import base64
import builtins
import importlib
import json
import linecache
import marshal
import os
import re
import sys
import types

from .core.functions import module_of
from .core.generated_text import origin
from .core.missing import MISSING
from .core.originals import is_snapshot, snapshot
from .generation_records import Generated
from .rules import registry

try:    # the interpreter's own SHA-256 (importing hashlib initialises OpenSSL: 2-4 ms of a start)
    if sys.version_info >= (3, 12):
        from _sha2 import sha256
    else:
        from _sha256 import sha256
except ImportError:                     # a Python built without it
    from hashlib import sha256

_ATOMS = (int, float, str, bool, type(None))
_fingerprint = {}


def function_source(fn):
    """The text ``fn``'s derivative is generated from (generated code keeps it on .source):
    the lines of its file its code spans, read through linecache (inspect.getsource
    tokenizes the file, which costs more than the rest of a load), with a hash of its code."""
    text = getattr(fn, "source", None)
    if isinstance(text, str):
        return text
    code = fn.__code__
    lines = linecache.getlines(code.co_filename)
    last = max((line for _, _, line in code.co_lines() if line is not None), default=0)
    if not lines or last < code.co_firstlineno or last > len(lines):
        return None
    return "".join(lines[code.co_firstlineno - 1:last]) + _code_hash(fn)


def made_for(fn):
    """What ``fn``, a function made for the objects or sequences it is given
    (frontend/function_args.py), was made for, as caching._shared_key tells such functions
    apart, in text another process writes the same: two functions made from one source for
    other layouts (or a method for another receiver) are other code (the functions given are the cells the entry checks). []
    for a plain function; None where a part cannot be found again by name (not stored)."""
    made = [sorted(getattr(fn, "__astgrad_layouts__", {}).items()), getattr(fn, "__astgrad_sequences__", None),
            getattr(fn, "__astgrad_holding__", None)]
    if getattr(fn, "__astgrad_receiver__", None) is not None:
        # a method made for its receiver's class and layout (core/methods.py): self.x of
        # a V and self.x taken as a number are other code, from one source
        made += [getattr(fn, "__astgrad_receiver__"), getattr(fn, "__astgrad_receiver_layout__", None)]
    try:
        return _made_for_text(made) if any(made) else []
    except LookupError:
        return None


def _made_for_text(value):
    """``value`` (names, layouts: classes, held functions) as JSON-ready text;
    LookupError for an object not found again by name."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, frozenset):
        value = sorted(value, key=repr)
    if isinstance(value, (tuple, list)):
        return [_made_for_text(item) for item in value]
    if hasattr(value, "function") and hasattr(value, "key"):      # a layout's Held function
        return ["held method" if value.own else "held", _made_for_text(value.function)]
    described = describe(value)
    if described is None:
        raise LookupError(value)
    return described


def stable_filename(filename):
    """A file name as another process sees it: generated code's names carry a counter."""
    return re.sub(r" #\d+>$", ">", filename)


def key_text(key):
    return json.dumps(key, default=repr)


def environment():
    """astgrad's version and source files (each one's name, size and modification time,
    as Python's bytecode cache tells a changed file), Python's and NumPy's versions, and
    ``-O``: an assert is lowered to nothing under it, so its code is other code."""
    if "environment" not in _fingerprint:
        import numpy
        digest = sha256()
        _digest_sources(digest, os.path.dirname(os.path.abspath(__file__)), "")
        _fingerprint["environment"] = [version(), digest.hexdigest(), sys.version, numpy.__version__,
                                        sys.flags.optimize]
    return _fingerprint["environment"]


def _digest_sources(digest, directory, prefix):
    """Add each ``.py`` file under ``directory`` to ``digest`` (its name from the package,
    size, modification time), a directory's own files (sorted) before its subdirectories
    (sorted), as ``os.walk`` goes; the bytecode directories are not read (``os.walk``
    listing them and ``relpath`` took most of a disk cache hit's time)."""
    with os.scandir(directory) as entries:
        entries = sorted(entries, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.endswith(".py") and entry.is_file():
            info = entry.stat()
            digest.update(f"{prefix}{entry.name} {info.st_size} {info.st_mtime_ns}\n".encode())
    for entry in entries:
        if entry.name != "__pycache__" and entry.is_dir():
            _digest_sources(digest, entry.path, f"{prefix}{entry.name}{os.sep}")


def version():
    """astgrad's installed version, as ``astgrad.__version__`` gives it, read from the
    first ``astgrad-*.dist-info`` on sys.path (where importlib.metadata finds it) without
    importing importlib.metadata, which costs more than loading a cache entry."""
    for entry in sys.path:
        try:
            names = [n for n in os.listdir(entry or ".") if n.lower().startswith("astgrad-")
                     and n.endswith(".dist-info")]
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as handle:
                    for line in handle:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break
            except OSError:
                continue
    from . import __version__
    return __version__


def rules_fingerprint():
    """The rule table's state, or None when rules were registered that astgrad's own
    modules did not register (a user's ``@adjoint``): their code is not kept on disk.
    astgrad's own rules do not count (they register when the table is first read, which a
    process served by the disk cache never does): ``environment`` digests the files they
    are written in, so a changed rule changes the key."""
    from .rules import optional
    return optional.trusted_version(registry.VERSION[0])


def optional_rules(dependencies, bound=()):
    """The optional libraries' rules (rules/optional.py) if code that depended on
    ``dependencies`` (name paths and what they meant) and is ``bound`` to those objects
    may have used them: it reached an object of such a library (SciPy). Else (): code
    reaching none is the same whether or not the process registered their rules."""
    from .rules import optional
    objects = [obj for _, chain in dependencies for obj in chain] + list(bound)
    for obj in objects:
        module = obj.__name__ if isinstance(obj, types.ModuleType) else module_of(obj)
        if isinstance(module, str) and module.split(".")[0] in optional.PACKAGES:
            return optional.loaded_rules()
    return ()


def describe(obj):
    """The description finding ``obj`` again (see the module docstring), or None."""
    if obj is MISSING:
        return ["missing"]
    if isinstance(obj, _ATOMS):
        return ["value", repr(obj)]
    if is_snapshot(obj):
        return ["snapshot", obj.__name__]
    if isinstance(obj, types.ModuleType):
        return ["module", obj.__name__]
    if getattr(obj, "__astgrad_generated__", False):
        return _generated(obj)
    module = module_of(obj)             # NumPy 2.0's ufuncs have no __module__
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    if module == "builtins" and getattr(builtins, qualname, None) is obj:
        return ["object", module, qualname, ""]
    if find(["object", module, qualname, ""], check=False) is not obj:
        return None
    return ["object", module, qualname, _code_hash(obj)]


def _generated(fn):
    """``["generated", the module its globals are, hash of its source, its defaults and
    closure variables described]`` for generated code (a callee's derivative that other
    code depends on): equal descriptions, equal code running in an equal scope. It names
    nothing to find, so code bound to it is not stored (see ``entry_for``)."""
    text = getattr(fn, "source", None)
    if not isinstance(text, str) or not isinstance(fn.__globals__.get("__name__"), str):
        return None
    values = [(None, value) for value in fn.__defaults__ or ()] + sorted((fn.__kwdefaults__ or {}).items())
    try:
        values += [(name, cell.cell_contents) for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ())]
    except ValueError:              # an empty cell
        return None
    described = []
    for name, value in values:
        description = describe(value)
        if description is None:
            return None
        described.append([name, description])
    return ["generated", fn.__globals__["__name__"], sha256(text.encode()).hexdigest()[:32], described]


def _code_hash(obj):
    if isinstance(obj, type):
        return _class_hash(obj)
    code = getattr(obj, "__code__", None)
    if code is None:
        return ""
    digest = sha256()
    stack = [code]
    while stack:
        code = stack.pop()
        digest.update(code.co_code)
        digest.update(repr((code.co_names, code.co_varnames, code.co_freevars)).encode())
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                stack.append(const)
            else:
                digest.update(repr(const).encode())
    return digest.hexdigest()[:24]


def _class_hash(cls):
    """A hash of what generation reads of a class, for each class of its MRO but
    Python's own: its methods' code, its constants, its dataclass fields (their order,
    which take part in ``__init__``, their defaults) and ``__match_args__``. A class of
    the same name defined otherwise (a dataclass's fields reordered, a method changed) is
    then not taken for the one the code was generated for. "" for a builtin class."""
    digest = sha256()
    for owner in cls.__mro__:
        if owner.__module__ == "builtins":
            continue
        digest.update(owner.__qualname__.encode())
        for name, value in sorted(vars(owner).items()):
            if name not in ("__dict__", "__weakref__", "__doc__", "__module__", "__qualname__"):
                digest.update(f"{name}={_member_text(value)};".encode())
    return digest.hexdigest()[:24] if cls.__module__ != "builtins" else ""


def _member_text(value):
    """What a class attribute contributes to ``_class_hash`` (no addresses)."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        return ",".join(_member_text(f) for f in (value.fget, value.fset, value.fdel))
    if isinstance(value, types.FunctionType):
        return _code_hash(value) + repr(tuple(map(_member_text, value.__defaults__ or ())))
    if isinstance(value, _ATOMS) or isinstance(value, tuple) and all(isinstance(v, _ATOMS) for v in value):
        return repr(value)
    if isinstance(value, dict) and all(_is_field(f) for f in value.values()):
        return repr([(f.name, f.init, _member_text(f.default), _member_text(f.default_factory))
                     for f in value.values()])
    return type(value).__qualname__


def _is_field(value):
    """Whether ``value`` is a dataclass's field (there is none where the program never
    imported ``dataclasses``: a disk cache hit does not import it)."""
    dataclasses = sys.modules.get("dataclasses")
    return dataclasses is not None and isinstance(value, dataclasses.Field)


def find(description, check=True):
    """The object ``description`` names now, or MISSING when there is none (or, with
    ``check``, when its code differs from the described one)."""
    kind = description[0]
    if kind in ("missing", "generated"):
        return MISSING
    if kind == "value":
        return _literal(description[1])
    if kind in ("module", "snapshot"):
        module = sys.modules.get(description[1]) or _import(description[1])
        return snapshot(module) if kind == "snapshot" and module is not MISSING else module
    module = _import(description[1])
    obj = module
    for part in description[2].split("."):
        obj = getattr(obj, part, MISSING)
        if obj is MISSING:
            return MISSING
    if check and description[3] and _code_hash(obj) != description[3]:
        return MISSING
    return obj


def _literal(text):
    import ast
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return MISSING


def _import(name):
    try:
        return importlib.import_module(name)
    except Exception:
        return MISSING


def entry_for(generated, name, callees=(), bound=None):
    """The JSON-able entry of ``generated`` (None when something in it has no description).
    ``callees``: the records of the callees' derivatives it depends on (disk_callees.py),
    ``bound``: id of each one's compiled code -> its position there."""
    bindings = {}
    for free, cell in generated.cells.items():
        position = (bound or {}).get(id(cell.cell_contents))
        description = ["callee", position] if position is not None else describe(cell.cell_contents)
        if description is None or description[0] == "generated":     # nothing to find it by
            return None
        bindings[free] = description
    dependencies = described_dependencies(generated.dependencies)
    if dependencies is None:
        return None
    # the lines of the user's files its lines came from, through the code generated in this
    # process that it was generated from (a second derivative's lines: the first's, the user's)
    origins = [[line, *place] for line, place in (generated.origins or {}).items()
               for place in [origin(*place) or place] if not place[0].startswith("<")]
    body = {"key": name, "name": generated.name, "text": generated.text, "bindings": bindings,
            "dependencies": dependencies, "callees": list(callees),
            "code": base64.b64encode(marshal.dumps(generated.code)).decode(), "origins": origins,
            "placeholders": list(generated.placeholders), "pinned": list(generated.pinned),
            "held_closure": list(generated.held_closure)}
    return dict(body, checksum=_checksum(body))


def described_dependencies(dependencies):
    """The name paths and descriptions of what they meant, JSON-able (None when
    something has no description)."""
    out, seen = [], {}
    for parts, chain in dependencies:
        if parts and not isinstance(parts[0], str):
            return None         # a method found on a receiver's class (core/methods.py)
        described = [describe(obj) for obj in chain]
        if any(d is None for d in described):
            return None
        if parts in seen:
            if seen[parts] != described:
                return None     # generated while the name meant two objects: its guards never hold
            continue
        seen[parts] = described
        out.append([list(parts), described])
    return out


def checked_entry(name, function_name, dependencies, callees=()):
    """The JSON-able record that a derivative was checked (it is refused by nothing)
    while ``dependencies`` meant what they mean now, and its ``callees`` (records, see
    disk_callees.py) were what they are now (None: not describable)."""
    described = described_dependencies(dependencies)
    if described is None:
        return None
    body = {"key": name, "checked": function_name, "dependencies": described, "callees": list(callees)}
    return dict(body, checksum=_checksum(body))


def rebuild_checked(entry, name, fn, resolve=None):
    """(the derivative's name, its dependencies as they resolve now, its callees'
    derivatives now) from a loaded ``checked_entry``, or None when it is corrupt,
    another key's, or stale (``resolve`` as for ``rebuild``)."""
    try:
        body = {k: entry[k] for k in ("key", "checked", "dependencies", "callees")}
        if entry["checksum"] != _checksum(body) or body["key"] != name or not isinstance(body["checked"], str):
            return None
        dependencies = dependencies_now(body["dependencies"], fn)
        derived = _resolved(body["callees"], resolve) if dependencies is not None else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None if derived is None else (body["checked"], dependencies, derived)


def _resolved(records, resolve):
    """The callees' derivatives of ``records`` now (a tuple of Derived), or None."""
    if not records:
        return ()
    if not isinstance(records, list) or resolve is None:
        return None
    derived = resolve(records)
    return None if derived is None else tuple(derived)


def callee_at(description, derived):
    """What a binding described as ``["callee", position]`` is bound to: that callee's
    derivative now (MISSING for a position that names none)."""
    position = description[1] if len(description) == 2 else None
    if type(position) is not int or not 0 <= position < len(derived):
        return MISSING
    return derived[position].entry.compiled


def _checksum(body):
    return sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def rebuild(entry, name, fn, resolve=None):
    """The Generated code of a loaded ``entry`` for ``fn``, or None when it is corrupt,
    belongs to another key, or a name it depended on means something else now.
    ``resolve(records)``: the callees' derivatives as they are now (a list of Derived),
    or None when one of them has changed since (see disk_callees.py)."""
    try:
        body = {k: entry[k] for k in ("key", "name", "text", "bindings", "dependencies", "callees", "code",
                                      "origins", "placeholders", "pinned", "held_closure")}
        if entry["checksum"] != _checksum(body) or body["key"] != name:
            return None
        dependencies = dependencies_now(body["dependencies"], fn)
        if dependencies is None:
            return None
        derived = _resolved(body["callees"], resolve)
        if derived is None:
            return None
        objects = {free: callee_at(d, derived) if d[0] == "callee" else find(d)
                   for free, d in body["bindings"].items()}
        if any(obj is MISSING and d[0] != "missing" for obj, d in zip(objects.values(), body["bindings"].values())):
            return None
        code, arguments = _code(body, fn)
        if set(code.co_freevars) - set(objects) - set(fn.__code__.co_freevars):
            return None
    except (KeyError, TypeError, ValueError, SyntaxError, AttributeError, EOFError):
        return None
    cells = {n: types.CellType(objects[n]) for n in code.co_freevars if n in objects}
    from .core import generated_text
    origins = {line: (file, user_line) for line, file, user_line in body["origins"]}
    generated_text.register_origins(code.co_filename, origins)
    placeholders = tuple(body["placeholders"])
    generated_text.register_placeholders(code.co_filename, placeholders)
    return Generated(code, arguments, body["name"], body["text"], cells, dependencies,
                     registry.VERSION[0], 0.0, derived=derived, origins=origins, placeholders=placeholders,
                     pinned=tuple(body["pinned"]), held_closure=tuple(body["held_closure"]))


def _code(body, fn):
    """The stored code object (under a file name of this process, its text in linecache)
    and the ast.arguments of its def (read from the def's first line only)."""
    from .core import generated_text
    code = marshal.loads(base64.b64decode(body["code"]))
    if not isinstance(code, types.CodeType) or code.co_name != body["name"]:
        raise ValueError("not the stored function's code")
    # labelled as when it was made ("jvp of f", "grad of f"): code made again from it (a
    # hessian's) is keyed by this name, which must not depend on where it was loaded from
    made = re.fullmatch(r"<astgrad (.*) #\d+>", code.co_filename)
    filename = generated_text.new_filename(made.group(1) if made else f"grad of {fn.__qualname__}")
    code = _renamed(code, filename)
    generated_text.register(filename, body["text"])
    generated_text.keep_while(code, filename)
    return code, generated_text.def_arguments(body["text"])


def _renamed(code, filename):
    consts = tuple(_renamed(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def dependencies_now(stored, fn):
    """The dependencies as the names resolve now, if each part means what it meant."""
    from .frontend.source import _closure_values
    closure = _closure_values(fn)
    scope = fn.__globals__
    builtin_scope = scope.get("__builtins__", builtins)
    builtin_dict = builtin_scope if isinstance(builtin_scope, dict) else vars(builtin_scope)
    out = []
    seen = {}

    def described_now(obj):
        if id(obj) not in seen:
            seen[id(obj)] = (obj, describe(obj))
        return seen[id(obj)][1]
    for parts, described in stored:
        root = parts[0]
        obj = closure[root] if root in closure else scope.get(root, builtin_dict.get(root, MISSING))
        chain = [obj]
        for part in parts[1:len(described)]:
            obj = getattr(obj, part, MISSING) if obj is not MISSING else MISSING
            chain.append(obj)
        if [described_now(o) for o in chain] != described:
            return None
        out.append((tuple(parts), tuple(chain)))
    return tuple(out)
