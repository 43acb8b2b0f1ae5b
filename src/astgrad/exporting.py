"""Export a derivative as a standalone Python module that needs only NumPy.

``export(f, wrt, mode, order)`` generates ``f``'s derivative as ``grad`` (or, in forward
mode, ``jvp``) would, and writes a module holding its source, the derivatives of the
functions it calls, the definitions of the few astgrad helpers they use (see
export_helpers.py), and imports: NumPy (and other modules the code names), and the
user's own module for the functions and globals the code reads there. Each function
carries a docstring saying what it differentiates, with respect to what, and from which
source (a hash) with which astgrad version.
"""

import ast
import builtins
import functools
import hashlib
import importlib
import inspect
import sys
import types

from .core.functions import pinned_globals, underlying, user_freevars
from .core.originals import live_module
from .export_closures import ARRAY_LIMIT, freeze_cell, frozen_note
from .export_helpers import HelperSource, is_helper_name
from .export_guards import (array_operand_lines, arrays_not_lists, bool_guard_lines, constant_tangents_refused,
                            global_check_lines, tangent_guard_lines,
                            numbers_as_array, held_partial_items, list_guard_lines, own_default_checks,
                            plain_object_guard_lines, plain_objects_refused, record_guard_lines,
                            records_not_read_as_arrays, unused_name, written_item)
from .export_method_calls import refuse_differentiated_keys, refuse_methods_of_arguments
from .export_registries import changed_list
from .export_seeds import renamed_seeds, seed_like, seed_lines, seed_names
from .errors import FunctionValueUnknown, TransformError
from .export_twins import add_with_twin, zero_safe_twin
from .gradient_structure import match_argument, pair_matched
from .shaped import takes_varargs
from .frontend.varargs import ORIGINAL
from .api import refuse_bool
from .argnums import FIRST, chosen_wrt
from . import export_aux
from .export_source import (attributes_read, defaults_as_held, global_names, local_names, names_in, prefixed,
                            renamed, returns_wrapped, unread_calls_alone, variant_source, with_docstring)

_ASTGRAD = "astgrad"
_SEARCHED = ("numpy", "numpy.linalg", "numpy.fft", "math", "operator", "builtins")


_STANDARD_LIBRARY = set(getattr(sys, "stdlib_module_names", ())) or {
    "builtins", "collections", "functools", "inspect", "itertools", "math", "numbers", "operator", "types"}


class ExportError(ValueError):
    """A derivative that cannot be written as a standalone module (and why)."""


def export(f, wrt=FIRST, mode="reverse", order=1, path=None, *, argnums=None, has_aux=False):
    """The source of a module holding ``f``'s derivative of ``order`` (reverse mode:
    the gradient, applied ``order`` times; forward mode: the jvp of the ``order - 1``-th
    gradient) w.r.t. ``wrt``; written to ``path`` too when given. An ExportError names
    the file and line of the function's def, as a TransformError names the line refused.
    ``argnums`` is JAX's name for ``wrt`` by position; with ``has_aux=True`` ``f`` returns
    ``(value, aux)`` and the exported function ``(derivative, aux)`` (see export_aux.py)."""
    wrt = chosen_wrt("export", f, wrt, argnums)
    try:
        return _export(f, wrt, mode, order, path, has_aux)
    except FunctionValueUnknown as error:
        raise _no_arguments_to_specialize_for(f, error) from None
    except ExportError as error:
        where = _defined_at(f)
        if where is None:
            raise
        raise ExportError(f"{where}: {error}") from None


def _no_arguments_to_specialize_for(f, error):
    """The refusal, at its line, of code astgrad generates only for the class of an object an
    argument gives or the function it is (a FunctionValueUnknown), which export has not."""
    name = getattr(_function(f), "__name__", "the function")
    return TransformError(
        f"astgrad.export writes the derivative of {name} before it is called, so it has no arguments whose "
        "classes (or functions) it could generate the code for, and this line needs them: it calls a method "
        "on an object an argument gives (or holds), or a function an argument is, which astgrad follows only "
        f"for the class or function given at a call; differentiate {name} with astgrad.grad, jvp or hessian "
        "instead, which generate its code when it is called, for the arguments given, or export a function "
        "taking the objects' arrays as its arguments (their attributes) and computing with them",
        error.filename, error.lineno, error.line, error.construct)


def _defined_at(f):
    """``file:line`` of the def of the function ``f`` exports, or None."""
    try:
        code = _function(f).__code__
    except TypeError:
        return None
    return f"{code.co_filename}:{code.co_firstlineno}"


def _export(f, wrt, mode, order, path, has_aux):
    # grad(f, wrt=(i,)) returns a 1-tuple: the code for wrt=i, its result put in one
    in_tuple = mode == "reverse" and isinstance(wrt, (tuple, list)) and len(wrt) == 1 and not _attribute_path(wrt)
    differentiated = []     # the code of each lower order, which the derivative was generated from
    compiled = _derivative(export_aux.differentiated(f, has_aux), wrt[0] if in_tuple else wrt, mode, order,
                           differentiated)
    fn = _function(f)
    if not has_aux:
        try:
            # the gradient's own seed: that of the lowest order (higher orders add seeds shaped like arguments)
            export_aux.refuse_container_output(fn, differentiated[0] if differentiated else compiled, mode, order)
        except ValueError as error:
            raise ExportError(str(error)) from None
    refuse_methods_of_arguments(fn, compiled)       # what the caller's class decides: not exported
    module = _Module(fn)
    names = _wrt_names(fn, wrt, skip=int(inspect.ismethod(underlying(f))))
    refuse_differentiated_keys(fn, compiled, names)       # an object's own get(), read as a dict's
    own = inspect.signature(fn).parameters
    caller, taken = compiled.__code__.co_name, _names_of_code(compiled)
    spelled = {name: module.free_name(name, taken) for name in _ADDED_HELPERS}
    guards = list_guard_lines(fn, compiled, spelled["arrays_not_lists"])
    bools = _argument_kind_lines(module, spelled, caller, fn, f, compiled, names, mode, order)
    seeds = seed_lines(compiled, names, wrt, own, spelled["seed_like"], fn.__name__)
    if guards:
        module.bind(spelled["arrays_not_lists"], arrays_not_lists, caller)
    plain = plain_object_guard_lines(fn, compiled, names, spelled["plain_objects_refused"])
    if plain:
        module.bind(spelled["plain_objects_refused"], plain_objects_refused, caller)
    records = record_guard_lines(fn, compiled, names, spelled["records_not_read_as_arrays"])
    if records:
        module.bind(spelled["records_not_read_as_arrays"], records_not_read_as_arrays, caller)
    if seeds:
        module.bind(spelled["seed_like"], seed_like, caller)
    found = _guards_of(compiled, differentiated)
    _refuse_changed_lists(fn, found)
    module.held_items = held_partial_items(found)
    command = _command(f, fn, names, mode, order, has_aux)
    checked = global_check_lines(module, found, caller, command,
                                 own_default_checks(fn, caller), taken)
    operands, given = array_operand_lines(fn, compiled, mode, names, taken, spelled["numbers_as_array"])
    if operands:
        module.bind(spelled["numbers_as_array"], numbers_as_array, caller)
    shaped = not _attribute_path(wrt) and (mode == "reverse" or order > 1)      # see _returned_shape
    kept = _arguments_kept(compiled, names, given, taken) if shaped else []
    prologue = checked + bools + kept + guards + plain + records + operands + seeds
    returned = _returned_shape(module, spelled, caller, mode, order, wrt, [given.get(name, name) for name in names])
    description = _description(fn, names, mode, order)
    if has_aux:
        decorator = export_aux.bind_decorator(module, caller)
        description = export_aux.described(description, fn, mode, order)
    signature = seed_names(compiled, names, wrt, own, fn.__name__)     # the seeds' documented names
    add_with_twin(module, compiled, caller, description, prologue, returned, signature)
    if has_aux:
        export_aux.decorate(module, decorator, caller, mode, order)
    text = module.text(lambda needs: _header(fn, command, needs))
    _refuse_main_reads(fn, module, command)
    if path is not None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return text


def _argument_kind_lines(module, spelled, caller, fn, f, compiled, names, mode, order):
    """The statements refusing an argument of a kind the transform refuses in process: a
    bool differentiated by a gradient (grad's TypeError), a tangent given for an int or a
    bool (jvp's ValueError)."""
    skip = int(inspect.ismethod(underlying(f)))
    if mode == "forward" and order == 1:
        lines = tangent_guard_lines(fn, compiled, names, skip, spelled["constant_tangents_refused"])
        helper = ("constant_tangents_refused", constant_tangents_refused)
    else:
        lines = bool_guard_lines(fn, compiled, names, skip, spelled["refuse_bool"])
        helper = ("refuse_bool", refuse_bool)
    if lines:
        module.bind(spelled[helper[0]], helper[1], caller)
    return lines


def _returned_shape(module, spelled, caller, mode, order, wrt, shaped_like):
    """The text put around each value the exported derivative returns (see add_function),
    giving it the structure and dtype of the arguments ``shaped_like`` names, as the
    transform does in process; None where it returns the code's value as it is."""
    if _attribute_path(wrt) or (mode == "forward" and order == 1):
        return None
    like = f"({', '.join(shaped_like)},)" if isinstance(wrt, (tuple, list)) else shaped_like[0]
    if mode == "forward":
        # the jvp of grad(f, wrt): the gradient and its tangent shaped (and typed) as grad returns it
        module.bind(spelled["pair_matched"], pair_matched, caller)
        return (f"{spelled['pair_matched']}(", f", {like})")
    # what grad(f, wrt) returns: each gradient given its argument's structure (a dataclass's
    # object, plain lists and dicts), in a tuple for a tuple wrt (a 1-tuple too)
    match = spelled["match_argument"]
    module.bind(match, match_argument, caller)
    if isinstance(wrt, (tuple, list)) and len(wrt) == 1:
        return (f"{match}((", f",), {like})")
    return (f"{match}(", f", {like})")


def _arguments_kept(compiled, names, given, taken):
    """The statements keeping each argument of ``names`` that the derivative's code
    rebinds (``x = x - step``: at its end ``x`` is no longer the argument) under a name of
    its own (``given_x = x``, added to ``given``), which the result is shaped like."""
    tree = ast.parse(compiled.source).body[0]
    rebound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    lines, taken = [], set(taken) | set(given.values())
    for name in names:
        if name in rebound and name not in given:
            given[name] = unused_name(f"given_{name}", taken)
            taken.add(given[name])
            lines.append(f"{given[name]} = {name}")
    return lines


# astgrad's helpers the lines exporting adds around the derivative's own code call
_ADDED_HELPERS = ("refuse_bool", "constant_tangents_refused", "arrays_not_lists", "plain_objects_refused", "records_not_read_as_arrays", "seed_like",
                  "numbers_as_array", "match_argument", "pair_matched")


def _names_of_code(compiled):
    """Every name the code of ``compiled`` and of its zero-safe twin uses: a local of the
    user's function (``match_argument = ...``) hides a module-level helper of that name
    inside the exported function, so the lines exporting adds there call it by another."""
    taken = names_in(compiled.source)
    try:
        twin = zero_safe_twin(compiled)
    except TransformError:
        twin = None
    return taken | names_in(twin.source) if twin is not None else taken


def _partial_item_text(item):
    """``item``, an argument of a global partial the code holds, as Python text."""
    text = written_item(item)
    if text is None:
        raise ExportError(f"the derivative holds {item!r}, an argument of a functools.partial one of your "
                          "globals holds, which an exported module cannot write (it writes numbers, strings "
                          "and None there); read the value from a global name in your function instead "
                          "(W = np.array(...) and h(x, k=W)), or pass it as an argument")
    return text


def _attribute_path(wrt):
    """Whether ``wrt`` names an attribute of the receiver (``"self.W"``), alone or in a tuple."""
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    return any(isinstance(item, str) and "." in item for item in items)


def _function(f):
    """The Python function whose derivative is exported: ``f`` itself, or a bound method's
    function (the exported derivative takes the receiver first, as that function does)."""
    fn = underlying(f)
    if inspect.ismethod(fn) and inspect.isfunction(underlying(fn.__func__)):
        fn = underlying(fn.__func__)
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad.export needs a Python function (or a method); got {f!r}{_instead(fn)}")
    return fn


def _instead(obj):
    """What to export instead of ``obj``, a callable that is not a function, or ""."""
    if isinstance(obj, functools.partial) and inspect.isfunction(underlying(obj.func)):
        return (f". Export the function it calls, {obj.func.__qualname__}: its derivative takes the arguments "
                "the partial fixes as its own")
    call = getattr(type(obj), "__call__", None)
    if inspect.isfunction(call) and not isinstance(obj, type):
        return (f". Export its method {type(obj).__qualname__}.__call__: its derivative takes the object "
                "first")
    return ""


def _derivative(f, wrt, mode, order, differentiated=None):
    from . import api
    from .caching import forward_derivative
    from .bound import as_function, leading_arguments
    from .core.wrt import normalize_wrt
    if mode not in ("reverse", "forward"):
        raise ValueError(f"mode={mode!r}: expected 'reverse' or 'forward'")
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"order={order!r}: the order must be an int, 1 or more")
    fn = _function(f)
    differentiated = [] if differentiated is None else differentiated
    if takes_varargs(fn):
        raise ExportError(f"{fn.__qualname__} takes *args or **kwargs, whose derivative astgrad generates for each "
                          "number and names of arguments it is called with; export a function that names its "
                          "parameters (def f(x, w): return g(x, w))")
    after_self = _after_self(wrt) if inspect.ismethod(underlying(f)) else wrt
    for k in range(order if mode == "reverse" else order - 1):
        # a method's gradient code takes the receiver first: wrt counts after it
        f = api.grad(_with_seeds(f, differentiated), wrt if k == 0 else after_self)
    if mode == "forward":
        # the method bound to its receiver (its class known), or the gradient code of order - 1
        target = as_function(f) if order == 1 else f
        indices, _ = normalize_wrt(target, wrt if order <= 2 else after_self)
        shift = len(leading_arguments(target))      # the receiver, which the code takes first
        return forward_derivative(_with_seeds(target, differentiated), tuple(shift + i for i in indices))
    if any(path for _, path in f.items):      # wrt="self.W": the attribute's part of the gradient
        if order > 1:
            raise ExportError(f"wrt={wrt!r}: the exported derivative of order {order} with respect to an "
                              "attribute would seed the gradient it differentiates with a number where it takes "
                              "the attribute's shape; export the derivative of order 1, or a function "
                              "taking the attribute's value as a parameter")
        return f._differentiated()      # checking f's output (order 1 only: refused above)
    if order == 1:
        return f._differentiated()      # checking, as calling grad does, that f returned a number
    return f.plain      # its seed is shaped like the argument: the check is f's, in the code it differentiates


def _refuse_changed_lists(fn, guards):
    """ExportError where the code was generated for a global list's items that the
    function changes at each call (export_registries.py)."""
    changed = changed_list(fn, guards)
    if changed is None:
        return
    held, (filename, line, call) = changed
    name = call.rpartition(".")[0]
    raise ExportError(
        f"the derivative of {fn.__name__} reads the global list {name}, and was generated for the {len(held)} "
        f"objects it holds now; {filename}:{line} ({call}) changes that list at each call of {fn.__name__}, so "
        f"the exported module, which checks {name} at each call against what it was exported for, would "
        "refuse every call after the first. Take the derivative in process (astgrad.grad makes new code "
        f"when {name} changes), or hand the objects to {fn.__name__} as an argument")


def _guards_of(compiled, differentiated):
    """The guards of the generated code ``compiled``, of its zero-safe twin and of the
    code of lower orders it was generated from (``differentiated``): those of the cache
    entries running them, which include their callees'; for a small function astgrad
    compiled around generated code (wrt="self.W"), those of the code it calls."""
    from .caching import guards_of
    try:
        twin = zero_safe_twin(compiled)
    except TransformError:      # none: the exported module has none either (export_twins.py)
        twin = None
    found, seen, waiting = [], set(), [compiled, *differentiated, twin]
    while waiting:
        function = waiting.pop(0)
        if function is None or id(function) in seen:
            continue
        seen.add(id(function))
        guards = guards_of(function)
        if guards is None:
            waiting.extend(value for _, value in _references(function)
                           if getattr(value, "__astgrad_generated__", False))
        else:
            found.extend(guards)
    return found


def _with_seeds(f, differentiated):
    """What the next order differentiates: for a gradient, its code taking its seeds as
    they are given (the exported function's keyword parameters); added to
    ``differentiated``. The gradient of the user's function (the first) checks, as
    calling grad does, that the function returned a number; a gradient of a gradient
    does not check its own output, a seed shaped like the argument stands for it."""
    from .api import Derivative
    if isinstance(f, Derivative):
        f = f._differentiated(checked=not differentiated)
        differentiated.append(f)
    return f


def _after_self(wrt):
    if isinstance(wrt, (tuple, list)):
        return tuple(_after_self(item) for item in wrt)
    return wrt + 1 if isinstance(wrt, int) and not isinstance(wrt, bool) and wrt >= 0 else wrt


def source_hash(fn):
    """A short hash of the source text of ``fn`` (what its derivative is generated from)."""
    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        text = fn.__code__.co_code.hex()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _description(fn, names, mode, order):
    from . import __version__
    kind = {1: "Gradient", 2: "Second derivative"}.get(order, f"Derivative of order {order}")
    if mode == "forward":
        kind = "Jacobian-vector product" + (f" of the derivative of order {order - 1}" if order > 1 else "")
    return (f"{kind} of {fn.__module__}.{fn.__qualname__} with respect to {', '.join(names)}.\n\n"
            f"Generated by astgrad {__version__} from source sha256:{source_hash(fn)}.")


def _wrt_names(fn, wrt, skip=0):
    """The parameters (or attribute paths) ``wrt`` names, ``skip`` leading ones (a bound
    method's receiver) not counted by its indices."""
    names = list(inspect.signature(fn).parameters)[skip:]
    items = wrt if isinstance(wrt, (tuple, list)) else [wrt]
    return [names[i] if isinstance(i, int) and -len(names) <= i < len(names) else str(i) for i in items]


def _header(fn, command, needs):
    """The module's docstring; ``needs``: the modules it imports, the standard library's apart."""
    from . import __version__
    others = [name for name in needs if name != "numpy"]
    needs_text = "NumPy" + (f" (and {', '.join(others)})" if others else "")
    return (f'"""Derivative of {fn.__module__}.{fn.__qualname__}, exported by astgrad {__version__}.\n\n'
            f"It needs {needs_text}, not astgrad. Regenerate with\n"
            f"    {command} -o FILE.py\n"
            f'"""\n')


def _command(f, fn, names, mode, order, has_aux=False):
    """The command exporting this derivative of ``f`` (its function ``fn``) again: a
    function of the program being run (``__main__``) by its file, which the command
    imports under the file's own name."""
    option = f" --wrt {','.join(names)}"
    option += f" --mode {mode}" if mode != "reverse" else ""
    option += f" --order {order}" if order != 1 else ""
    option += " --has-aux" if has_aux else ""
    return f"python -m astgrad export {_target_module(fn)}:{_target_name(f, fn)}{option}"


def _target_name(f, fn):
    """The name the command finds ``f`` by: its function's qualified name where that
    finds it, else a global of its module holding it (``SQUARE = lambda x: ...``,
    ``GRAD = astgrad.grad(loss)``, whose generated function is named grad_loss)."""
    module = sys.modules.get(fn.__module__)
    found = module
    for part in fn.__qualname__.split("."):
        found = getattr(found, part, None)
    if module is None or found is fn or found is f:
        return fn.__qualname__
    holders = [name for name, value in vars(module).items() if (value is f or value is fn) and not name.startswith("_")]
    return holders[0] if holders else fn.__qualname__


def _target_module(fn):
    if fn.__module__ == "__main__":
        script = getattr(sys.modules.get("__main__"), "__file__", None)
        if isinstance(script, str) and script.endswith(".py"):
            return script
    return fn.__module__


def _refuse_main_reads(fn, module, command):
    """An ExportError where the module would import the program being run (``__main__``),
    for a global or function of it, or check what it holds: in the program importing the
    exported module, ``__main__`` is that program, not the one the code was made for."""
    if fn.__module__ != "__main__":
        return
    imported = {line.split()[1].partition(".")[0] for line in module.imports}
    checked = any(isinstance(text, str) and "'__main__'" in text for text in module.names.values())
    if "__main__" in imported or checked:
        raise ExportError(
            f"{fn.__qualname__} is defined in the program being run (__main__), and its derivative reads "
            f"globals or functions there; an exported module importing __main__ would read those of whichever "
            f"program imports it. Export it from the command line ({command}), which imports the file under "
            f"its own name, or move {fn.__qualname__} into a module")


class _Module:
    """The parts of an exported module: imports, helpers, derivatives."""

    def __init__(self, fn):
        self.user_module = fn.__module__
        self.names = {}                 # module-level name -> object it must mean
        self.imports = {}               # import line -> None (ordered set)
        self.helpers = HelperSource()
        self.functions = []             # source text of each derivative
        self.aliases = []               # "name = defined_name", after every definition
        self.done = {}                  # function added -> the name it is defined under
        self.namespaces = {}            # name -> astgrad module the code reads attributes of
        self.attributes = {}            # name -> the attributes the code reads on it
        self.texts = {}                 # a derivative's code under a placeholder name -> its name
        self.written = {}               # name -> (position in functions, source, prologue) of a def
        self.renamed = {}               # (name astgrad bound, id of its value) -> module-level name
        self.twin_suffix = ""           # while a zero-safe twin is added: its callees' suffix
        self.exported = None            # the derivative the module exports (added first)
        self.held_items = {}            # id -> an argument of a global partial the code holds

    def bind(self, name, obj, caller=None):
        """``name`` at module level means ``obj`` (read by ``caller``): import or define it.
        NumPy as astgrad found it (core/originals.py) is imported as NumPy: the exported
        module reads NumPy when it runs, as any module does."""
        obj = live_module(obj)
        from .caching import Deferred
        if isinstance(obj, Deferred):           # a derivative calling itself (recursion, mutual too)
            obj = underlying(obj)
        if name in self.names:
            if self.names[name] is not obj and not self._defined_under(obj, name):
                raise ExportError(f"the exported code uses the name {name!r} for two different objects "
                                  f"({self.names[name]!r} and {obj!r}); rename one of them in your code")
            return
        self.names[name] = obj
        if getattr(obj, "__astgrad_generated__", False):
            what = "value" if obj.__name__.startswith("value_") else "derivative"     # modes/value_calls.py
            self.add_function(obj, name, f"The {what} of a function {caller} calls, generated with it.")
        elif getattr(obj, "__astgrad_specializes__", None) is not None:
            self.add_function(obj, name, f"{obj.__module__}.{obj.__qualname__} as {caller} calls it "
                                         "(rewritten by astgrad).", variant_source(obj))
        elif isinstance(obj, types.ModuleType):
            self._import_module(name, obj)
        elif _is_transform_object(obj):
            self._add_transform(name, obj, caller)
        elif _module_of(obj).partition(".")[0] == _ASTGRAD:
            _check_no_outer_writes(obj, caller)
            self.helpers.add(_module_of(obj), getattr(obj, "__name__", name))
            if obj.__name__ != name:
                self.functions.append(f"{name} = {obj.__name__}\n")
        elif id(obj) in self.held_items:     # an argument of a global partial: checked where read
            self.constant(name, _partial_item_text(obj))
        else:
            self._import_object(name, obj)

    def constant(self, name, text):
        """Define ``name`` at module level as the expression ``text``."""
        self.names[name] = text
        self.functions.append(f"{name} = {text}\n")

    def _module_name(self, free, value, source):
        """The module-level name for what generated code reads as ``free`` (a name astgrad
        bound): ``free``, unless that name already means another object (the jvp of a
        recursive gradient calls itself by the name of the jvp that calls it first; two
        layers' methods read their functions as ``act_fn``), in which case the name a
        derivative is defined under, or a new one."""
        from .caching import Deferred
        obj = underlying(value) if isinstance(value, Deferred) else live_module(value)
        if free == ORIGINAL:        # the user's function a twin runs: under its own name
            free = obj.__name__
        clash = free not in self.names and _module_of(obj).partition(".")[0] != _ASTGRAD and (
            is_helper_name(free) or _names_a_module(free, obj))
        if (free not in self.names and not clash) or self.names.get(free) is obj or self._defined_under(obj, free):
            return free
        if not _written_out(obj):       # a name astgrad bound, to another object elsewhere
            key = (free, id(obj))       # (a function each layer holds): one name per object
            if key not in self.renamed:
                self.renamed[key] = self.free_name(free, names_in(source))
            return self.renamed[key]
        if obj in self.done:
            return self.done[obj]
        return self.free_name(free + self.twin_suffix, names_in(source))

    def free_name(self, name, taken=()):
        """``name``, or ``name_1``, ``name_2``, ...: the first that means nothing yet."""
        if name not in self.names and name not in taken:
            return name
        count = 1
        while f"{name}_{count}" in self.names or f"{name}_{count}" in taken:
            count += 1
        return f"{name}_{count}"

    def _add_transform(self, name, obj, caller):
        """A gradient the code holds as a value (``g = astgrad.grad(h)`` handed to a helper,
        stored in a list): its generated code, which is what calling it runs."""
        code = None
        if not getattr(obj, "leading_arguments", ()):
            try:
                code = obj.__astgrad_function__()
            except Exception:       # noqa: BLE001 - not generated: refused below
                code = None
        if not getattr(code, "__astgrad_generated__", False):
            raise ExportError(f"the derivative holds {name} = {obj!r} as a value (it passes it to a function or "
                              "keeps it), and an exported module cannot hold this astgrad transform; call the "
                              "transform where it is made instead (astgrad.grad(h)(x)), or export the function "
                              "it transforms")
        self.add_function(code, name, f"{obj.__doc__.rstrip('.')} held as a value by {caller}."
                          if obj.__doc__ else f"An astgrad transform {caller} holds as a value.")

    def _import_module(self, name, module):
        if module.__name__.partition(".")[0] == _ASTGRAD:     # written out as a namespace (see text)
            self.namespaces[name] = module
            return
        line = f"import {module.__name__}" + (f" as {name}" if name != module.__name__ else "")
        if "." in module.__name__ and name == module.__name__.partition(".")[0]:
            line = f"import {module.__name__}"
        self.imports[line] = None

    def _import_object(self, name, obj):
        _check_standalone(name, obj)
        found = _importable(obj)
        if found is None:
            _refuse_local_definition(name, obj)
            raise ExportError(f"the derivative uses {name} = {obj!r}, which cannot be imported by name; "
                              "an exported module can only refer to objects importable from a module")
        module_name, attribute = found
        if module_name == "builtins":
            if attribute != name:
                self.functions.append(f"{name} = {attribute}\n")
            return
        if "." in attribute:
            self.imports[f"import {module_name}"] = None
            self.functions.append(f"{name} = {module_name}.{attribute}\n")
            return
        self.imports[f"from {module_name} import {attribute}" + (f" as {name}" if name != attribute else "")] = None

    def add_function(self, compiled, name, description, source=None, prologue=(), returned=None, seeds=None):
        """Add a generated derivative, or a function astgrad rewrote (its ``source``), and,
        through ``bind``, everything it refers to; ``prologue``: statements put first;
        ``returned``: the text put before and after each value it returns; ``seeds``: the
        seed parameters its signature renames (export_seeds.seed_names)."""
        if compiled in self.done:
            if self.done[compiled] != name:
                self.aliases.append(f"{name} = {self.done[compiled]}\n")
            return self.done[compiled]
        self.done[compiled] = name
        if self.exported is None:
            self.exported = compiled
        self.names.setdefault(name, compiled)
        source = unread_calls_alone(compiled.source) if source is None else source
        source, unheld = defaults_as_held(source, compiled)
        if unheld:
            raise ExportError(f"the default of the parameter {unheld[0]!r} is a value an exported module cannot "
                              "write, and no global holds it now; pass it as an argument, or give the "
                              "parameter a default of numbers or a global name")
        if returned is not None:
            source = returns_wrapped(source, *returned)
        if seeds:
            source = renamed_seeds(source, seeds)
        for owner, attributes in attributes_read(source).items():
            self.attributes.setdefault(owner, set()).update(attributes)
        renames, used, frozen = {}, names_in(source), {}
        cells = set(compiled.__code__.co_freevars) - _introduced(compiled)
        for free, value in _references(compiled):
            if free not in used:        # a binding the source no longer holds (variant_source)
                continue
            if free in cells:           # the user's closure variable: frozen, or imported
                renames[free] = _closure_name(self, free, value, name, frozen, used)
                continue
            module_name = self._module_name(free, value, source)
            self.bind(module_name, value, name)
            defined = self._defined_as(value, module_name)
            if defined != module_name and defined in local_names(source):
                # a local of this code's has the name it is defined under: read it by an alias
                alias = f"{module_name} = {defined}\n"
                if alias not in self.aliases:
                    self.aliases.append(alias)
            else:
                module_name = defined
            if module_name != free:
                renames[free] = module_name
        if renames:
            source = renamed(source, renames)
        read_later = {}                 # global name -> its module's name (read when the code runs)
        for global_name in sorted(global_names(compiled, source)):
            module_name = self._bind_global(global_name, compiled.__globals__)
            if module_name is not None:
                read_later[global_name] = module_name
        if read_later:
            source = self._qualified(source, read_later)
        if frozen:
            description = f"{description}\n\n{frozen_note(frozen)}"
        return self._define(compiled, source, name, description, prologue)

    def _define(self, compiled, source, name, description, prologue):
        """Append the def of ``compiled``; a derivative whose text is one already defined
        (a zero-safe twin as its plain code; a callee's derivative generated twice, for
        two callers) is not written again: the name it is defined under. The exported
        derivative is always defined under its own name."""
        text = ast.dump(ast.parse(with_docstring(source, "_", "", prologue)))     # comments aside
        if text in self.texts and compiled is not self.exported:
            defined = self.done[compiled] = self.texts[text]
            if not self.twin_suffix:
                self._describe_again(defined, name, description)
            return defined
        self.texts.setdefault(text, name)
        self.written[name] = (len(self.functions), source, prologue)
        self.functions.append(with_docstring(source, name, description, prologue))
        return name

    def _describe_again(self, defined, name, description):
        """The def of ``defined`` said it was called by ``name``, now defined as ``defined``
        itself: it takes the description of ``name`` (which names who calls that)."""
        position, source, prologue = self.written.get(defined, (len(self.functions), None, None))
        written = self.functions[position] if position < len(self.functions) else ""
        if written.startswith(f"def {defined}(") and f" {name} calls" in written.partition('"""\n')[0]:
            self.functions[position] = with_docstring(source, defined, description, prologue)

    def _defined_under(self, obj, name):
        """Whether generated code ``obj`` is defined as ``name`` (a zero-safe twin whose
        text is its plain code's)."""
        return _written_out(obj) and self.done.get(obj) == name

    def _defined_as(self, value, name):
        """The name generated code ``value`` (bound as ``name``) is defined under."""
        from .caching import Deferred
        obj = underlying(value) if isinstance(value, Deferred) else value
        if _written_out(obj):
            return self.done.get(obj, name)
        return name

    def _bind_global(self, name, scope):
        """Import the global ``name`` of ``scope`` (a module, a function, a class); for
        any other value, or a function whose name the module gives to something else (a
        variant of it astgrad rewrote, calling it), import its module and return the
        module's name: the code reads ``module.name`` when it runs, as the function reads
        its global."""
        if name in scope and "__name__" not in scope:     # bound by _references
            return None
        if name in scope:
            value = scope[name]
            module_name = scope.get("__name__", self.user_module)
            if isinstance(value, types.ModuleType):
                self.bind(name, value)
            elif not (inspect.isroutine(value) or inspect.isclass(value)):
                return module_name
            elif name not in self.names:
                _check_standalone(name, value)
                self.names[name] = value
                self.imports[f"from {module_name} import {name}"] = None
            elif self.names[name] is not value:     # the name means a derivative or a variant here
                _check_standalone(name, value)
                return module_name
        elif not hasattr(builtins, name):
            raise ExportError(f"the derivative reads the global {name!r}, which is not defined")
        return None

    def _qualified(self, source, read_later):
        """``source`` reading each of ``read_later``'s globals on its module (imported here,
        under an alias where the module's name means something else in the code)."""
        used = names_in(source)
        prefixes = {}
        for module_name in dict.fromkeys(read_later.values()):     # (imported in the order read)
            top = module_name.partition(".")[0]
            bound = self.names.get(top)
            if top in used or (bound is not None and getattr(bound, "__name__", None) != top):
                alias = module_name.replace(".", "_") + "_module"
                self.imports[f"import {module_name} as {alias}"] = None
                prefixes[module_name] = alias
            else:
                self.imports[f"import {module_name}"] = None
                prefixes[module_name] = module_name
        return prefixed(source, {name: prefixes[module] for name, module in read_later.items()})

    def _namespace(self, name, module):
        """A class standing for astgrad's ``module`` read as ``name.<helper>``: the
        helpers it names, defined with the others."""
        lines = [f"class {name}:", f'    """The helpers of {module.__name__} the code calls as {name}.<name>."""', ""]
        for attribute in sorted(self.attributes.get(name, ())):
            obj = getattr(module, attribute, None)
            if obj is None or _module_of(obj).partition(".")[0] != _ASTGRAD:
                raise ExportError(f"the derivative reads {name}.{attribute}, which is not one of astgrad's "
                                  "helpers an exported module can hold")
            self.helpers.add(_module_of(obj), obj.__name__)
            wrapped = f"staticmethod({obj.__name__})" if inspect.isfunction(obj) else obj.__name__
            lines.append(f"    {attribute} = {wrapped}")
        return "\n".join(lines) + "\n"

    def text(self, header):
        """The module's text; ``header(needs)`` writes its docstring (see ``_header``)."""
        namespaces = [self._namespace(name, module) for name, module in self.namespaces.items()]
        self._check_helper_names()
        helper_imports, helper_code = self.helpers.statements()
        imports = list(self.imports)
        for line in helper_imports:
            if line not in self.imports:
                imports.append(line)
        needs = sorted({line.split()[1].partition(".")[0] for line in imports} - _STANDARD_LIBRARY)
        parts = [header(needs), "\n".join(sorted(imports, key=_import_order)) + "\n"]
        if helper_code:
            parts.append("\n\n\n".join(helper_code))
        parts.extend(namespaces + self.functions + self.aliases)
        return "\n\n".join(part.rstrip("\n") + "\n" for part in parts)


    def _check_helper_names(self):
        """The module-level names astgrad's helpers define in the module must mean nothing
        else there: a user function of the same name, imported or defined before them,
        would be replaced by the helper's definition, and the derivative would call the
        helper where the user's code calls the user's function."""
        for name, module_name in self.helpers.names.items():
            if name not in self.names:
                continue
            helper = live_module(getattr(importlib.import_module(module_name), name, None))
            if self.names[name] is not helper and not isinstance(helper, types.ModuleType):
                raise ExportError(
                    f"the exported module defines astgrad's helper {name!r} ({module_name}.{name}), and the "
                    f"derivative also uses the name {name!r} for {_described(self.names[name])}; one definition would "
                    f"replace the other. Rename {name!r} in your code (or import it under another name) and "
                    "export again")


def _described(obj):
    """``module.qualname`` of a function or class, else the object's repr."""
    qualname = getattr(obj, "__qualname__", None)
    return f"{_module_of(obj)}.{qualname}" if qualname and not isinstance(obj, str) else repr(obj)


def _refuse_local_definition(name, obj):
    """Refuse a class or function defined inside a function (a class statement in the
    exported function), which no module can import, saying so."""
    if "<locals>" in (getattr(obj, "__qualname__", None) or ""):
        kind = "class" if inspect.isclass(obj) else "function"
        raise ExportError(f"the derivative uses {name} = {_described(obj)}, a {kind} defined inside a function, "
                          "which another module cannot import; define it at module level (or pass it as an "
                          "argument) and export again")


def _import_order(line):
    return (line.startswith("from "), line)


def _written_out(obj):
    """Whether the exported module defines ``obj``: code astgrad generated, or a user
    function astgrad rewrote."""
    return getattr(obj, "__astgrad_generated__", False) or getattr(obj, "__astgrad_specializes__", None) is not None


def _references(compiled):
    """(name, value) for each name astgrad bound for generated code ``compiled``: its
    free variables, and the globals of a small function astgrad compiled around
    generated code (wrt="self.W"), which has no module."""
    code = compiled.__code__
    cells = dict(zip(code.co_freevars, compiled.__closure__ or ()))
    pinned = pinned_globals(compiled)
    for free in code.co_freevars:
        if free in pinned:          # a global of the user's, read as the other globals are
            continue
        try:
            value = cells[free].cell_contents
        except ValueError:
            raise ExportError(f"the derivative reads {free!r}, which is not bound yet") from None
        yield free, value
    scope = compiled.__globals__
    if "__name__" not in scope:
        for name in sorted(global_names(compiled, compiled.source)):
            if name in scope:
                yield name, scope[name]


def _closure_name(module, free, value, caller, frozen, taken):
    """The module-level name the exported code reads the user's closure variable ``free``
    as (see export_closures.py); refused where its value can be neither written nor imported."""
    written = freeze_cell(module, free, value, caller, frozen, taken)
    if written is None:
        raise ExportError(f"{caller} reads the closure variable {free!r}, which holds {_described(value)}; an "
                          "exported module can hold a closure variable's value only when it is a number, a string, "
                          "a tuple, list or dict of them, a NumPy array of at most "
                          f"{ARRAY_LIMIT} finite numbers, a function or class defined at the top level of a "
                          "module, a library function its module holds under its name (np.sin, math.sin), or an "
                          "object a top-level name of its class's module holds (imported from there). Pass the "
                          "value as an argument, bind it to a name at the top level of that module "
                          "(SCALE = Scale(3.0)), or export a function defined at module level")
    return written


def _introduced(compiled):
    """The free names astgrad introduced (not the user function's closure variables)."""
    if getattr(compiled, "__astgrad_specializes__", None) is None \
            and not hasattr(compiled, "__astgrad_user_freevars__"):
        return set(compiled.__code__.co_freevars) - set(pinned_globals(compiled))
    return set(compiled.__code__.co_freevars) - set(user_freevars(compiled)) - set(pinned_globals(compiled))


def _names_a_module(name, obj):
    """Whether ``name`` is a standard module's (``copy``, ``math``) and ``obj`` another
    object (``numpy.copy``): the helpers the module holds may import that module by it."""
    return name in sys.stdlib_module_names and obj is not sys.modules.get(name)


def _is_transform_object(obj):
    """Whether ``obj`` is an object one of astgrad's transforms made (a gradient, ...),
    not one of the transforms themselves."""
    from .rules.registry import is_astgrad_transform
    return not isinstance(obj, (types.FunctionType, type)) and is_astgrad_transform(obj)


def _module_of(obj):
    return getattr(obj, "__module__", None) or ""


def _importable(obj):
    """(module, attribute path) naming ``obj``, or None."""
    name = getattr(obj, "__name__", None)
    owner = getattr(obj, "__self__", None)
    if owner is not None and name and not isinstance(owner, types.ModuleType):
        found = _importable(owner)           # a ufunc's method: numpy.add.at
        if found is not None:
            return found[0], f"{found[1]}.{name}"
    candidates = [_module_of(obj)] + list(_SEARCHED)
    for module_name in candidates:
        if not module_name or module_name.partition(".")[0] == _ASTGRAD:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attribute in (getattr(obj, "__qualname__", None), name):
            if not attribute:
                continue
            found = _resolve(module, attribute)
            for suffix, candidate in _functions_held(found):
                if _same_function(candidate, obj):
                    return module_name, attribute + suffix
    return None


def _functions_held(found):
    """(suffix, function) for what a class attribute path reaches: the function itself,
    a classmethod's function (``Model.make.__func__``), a property's getter
    (``Model.size.fget``)."""
    yield "", found
    if inspect.ismethod(found):
        yield ".__func__", found.__func__
    elif isinstance(found, property):
        yield ".fget", found.fget


def _check_standalone(name, obj):
    """Refuse a user function the exported code would import and call that calls astgrad."""
    uses = _astgrad_used_by(obj)
    if uses is not None:
        raise ExportError(f"the derivative calls {name} ({_module_of(obj)}.{obj.__qualname__}) for its "
                          f"value, and {name} uses {uses} when it runs, which an exported module cannot "
                          f"do without astgrad; export {name} itself, or compute its value in the "
                          "function you export")


def _check_no_outer_writes(helper, caller):
    """Refuse code rebinding the user's globals or closure cells: the exported module's
    own globals are not the user's module."""
    from . import runtime
    if helper in (runtime.store_global, runtime.store_nonlocal):
        raise ExportError(f"{caller} rebinds a global or a closure variable (global or nonlocal), which an "
                          "exported module cannot do in your module; export a function that takes the value "
                          "as an argument and returns the new value")
    if helper in (runtime.outer_values, runtime.replay_from, runtime.put_back):
        raise ExportError(f"{caller} runs a gradient made outside a second time, putting back before it what "
                          "that gradient's code changes in memory your globals hold (LOG.append(v), CFG.n += 1), "
                          "which an exported module cannot do in your module; change that memory outside the "
                          "function you export")
    if _module_of(helper) == "astgrad.object_operators" and helper.__name__ not in ("object_operator", "object_unary"):
        raise ExportError(f"{caller} differentiates an operator on an object whose class astgrad finds only when "
                          "the code runs, through astgrad's derivative of the method Python runs, which an exported "
                          "module cannot make without astgrad; bind the object to a name of its own, built in the "
                          "function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w))")


def _astgrad_used_by(fn):
    """The astgrad name (``astgrad.grad``) a user function's own code reads, or None."""
    if not inspect.isfunction(fn) or _module_of(fn).partition(".")[0] == _ASTGRAD:
        return None
    codes, names = [fn.__code__], set()
    while codes:
        code = codes.pop()
        names |= set(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    for name in sorted(names):
        value = fn.__globals__.get(name)
        if value is not None and (_module_of(value) if not isinstance(value, types.ModuleType)
                                  else value.__name__).partition(".")[0] == _ASTGRAD:
            return name
    return None


def _same_function(found, obj):
    """``found`` is ``obj``, or the method ``obj`` is a specialization of for one receiver
    class (core/methods.py: the same code, so the class's method runs it)."""
    from .core.methods import receiver_of
    return found is obj or (receiver_of(obj) is not None and inspect.isfunction(found)
                            and found.__code__ is obj.__code__)


def _resolve(module, path):
    value = module
    for part in path.split("."):
        value = getattr(value, part, None)
    return value
