"""From a recording to a differentiated program.

``trace`` walks the recorded nodes back from the outputs, stopping at the inputs
(the tensors to differentiate with respect to) and at leaves, and produces

- a structural key: per value, either a parameter (its shape and dtype) or a node
  (primitive, literal constants, which earlier values it uses), plus the outputs;
- the parameter values: the inputs' arrays, then constants (leaves that are not
  inputs, arrays captured by operations).

On a cache miss the trace is emitted as Python source, one statement per node::

    def tape(x0, x1):
        t1 = x0 * x1
        return t1

compiled (registered in linecache, so tracebacks and ``inspect.getsource`` show it)
and differentiated by the engine exactly like a user function, with
``caching.reverse_derivative``. The generated adjoint ``grad_tape(x0, x1, *, d_t1)``
is cached under the key, so the next iteration of a training loop only walks the
recording, hashes the key and calls the cached adjoint on the new arrays; from the
second gradient of a program on, its backward, which takes the recorded forward values
instead of computing them again (reuse.py).

``create_graph=True`` runs a copy of the generated adjoint whose global helper
names (unbroadcast, unreduce, unindex, ... and generated callee gradients) are
bound to recording wrappers, on the tensors themselves: every operation of the
adjoint is recorded, so its results are tensors with history that ``grad`` can
differentiate again, to any order.
"""

import builtins
import collections
import contextlib
import inspect
import math
import numbers
import operator
import threading
import types

import numpy

from ..backend.emit import compile_function
from ..caching import reverse_derivative
from ..tracebacks import public
from ..zero_safe import has_nan, run_derivative
from ..core.functions import seed_parameter
from ..core.originals import live_module, original_attribute, snapshot
from ..rules.registry import rule_key
from .. import runtime
from ..runtime import AdjointList, to_copy
from ..runtime_parts import RUNTIME_MODULES
from .graph import FLOAT_CODE, GENERATED, REF_CODES, Ref, op_info, set_source_renderer
from .conventions import ZERO_DERIVATIVE
from .mode import enable_grad, no_grad, numpy_methods
from .quiet import quiet_call
from .record import TensorBase, apply, make_tensor, raw
from .batching import batched
from .freeing import check_not_freed, executed, free
from . import reuse
from .sharing import retained
from .size import Size
from .versions import as_of, check_constants, check_data_writes, check_output, leaf_origin, old_leaf_error, parents_as_recorded, reads_current, version_error
from .views import current_node
from .saved_composites import check_saved
from .detached import before_detach
from . import second_order

__all__ = ["grad", "backward", "adjoint_source", "last_adjoint_source", "forward_source",
           "cache_info", "clear_cache"]


# -- structural signature of one node --------------------------------------------------------

def _encode(value, consts):
    """A hashable description of a recorded argument.

    Values that shape the program (ints such as axes and indices, strings, None,
    tuples and slices of them) are literals: part of the description and written into
    the source. Floats, arrays, long lists of numbers and other objects are parameters
    (c0, c1, ...), described only by their kind, shape and dtype, so a training loop
    whose scalar coefficients or index lists change still reuses one program.
    """
    kind = type(value)
    if kind is Ref:
        return ("r", value.k)
    if kind is int or kind is bool or kind is str or value is None:
        return ("l", kind, value)
    if kind is tuple or (kind is list and not (len(value) > 4 and _numbers(value))):
        return ("t" if kind is tuple else "L", tuple([_encode(v, consts) for v in value]))
    if kind is float:
        consts.append(value)
        return _FLOAT
    if kind is slice:
        return ("s", _encode(value.start, consts), _encode(value.stop, consts), _encode(value.step, consts))
    if value is Ellipsis:
        return ("e",)
    consts.append(value)
    if kind is numpy.ndarray:
        return ("a", value.shape, value.dtype)
    if isinstance(value, numpy.generic):
        return ("g", value.dtype)
    return ("o", kind)


_FLOAT = FLOAT_CODE
_NUMBER_TYPES = (int, float, bool)


def _numbers(items):
    for v in items:
        if type(v) not in _NUMBER_TYPES:
            return False
    return True


_REF_CODES = REF_CODES
_NDARRAY = numpy.ndarray


def _sign(node):
    consts = []
    args = tuple([_encode(a, consts) for a in node.args])
    kwargs = tuple([(k, _encode(v, consts)) for k, v in node.kwargs.items()]) if node.kwargs else ()
    node.sig = (rule_key(node.op), args, kwargs)
    node.consts = consts


def _sign_simple(node):
    """The signature of a node whose arguments are recorded tensors, floats, ints and
    arrays (most arithmetic), without the general encoder (it gives the same); False
    for other nodes."""
    consts = []
    codes = []
    for a in node.args:
        kind = type(a)
        if kind is Ref and a.k < 16:
            codes.append(_REF_CODES[a.k])
        elif kind is float:
            consts.append(a)
            codes.append(_FLOAT)
        elif kind is _NDARRAY:
            consts.append(a)
            codes.append(("a", a.shape, a.dtype))
        elif kind is int:
            codes.append(("l", int, a))
        else:
            return False
    node.sig = (rule_key(node.op), tuple(codes), ())
    node.consts = consts
    return True


# -- the walk ------------------------------------------------------------------------------------

class Trace:
    """The program leading from parameters to outputs, and its parameter values."""

    __slots__ = ("key", "slots", "consts", "reached", "leaves", "extra", "outputs")


def _probe_inputs(inputs, index):
    """Non-leaf inputs with another input upstream: the walk must not stop at them
    (the upstream input's gradient flows through them), so they get a zero 'probe'
    parameter added to their value, whose gradient is theirs."""
    probes = set()
    for t in inputs:
        if t._node is None:
            continue
        seen = set()
        stack = [before_detach(p, t._node) for p in t._node.parents]
        while stack:
            p = stack.pop()
            if id(p) in seen:
                continue
            seen.add(id(p))
            if id(p) in index:
                probes.add(id(t))
                break
            if p._node is not None:
                stack.extend(before_detach(q, p._node) for q in p._node.parents)
    return probes


def trace(outputs, inputs):
    """Walk back from ``outputs``. ``inputs`` (unique tensors) become the differentiated
    parameters x0, x1, ... (by position); with ``inputs=None`` every leaf that requires
    grad is one, in the order the program first uses them."""
    index, probes, stop = _stopping_points(inputs)
    builder = _TraceBuilder(index, probes)
    builder.add_nodes(*_recorded_tensors(outputs, stop, index))
    return builder.finish(outputs)


def _stopping_points(inputs):
    """(position of each input by id, the inputs that get a probe, the tensors the walk
    stops at): it stops at the inputs, except at probed ones."""
    if inputs is None:
        return None, None, _EMPTY
    index = {id(t): i for i, t in enumerate(inputs)}
    probes = None
    stop = index
    if any(t._node is not None for t in inputs):
        probes = _probe_inputs(inputs, index)
        if probes:
            stop = {k: v for k, v in index.items() if k not in probes}
    return index, probes, stop


def _recorded_tensors(outputs, stop, index, done=None):
    """The recorded tensors the outputs depend on (not looking past ``stop``), in
    recording order (a node is always recorded after its parents), and the parents of
    the nodes whose parents were updated in place since (versions.py).

    A node whose backward PyTorch would refuse (a saved tensor changed since) raises
    PyTorch's error if it lies on a path to an input, which PyTorch's backward runs;
    elsewhere its tensor is taken as a constant, as PyTorch never runs its backward.
    So does a node of a gradient recorded with create_graph=True whose graph's saved
    tensors changed since (second_order.py; ``done``: the records checked already)."""
    found = []
    seen = set()
    moved = {}
    refused = []
    first_orders = []
    marked = []
    stack = list(outputs)
    while stack:
        t = stack.pop()
        tid = id(t)
        if tid in seen:
            continue
        seen.add(tid)
        node = t._node
        if second_order.is_marked(t):
            marked.append(t)
        if node is not None and tid not in stop:
            try:
                parents = _parents_as_recorded(t, node)
            except RuntimeError as error:
                if _reaches_input(t, index, {}):
                    refused.append((node.seq, error))
                continue                    # else not differentiated: a constant
            if parents is not node.parents:
                moved[tid] = parents
            if node.first_order is not None:
                first_orders.append(t)
            found.append(t)
            stack.extend(parents)
    if refused:     # PyTorch runs the nodes latest first and stops at the first refusal
        raise max(refused, key=_first)[1]
    if first_orders:
        _check_first_orders(first_orders, marked, stop, index, set() if done is None else done)
    found.sort(key=_SEQ)
    if moved:
        check_data_writes(found)
    return found, moved


def _check_first_orders(tensors, marked, stop, index, done):
    """PyTorch's error if the graph a recorded gradient among ``tensors`` came from
    changed where its formulas read it, for those on a path to an input; ``marked``:
    the returned gradients met (second_order.mark), whose formulas are those run."""
    memo, leads = {}, {}        # leads: {ids: memo} of the later backwards' inputs (second_order.check)
    met = second_order.gradients_met([t for t in marked if _reaches_input(t, index, memo)])
    for t in tensors:
        first_order = t._node.first_order
        mask = met.get(id(first_order))
        if (id(first_order), mask) not in done and _reaches_input(t, index, memo):
            second_order.check(first_order, lambda roots: _recorded_tensors(roots, stop, index, done), done, mask,
                               lambda tensor: _reaches_input(tensor, index, memo),
                               lambda tensor, ids: _reaches_input(tensor, ids, leads.setdefault(ids, {})))


def _parents_as_recorded(t, node):
    """The parents of ``t``'s node as it used them (versions.py); a view's node is made
    again first if its family changed (views.py)."""
    check_saved(node)       # a method PyTorch records as one node saving more (saved_composites.py)
    if t._vc[0] != node.made_at:        # changed since: a view's node is made again,
        if t._x and "view_of" in t._x:  # other nodes may have saved their output
            node = current_node(t)
        else:
            check_output(t)
    if node.constants is not None:
        check_constants(node)
    for p, v in zip(node.parents, node.versions):
        # updated or detached in place since: the parents as recorded
        if p._vc[0] != v or p._x is not None and ("detached" in p._x or "data_written" in p._x):
            return parents_as_recorded(node)
    return node.parents


def _current_operands(t, node, parents):
    """For ``t``, whose node's backward reads its operands as they are now
    (versions.reads_current, PyTorch's ``kron``), one of them changed since it was
    recorded: (per parent, its change since, or None; the node's constants as they are
    now; the difference between ``t``'s value and the node's value computed now, or None),
    so the trace computes the node from its operands as they are (a leaf itself, another
    parent its value as recorded plus its change: the gradient flows to what was recorded)
    and adds that difference; None where nothing changed."""
    changed = {i: tensor._data for i, tensor, version in node.constants or () if tensor._vc[0] != version}
    if parents is node.parents and not changed:
        return None
    changes = [None if p is was or numpy.array_equal(p._data, was._data) else p._data - was._data
               for p, was in zip(node.parents, parents)]
    consts = list(node.consts)
    for i, data in changed.items():
        before = []
        for a in node.args[:i]:
            _encode(a, before)
        consts[len(before)] = data
    now = node.op(*[node.parents[a.k]._data if type(a) is Ref else changed.get(i, a) for i, a in enumerate(node.args)])
    output = None if numpy.array_equal(now, t._data) else t._data - now
    if output is None and not changed and all(c is None for c in changes):
        return None
    return changes, consts, output


def _reaches_input(t, index, memo):
    """Whether ``t`` depends on an input (``index``: their ids; None: any leaf that
    requires grad), through its node's parents."""
    tid = id(t)
    if tid in memo:
        return memo[tid]
    memo[tid] = False
    node = t._node
    if node is None:
        origin = leaf_origin(t)         # an old value of a leaf stands for the leaf
        found = t._rg if index is None else (tid if origin is None else id(origin[0])) in index
    else:
        found = (index is not None and tid in index) or any(
            _reaches_input(p if p._vc[0] == v else as_of(p, v), index, memo)
            for p, v in zip((before_detach(p, node) for p in node.parents), node.versions))
    memo[tid] = found
    return found


class _TraceBuilder:
    """Numbers the values of a trace (its slots) in the order the walk meets them and
    builds the structural key alongside."""

    __slots__ = ("index", "probes", "slot_of", "key", "slots", "consts", "reached", "leaves", "extra")

    def __init__(self, index, probes):
        self.index = index          # None: every leaf that requires grad is an input
        self.probes = probes
        self.slot_of = {}           # id(tensor) -> its slot
        self.key = []
        self.slots = []
        self.consts = []
        self.reached = []
        self.leaves = []
        self.extra = []             # the inputs whose old values are parameters too

    def parameter(self, t):
        """The slot of a tensor the walk stopped at: an input (x) or a constant (c)."""
        key = self.key
        s = len(key)
        self.slot_of[id(t)] = s
        data = t._data
        origin = leaf_origin(t)     # the old value of a leaf changed in place (versions.py):
        leaf = t if origin is None else origin[0]       # its gradient is the leaf's
        if self.index is None and t._node is None:
            i = len(self.leaves)
            self.leaves.append(leaf)
        else:       # an input, or a constant (also a tensor whose backward is never run)
            i = None if self.index is None else self.index.get(id(leaf))
            if i is not None and origin is not None:
                i = len(self.index) + len(self.extra)
                self.extra.append(leaf)
            if i is None:
                key.append(("c", data.shape, data.dtype))
                self.slots.append(("c", len(self.consts)))
                self.consts.append(t)
                return s
        key.append(("x", i, data.shape, data.dtype))
        self.slots.append(("x", i))
        self.reached.append((i, t))
        return s

    def add_nodes(self, found, moved):
        """Slots for the recorded tensors ``found`` (in recording order: parents first);
        ``moved``: the parents as recorded of nodes whose parents changed since."""
        key, slots, consts, slot_of, probes = self.key, self.slots, self.consts, self.slot_of, self.probes
        parameter = self.parameter
        for t in found:
            node = t._node
            if node.sig is None and (node.kwargs is not None or not _sign_simple(node)):
                _sign(node)
            used = []
            parents = moved[id(t)] if moved and id(t) in moved else node.parents
            for p in parents:
                s = slot_of.get(id(p))
                used.append(parameter(p) if s is None else s)
            used = tuple(used)
            current = reads_current(node) and _current_operands(t, node, parents)
            if current:
                used = tuple(self._plus_constant(s, change) for s, change in zip(used, current[0]))
            s = len(key)
            key.append((node.sig, used))
            slots.append(("n", node, used, len(consts), t))
            consts.extend(current[1] if current else node.consts)
            if current:
                s = self._plus_constant(s, current[2])
            if probes and id(t) in probes:
                s = self._add_probe(t, s)
            slot_of[id(t)] = s

    def _plus_constant(self, s, change):
        """The slot of ``slot s + change`` (a constant array; None: slot ``s`` itself)."""
        if change is None:
            return s
        key = self.key
        key.append(("c", change.shape, change.dtype))
        self.slots.append(("c", len(self.consts)))
        self.consts.append(change)
        key.append(("p", s, len(key) - 1))
        self.slots.append(key[-1])
        return len(key) - 1

    def _add_probe(self, t, s):
        """Input ``t`` computed in slot ``s`` becomes ``slot s + probe``, where the probe
        is a zero parameter whose gradient is t's; returns the sum's slot."""
        i = self.index[id(t)]
        self.key.append(("x", i, t._data.shape, t._data.dtype))
        self.slots.append(("x", i))
        self.reached.append((i, numpy.zeros_like(t._data)))
        self.key.append(("p", s, s + 1))
        self.slots.append(("p", s, s + 1))
        return s + 2

    def finish(self, outputs):
        out_slots = []
        for out in outputs:
            s = self.slot_of.get(id(out))
            out_slots.append(self.parameter(out) if s is None else s)
        self.reached.sort(key=_first)
        tr = Trace()
        tr.key = (tuple(self.key), tuple(out_slots))
        tr.slots = self.slots
        tr.consts = self.consts
        tr.reached = self.reached
        tr.leaves = self.leaves
        tr.extra = self.extra
        tr.outputs = out_slots
        return tr


_EMPTY = {}


_SEQ = operator.attrgetter("_node.seq")


def _first(pair):
    return pair[0]


# -- emission ------------------------------------------------------------------------------------

_BINARY = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
           operator.pow: "**", operator.matmul: "@", operator.mod: "%"}
_UNARY = {operator.neg: "-", operator.pos: "+"}


def _numpy_path(op):
    """``numpy.sin`` for NumPy's sin as astgrad found it: the program's ``numpy`` is that
    NumPy (a snapshot, core/originals.py), so a later ``np.sin = my_sin`` changes no
    program made before it."""
    name = getattr(op, "__name__", None)
    if not isinstance(name, str):
        return None
    for prefix, module in (("numpy", numpy), ("numpy.linalg", numpy.linalg)):
        if original_attribute(module, name) is op:
            return f"{prefix}.{name}"
    return None


def _is_reserved(name):
    return name in ("numpy", "tape") or (name[:1] in "xct" and name[1:].isdigit())


def _callee(op, namespace):
    path = _numpy_path(op)
    if path is not None:
        return path
    name = getattr(op, "__name__", None)
    if not (isinstance(name, str) and name.isidentifier()):
        name = "fn"
    if _is_reserved(name):
        name += "_"
    base, k = name, 1
    while name in namespace and namespace[name] is not op:
        name = f"{base}_{k}"
        k += 1
    namespace[name] = op
    return name


def _literal(value):
    text = repr(value)
    return f"({text})" if text.startswith("-") else text


def _render(enc, names, cnames):
    tag = enc[0]
    if tag == "r":
        return names[enc[1]]
    if tag == "l":
        return _literal(enc[2])
    if tag == "t":
        items = [_render(e, names, cnames) for e in enc[1]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if tag == "L":
        return "[" + ", ".join(_render(e, names, cnames) for e in enc[1]) + "]"
    if tag == "s":
        return "slice(" + ", ".join(_render(e, names, cnames) for e in enc[1:]) + ")"
    if tag == "e":
        return "..."
    return next(cnames)


def _render_index_item(enc, names, cnames):
    if enc[0] == "s":
        parts = ["" if e == ("l", type(None), None) else _render(e, names, cnames) for e in enc[1:]]
        return ":".join(parts[:2]) + (":" + parts[2] if parts[2] else "")
    return _render(enc, names, cnames)


def _render_index(enc, names, cnames):
    if enc[0] == "t":
        if not enc[1]:
            return "()"
        items = [_render_index_item(e, names, cnames) for e in enc[1]]
        return ", ".join(items) + ("," if len(items) == 1 else "")
    return _render_index_item(enc, names, cnames)


def _statement(node, used, names, first_const, namespace):
    _, args, kwargs = node.sig
    parent_names = [names[s] for s in used]
    cnames = iter([f"c{j}" for j in range(first_const, first_const + len(node.consts))])
    op = node.op
    if op in _BINARY and len(args) == 2 and not kwargs:
        a = _render(args[0], parent_names, cnames)
        b = _render(args[1], parent_names, cnames)
        return f"{a} {_BINARY[op]} {b}"
    if op in _UNARY and len(args) == 1 and not kwargs:
        return _UNARY[op] + _render(args[0], parent_names, cnames)
    if op is operator.getitem and len(args) == 2 and not kwargs:
        return _render(args[0], parent_names, cnames) + "[" + _render_index(args[1], parent_names, cnames) + "]"
    callee = _callee(op, namespace)
    parts = [_render(a, parent_names, cnames) for a in args]
    parts += [f"{k}={_render(v, parent_names, cnames)}" for k, v in kwargs]
    return f"{callee}({', '.join(parts)})"


def emit(tr):
    """The trace as the source of ``def tape(...)`` and the namespace it needs."""
    namespace = {"numpy": snapshot(numpy)}
    names = [None] * len(tr.slots)
    lines = []
    count = 0
    for s, info in enumerate(tr.slots):
        kind = info[0]
        if kind == "x":
            names[s] = f"x{info[1]}"
        elif kind == "c":
            names[s] = f"c{info[1]}"
        else:
            count += 1
            names[s] = f"t{count}"
            if kind == "n":
                text = _statement(info[1], info[2], names, info[3], namespace)
            else:
                text = f"{names[info[1]]} + {names[info[2]]}"
            lines.append(f"    {names[s]} = {text}")
    params = [f"x{i}" for i, _ in tr.reached] + [f"c{j}" for j in range(len(tr.consts))]
    outs = [names[s] for s in tr.outputs]
    result = outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ")"
    lines.append(f"    return {result}")
    return f"def tape({', '.join(params)}):\n" + "\n".join(lines) + "\n", namespace


# -- the cache -------------------------------------------------------------------------------------

class Entry:
    """A compiled tape program and its generated adjoint."""

    __slots__ = ("forward", "adjoint", "n_wrt", "_recording", "_zero_safe_recording", "backward", "seed_name")

    def __init__(self, forward, adjoint, n_wrt):
        self.forward = forward
        self.adjoint = adjoint
        self.n_wrt = n_wrt
        self._recording = None
        self._zero_safe_recording = None
        self.backward = None        # reuse.py's Backward, made on the second gradient (False: none)
        self.seed_name = None if adjoint is None else seed_parameter(adjoint)

    def recording(self):
        if self._recording is None:
            self._recording = _recording_function(self.adjoint, {})
        return self._recording

    def zero_safe_recording(self):
        """The adjoint's zero-safe twin, recording (see zero_safe.run_derivative)."""
        if self._zero_safe_recording is None:
            self._zero_safe_recording = _recording_function(self.adjoint.__astgrad_zero_safe__(), {})
        return self._zero_safe_recording


CacheInfo = collections.namedtuple("CacheInfo", "hits misses currsize maxsize")
_MAXSIZE = 256
_cache = collections.OrderedDict()
_stats = [0, 0]
_cache_lock = threading.Lock()      # held for the dict operations only, never while generating
_last = threading.local()           # .entry: what this thread's latest grad/backward ran


def cache_info():
    """Hits, misses (= programs generated), current and maximum size of the adjoint cache."""
    return CacheInfo(_stats[0], _stats[1], len(_cache), _MAXSIZE)


def clear_cache():
    with _cache_lock:
        _cache.clear()
        _stats[0] = _stats[1] = 0


def _entry(tr):
    with _cache_lock:
        entry = _cache.get(tr.key)
        _stats[entry is None] += 1
    if entry is not None:
        return entry
    source, namespace = emit(tr)
    forward = compile_function(source, "tape", namespace, "tape program")
    forward.__astgrad_ran__ = True      # the recording of a run: nothing in it raises (analysis.raising)
    n_wrt = len(tr.reached)
    adjoint = reverse_derivative(forward, tuple(range(n_wrt)), False) if n_wrt else None
    with _cache_lock:       # a thread that generated the same program meanwhile wins
        entry = _cache.setdefault(tr.key, Entry(forward, adjoint, n_wrt))
        if len(_cache) > _MAXSIZE:
            _cache.popitem(last=False)
    return entry


# -- running the adjoint on tensors (create_graph=True) ------------------------------------------

def _has_tensor(values):
    for v in values:
        if isinstance(v, TensorBase) or (type(v) in (list, tuple, AdjointList) and _has_tensor(v)):
            return True
    return False


def _recorder(op):
    def record(*args, **kwargs):
        if _has_tensor(args) or (kwargs and _has_tensor(kwargs.values())):
            return apply(op, args, kwargs)
        return op(*args, **kwargs)
    record.__name__ = getattr(op, "__name__", "record")
    record.__wrapped__ = op
    return record


def _unwrapping(op):
    def call(*args, **kwargs):
        return op(*raw(args), **raw(kwargs))
    call.__name__ = getattr(op, "__name__", "call")
    call.__wrapped__ = op
    return call


_math_proxy = None


def _recording_math():
    global _math_proxy
    if _math_proxy is None:
        proxy = types.ModuleType("math")
        for name in dir(math):
            value = getattr(math, name)
            if callable(value) and op_info(value)[0] == "diff":
                value = _recorder(value)
            setattr(proxy, name, value)
        _math_proxy = proxy
    return _math_proxy


class _RecordingRuntime(types.ModuleType):
    """astgrad.runtime as generated code reaches it by attribute (``runtime.scale(...)``,
    written by derivative rules), its helpers bound to recording wrappers as the bare
    names are: so that a higher derivative through them is recorded, not refused."""

    def __getattr__(self, name):
        value = _recording_value(getattr(runtime, name), {})
        setattr(self, name, value)
        return value


_runtime_proxy = _RecordingRuntime("runtime")


def _recording_value(value, memo):
    if inspect.isfunction(value) and hasattr(value, "__astgrad_generated__"):
        return _recording_function(value, memo)
    if value is math:
        return _recording_math()
    if isinstance(value, types.ModuleType) and live_module(value) is runtime:
        return _runtime_proxy
    if isinstance(value, types.ModuleType) or not callable(value) \
            or getattr(value, "__astgrad_tape_direct__", False):
        return value
    try:
        kind = op_info(value)[0]
    except TypeError:
        return value
    if kind == "diff" or (kind == "nondiff" and value in ZERO_DERIVATIVE):   # conventions.py
        return _recorder(value)
    if kind == "nondiff" and getattr(value, "__module__", None) in RUNTIME_MODULES:
        return _unwrapping(value)
    return value


def _recording_function(fn, memo):
    """A copy of generated function ``fn`` whose global helpers record on tensors."""
    if id(fn) in memo:
        return memo[id(fn)]
    scope = dict(fn.__globals__)
    # generated code reaches astgrad's helpers and callees' derivatives through closure
    # cells: the copy gets its own cells, holding the recording versions
    cells = tuple(types.CellType() for _ in fn.__closure__ or ())
    copy = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, cells or None)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.source = getattr(fn, "source", None)
    memo[id(fn)] = copy
    for name, value in list(scope.items()):
        if not name.startswith("__"):
            scope[name] = _recording_value(value, memo)
    for cell, original in zip(cells, fn.__closure__ or ()):
        try:
            cell.cell_contents = _recording_value(original.cell_contents, memo)
        except ValueError:      # an empty cell stays empty
            pass
    for name in ("float", "abs", "sum", "max", "min"):
        if name not in scope:
            scope[name] = _recorder(getattr(builtins, name))
    return copy


# -- gradients ---------------------------------------------------------------------------------------

def _as_tuple(value, what):
    if isinstance(value, TensorBase):
        return (value,)
    if isinstance(value, (list, tuple)):
        for v in value:
            if not isinstance(v, TensorBase):
                raise TypeError(f"{what} must be astgrad tensors, got {type(v).__name__}")
        return tuple(value)
    raise TypeError(f"{what} must be an astgrad tensor or a sequence of them, got {type(value).__name__}")


def _seeds(outputs, grad_outputs):
    if grad_outputs is None:
        given = (None,) * len(outputs)
    elif isinstance(grad_outputs, (TensorBase, numpy.ndarray, numbers.Number)):
        given = (grad_outputs,)
    else:
        given = tuple(grad_outputs)
    if len(given) < len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(given)} gradients")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, given)):
        if g is None:
            if out._rg:
                if out._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                g = 1.0 if out._data.ndim == 0 else numpy.ones_like(out._data)
        else:
            shape = g._data.shape if isinstance(g, TensorBase) else numpy.shape(g)
            if shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {Size(shape)} and "
                                   f"output[{i}] has a shape of {Size(out._data.shape)}.")
        seeds.append(g)
    return seeds


def _check_outputs(outputs):
    for i, out in enumerate(outputs):
        if not out._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def _fix(g, like):
    """Gradient ``g`` as a tensor with the shape and dtype of ``like`` (an input)."""
    shape, dtype = like._data.shape, like._data.dtype
    if isinstance(g, TensorBase):
        if g._data.shape != shape:
            g = apply(numpy.broadcast_to, (g, shape))
        if g._data.dtype != dtype:
            g = apply(to_copy, (g, dtype))
        return g
    return _fix_array(g, like)


def _fix_array(g, like):
    """A computed (not recorded) gradient as a tensor shaped and typed like ``like``."""
    data = like._data
    if g is None:
        return make_tensor(numpy.zeros_like(data), None, False)
    if type(g) is not numpy.ndarray:
        g = numpy.asarray(g)
    if g.shape != data.shape:
        g = numpy.broadcast_to(g, data.shape)
    if g.dtype != data.dtype:
        g = g.astype(data.dtype)
    elif not g.flags.writeable:
        g = g.copy()
    return make_tensor(g, None, False)


def _as_list(grads, n_wrt):
    return [grads] if n_wrt == 1 else list(grads)


@contextlib.contextmanager
def _element_writes_refused():
    """Generated code run on tensors (create_graph=True) that stores a tensor into an
    element of a NumPy array fails inside NumPy, which cannot hold a tensor: say so."""
    try:
        yield
    except ValueError as error:
        if "setting an array element with a sequence" not in str(error):
            raise
        raise RuntimeError(
            "create_graph=True cannot follow this gradient: its generated code writes elements "
            "of a NumPy array (y[i] = ..., y[i] += ...), and a NumPy array cannot hold the "
            "recorded tensors. To take higher derivatives through the tape, build the array "
            "without element writes (numpy.stack, numpy.concatenate or whole-array expressions)") from None


@contextlib.contextmanager
def _generated_code(first_order=None):
    """Mark the nodes this thread records meanwhile as astgrad's (graph.GENERATED), and
    as reading what ``first_order`` says (second_order.py)."""
    GENERATED.depth += 1
    outer, GENERATED.first_order = GENERATED.first_order, first_order
    try:
        yield
    finally:
        GENERATED.depth -= 1
        GENERATED.first_order = outer


def _run(outputs, seeds, inputs, create_graph, ran):
    """[(tensor, gradient)] for every input (or leaf, when ``inputs`` is None) reached;
    the nodes the backward runs are added to ``ran`` (to be freed, freeing.py)."""
    tr = trace(outputs, inputs)
    targets = list(inputs) + tr.extra if inputs is not None else tr.leaves
    if not tr.reached:
        return []
    nodes = executed(tr)
    check_not_freed(nodes)
    ran.extend(nodes)
    if create_graph:
        for _, value in tr.reached:
            origin = leaf_origin(value) if isinstance(value, TensorBase) else None
            # an old value of a leaf updated in place since: the recorded gradient computes
            # from it and leads to the leaf (Builder.parameter), as PyTorch's from its saved
            # tensors; one changed through .data only is refused (PyTorch's mixes the two)
            if origin is not None and origin[0]._version == origin[1]:
                raise old_leaf_error()
    entry = _entry(tr)
    _last.entry = entry
    _last.backward = None
    if create_graph:
        args = [v for _, v in tr.reached]
        args += [c if isinstance(c, TensorBase) and c._rg else raw(c) for c in tr.consts]
        seed = seeds[0] if len(seeds) == 1 else AdjointList(seeds)
        seed = {seed_parameter(entry.adjoint): seed}
        first_order = second_order.first_order_of(tr, seeds)
        with enable_grad(), numpy_methods(), _element_writes_refused(), _generated_code(first_order):
            grads = entry.recording()(*args, **seed)   # methods mean what they do on arrays
            if has_nan([g._data if isinstance(g, TensorBase) else g for g in _as_list(grads, entry.n_wrt)]):
                grads = entry.zero_safe_recording()(*args, **seed)
    else:
        args = [v._data if isinstance(v, TensorBase) else v for _, v in tr.reached]
        args += [c._data if isinstance(c, TensorBase) else c for c in tr.consts]
        raw_seeds = [s._data if isinstance(s, TensorBase) else s for s in seeds]
        seed = raw_seeds[0] if len(raw_seeds) == 1 else AdjointList(raw_seeds)
        # without NumPy's floating-point warnings and errors, as PyTorch's backward (quiet.py)
        grads = quiet_call(_reusing, entry, tr, args, seed)
        if grads is None:
            grads = quiet_call(lambda: run_derivative(entry.adjoint, *args, **{entry.seed_name: seed}))
    if entry.n_wrt == 1:
        grads = (grads,)
    if create_graph:
        fixed = [(targets[i], _fix(g, targets[i])) for (i, _), g in zip(tr.reached, grads)]
        second_order.mark(first_order, [g for _, g in fixed])
        return fixed
    return [(targets[i], _fix_array(g, targets[i])) for (i, _), g in zip(tr.reached, grads)]


_SECOND = "second"      # Entry.backward after the first gradient


def _reusing(entry, tr, args, seed):
    """The gradients computed by the program's backward from the recorded forward values
    (reuse.py), or None where the full adjoint computes them: on the program's first
    gradient (the backward is made on its second) and where the values may be stale."""
    backward = entry.backward
    if backward is None:
        entry.backward = _SECOND
        return None
    if backward is _SECOND:
        backward = entry.backward = reuse.backward_for(entry, tr, args) or False
    if backward is False:
        return None
    values = reuse.given_values(backward, tr)
    grads = None if values is None else reuse.run(backward, args, values, entry.seed_name, seed)
    if grads is not None:
        _last.backward = backward
    return grads


@public
def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, as ``torch.autograd.grad``.

    ``outputs`` and ``inputs`` are tensors or sequences of tensors; the result is a
    tuple with one gradient per input. ``grad_outputs`` seeds non-scalar outputs
    (scalars default to 1). With ``create_graph=True`` the gradients are recorded
    too and can be differentiated again. As in PyTorch, a later call through a node
    that saved tensors (``x * y``, ``exp(x)``, not ``x + y`` or ``x.sum()``) raises unless
    this one passed ``retain_graph=True`` (the default is ``create_graph``).
    ``only_inputs`` is accepted for compatibility. ``is_grads_batched=True``: the first dimension of each ``grad_outputs``
    entry is a batch of seeds, and each gradient gets that dimension first.
    """
    if is_grads_batched:
        return batched(grad, outputs, inputs, grad_outputs, retain_graph=retain_graph, create_graph=create_graph,
                       allow_unused=allow_unused, materialize_grads=materialize_grads)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs, "outputs")
    inputs = _inputs(inputs)
    seeds = _seeds(outputs, grad_outputs)
    _check_outputs(outputs)
    for x in inputs:
        if not x._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    unique = list({id(x): x for x in inputs}.values())
    found = {}
    ran = []
    for t, g in _run(outputs, seeds, unique, create_graph, ran):    # a leaf and its old value: a sum
        found[id(t)] = g if id(t) not in found else found[id(t)] + g
    for t, g in _retained_pairs(outputs, seeds, unique, found, create_graph, ran):
        _accumulate(t, g, create_graph)
    if not (create_graph if retain_graph is None else retain_graph):
        free(ran)
    result = []
    for i, x in enumerate(inputs):
        g = found.get(id(x))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used "
                                   "in the graph. Set allow_unused=True if this is the desired behavior.")
            if materialize_grads:
                g = make_tensor(numpy.zeros_like(x._data), None, bool(create_graph))
        result.append(g)
    return tuple(result)


def _inputs(inputs):
    """``grad``'s inputs as a non-empty tuple of tensors (PyTorch's errors otherwise)."""
    items = (inputs,) if isinstance(inputs, TensorBase) else tuple(inputs)
    for v in items:
        if not isinstance(v, TensorBase):
            raise RuntimeError(f"all inputs have to be Tensors or GradientEdges, but got {type(v).__name__}")
    if not items:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    return items


@public
def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of ``tensors`` into ``.grad`` of the leaves that require
    grad (or of ``inputs``), as ``torch.autograd.backward``."""
    outputs = _as_tuple(tensors, "tensors")
    seeds = _seeds(outputs, grad_tensors)
    _check_outputs(outputs)
    if inputs is not None:
        inputs = _as_tuple(inputs, "inputs")
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for x in inputs:
            if not x._rg:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
        inputs = list({id(x): x for x in inputs}.values())
    ran = []
    pairs = _run(outputs, seeds, inputs, create_graph, ran)
    pairs += _retained_pairs(outputs, seeds, inputs, {}, create_graph, ran)    # inputs: in pairs
    if not (create_graph if retain_graph is None else retain_graph):
        free(ran)
    for target, g in pairs:
        # a leaf set to not require grad since it was used keeps its .grad
        if target._rg or target.retains_grad:
            _accumulate(target, g, create_graph)


def _retained_pairs(outputs, seeds, inputs, found, create_graph, ran):
    """[(tensor, gradient)] for the non-leaf tensors that retain their gradient and that
    this pass runs through, as PyTorch's retain_grad hook fires in ``grad`` and ``backward``
    alike: with ``inputs`` None, every one the outputs depend on; else those that lead to
    an input, and the inputs among them whose gradients are in ``found`` (by id)."""
    kept = [y for y in retained() if y._node is not None]
    if not kept:
        return []
    if inputs is None:
        return _owners(_run(outputs, seeds, kept, create_graph, ran))
    pairs = [(y, found[id(y)]) for y in kept if id(y) in found]
    index = {id(x): i for i, x in enumerate(inputs)}
    memo = {}
    upstream = [y for y in kept if id(y) not in index and _reaches_input(y, index, memo)]
    return _owners(pairs + (_run(outputs, seeds, upstream, create_graph, ran) if upstream else []))


def _owners(pairs):
    """``pairs`` with the ghost of a tensor detached in place since it began to retain its
    gradient replaced by the tensor, whose ``.grad`` PyTorch's retain_grad fills."""
    return [(t._x.get("retained_for", t) if t._x else t, g) for t, g in pairs]


def _accumulate(target, g, create_graph):
    """Add gradient ``g`` into ``target.grad`` as PyTorch does. A leaf's ``.grad`` is added to
    in place (AccumulateGrad: a ``.grad`` held before sees the sum), except under
    ``create_graph``, where the sum is a new tensor with history. A non-leaf that retains
    its gradient always gets a new tensor (``grad + g``, as PyTorch's retain_grad hook),
    so a ``.grad`` held from an earlier backward keeps its values."""
    if target.grad is None:
        if not create_graph:
            target.grad = make_tensor(numpy.array(g._data), None, False)     # its own
        elif target.is_leaf:
            target.grad = g
        else:
            with enable_grad():     # a copy with history (CloneBackward0): g may be returned too
                target.grad = g.clone()
    elif create_graph or not target.is_leaf or target.retains_grad:
        with enable_grad() if create_graph else no_grad():
            target.grad = target.grad + g
    else:
        with no_grad():
            target.grad.add_(g)


# -- showing the generated code ------------------------------------------------------------------------

def adjoint_source(outputs, inputs=None):
    """The source of the adjoint that ``grad(outputs, inputs)`` runs (with
    ``inputs=None``: what ``outputs.backward()`` runs). Its parameters are the
    inputs x0, x1, ..., the constants c0, c1, ... and the output seed."""
    outputs = _as_tuple(outputs, "outputs")
    if inputs is not None:
        inputs = list({id(x): x for x in _as_tuple(inputs, "inputs")}.values())
    tr = trace(outputs, inputs)
    if not tr.reached:
        raise RuntimeError("the outputs do not depend on any input that requires grad")
    return _entry(tr).adjoint.source


def last_adjoint_source():
    """The source of the adjoint the most recent ``grad``/``backward`` call ran (None
    before the first call): the backward from the recorded values where it ran."""
    entry = getattr(_last, "entry", None)
    if entry is None:
        return None
    backward = getattr(_last, "backward", None)
    return entry.adjoint.source if backward is None else backward.function.source


def forward_source(node):
    """The recorded program computing ``node``'s tensor from its leaves, as source."""
    shell = make_tensor(numpy.empty(0), node, True)
    return emit(trace((shell,), None))[0]


set_source_renderer(forward_source)     # what node.source (grad_fn.source) shows
