"""Where complex values may flow in differentiated code, checked at generation time.

Most of astgrad's rules are written for real numbers. Complex values may come only
from numpy.fft, and pass only through operations whose rules follow the complex
convention (JAX's and autograd's: see rules/fft_rules.py): the transforms, ``+ - * /``,
a power with a constant exponent, indexing, sums and means, ``numpy.real``, ``imag``,
``conj`` and ``abs``. Anything else that meets a complex value, and any other way of
making one (a complex literal or dtype, ``cmath``, scipy.fft), is refused with an
error naming the line, instead of giving a derivative that silently drops an
imaginary part.
"""

import builtins
import sys

import gast
import numpy

from ..core import syntax as S
from ..core.functions import module_of
from ..core.missing import MISSING

# Functions that give complex results for real arguments.
# numpy.linalg.eig and eigvals are not among them: their results are real where every
# eigenvalue is, and their rules refuse complex eigenvalues when they run.
_COMPLEX_FUNCTIONS = {numpy.vectorize, numpy.roots}
_HEAP_TYPE = 1 << 9         # Py_TPFLAGS_HEAPTYPE: a class made by a class statement
_COMPLEX_MODULES = ("scipy.fft", "scipy.fftpack", "cmath", "numpy.lib.scimath",
                    "numpy.lib._scimath_impl", "numpy.emath")


def _describe(obj):
    module = module_of(obj) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or (
        f"a {type(obj).__name__}" if type(obj).__flags__ & _HEAP_TYPE else repr(obj))  # (not the user's __repr__)
    return f"{module}.{name}" if module and module != "builtins" else name


def makes_complex(obj):
    """Why calling or using ``obj`` yields complex values (a short phrase), or None."""
    if obj is builtins.complex:
        return "complex(...)"
    if isinstance(obj, type) and issubclass(obj, numpy.complexfloating):
        return f"the complex type {_describe(obj)}"
    if isinstance(obj, numpy.dtype) and obj.kind == "c":
        return f"the complex dtype {obj}"
    kind = type(obj)
    try:        # (not by a __hash__ of the user's, which may change something: a value of theirs is none)
        if callable(obj) and (not kind.__flags__ & _HEAP_TYPE or kind.__hash__ is object.__hash__) \
                and obj in _COMPLEX_FUNCTIONS:
            return f"{_describe(obj)}, whose results can be complex"
    except TypeError:       # unhashable
        pass
    if isinstance(obj, type(numpy)):
        return None         # a module (asked first: numpy's __getattr__ for __module__ imports warnings)
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and module.startswith(_COMPLEX_MODULES):
        return f"{_describe(obj)}, whose results are complex"
    return None


def _complex_dtype_string(node):
    if isinstance(node, gast.Constant) and isinstance(node.value, str):
        try:
            return numpy.dtype(node.value).kind == "c"
        except TypeError:
            return False
    return False


def refuse_complex(source, tree, local_names, nodes=None):
    """Raise a TransformError at the first place ``tree`` writes a complex number
    (``nodes``: ``tree``'s nodes in the order ``syntax.walk_nodes`` gives, if at hand)."""
    looked_up = {}      # a free dotted path -> what it means now (each looked up once)
    fft = False         # whether the code may use numpy.fft (see check_complex_flow)
    fft_names = {}      # an attribute, or (a name,) -> whether it may be a use of numpy.fft

    def meaning(path):
        key = tuple(path)
        if key not in looked_up:    # a look, not a dependency: data stays live
            looked_up[key] = source.resolve_path(path, depend=False)
        return looked_up[key]

    for node in S.walk_nodes(tree) if nodes is None else nodes:
        reason = None
        kind = type(node)
        if kind is gast.Constant and isinstance(node.value, complex):
            reason = f"the complex literal {node.value!r}"
        elif kind is gast.Name or kind is gast.Attribute:
            if not fft:
                key = node.attr if kind is gast.Attribute else (node.id,)
                if key not in fft_names:
                    fft_names[key] = _names_fft(node, local_names, meaning)
                fft = fft_names[key]
            path = S.dotted_path(node) if isinstance(node.ctx, gast.Load) else None
            if path and path[0] not in local_names:
                obj = meaning(path)
                if obj is not MISSING:
                    reason = makes_complex(obj)
        elif kind is gast.Call:
            reason = _complex_dtype_argument(node)
        if reason and reason.startswith("numpy.vectorize"):
            raise source.error(
                "astgrad cannot differentiate numpy.vectorize used this way: it follows np.vectorize(f, "
                "otypes=...) called where it is made (np.vectorize(f)(x, y)) or bound once to a name that is "
                "only called (vf = np.vectorize(f), then vf(x)), without excluded= or signature=; NumPy runs any other form out of its sight (and its "
                "results can be complex). Write it so, "
                "write the loop as a comprehension (np.array([f(v) for v in x])), or use NumPy's functions, "
                "which act element by element (np.sin(x) * w)", node, construct="numpy.vectorize")
        if reason:
            raise source.error(
                f"astgrad cannot differentiate complex numbers ({reason}): its derivatives are "
                "defined for real values only. Keep the real and imaginary parts in two real "
                "variables, or compute this part outside the differentiated function",
                node, construct="complex")
    if fft:
        check_complex_flow(source, tree, local_names, nodes)


def _complex_dtype_argument(call):
    """A complex dtype given as a string: ``dtype="complex128"``, ``x.astype("c16")``."""
    candidates = [kw.value for kw in call.keywords if kw.arg == "dtype"]
    if isinstance(call.func, gast.Attribute) and call.func.attr in ("astype", "dtype") and call.args:
        candidates.append(call.args[0])
    for value in candidates:
        if _complex_dtype_string(value):
            return f"the complex dtype {value.value!r}"
    return None


# -- where the complex results of numpy.fft may go ----------------------------------------

def _flow_tables():
    from .. import runtime
    fft = numpy.fft
    makers = {fft.fft, fft.ifft, fft.fft2, fft.ifft2, fft.fftn, fft.ifftn, fft.rfft, fft.rfft2,
              fft.rfftn, runtime.complex_transform, runtime.real_rfft} | _eigvals()
    # functions of complex values giving real ones
    realizing = {fft.irfft, fft.irfft2, fft.irfftn, numpy.real, numpy.imag, numpy.absolute,
                 runtime.real_irfft, runtime.rfft_transpose, runtime.abs_squared}
    # complex in, complex out; real in, real out (linear, or holomorphic)
    preserving = {fft.fft, fft.ifft, fft.fft2, fft.ifft2, fft.fftn, fft.ifftn, fft.fftshift,
                  fft.ifftshift, numpy.conjugate, numpy.sum, numpy.mean, numpy.add, numpy.subtract,
                  numpy.multiply, numpy.divide, numpy.negative, numpy.square, numpy.exp,
                  runtime.broadcast_like, runtime.unreduce, runtime.unindex,
                  runtime.complex_transform, runtime.zeros_like, runtime.in_place, runtime.abs_slope,
                  runtime.scale, runtime.over, runtime.abs_operand}     # * and / for derivatives (zero stays zero)
    # adjoints shaped like their second argument: complex only when it is
    like_second = {runtime.unbroadcast, runtime.complex_transpose, runtime.cast_like,
                   runtime.irfft_transpose, runtime.imag_adjoint, runtime.abs_slope_change,
                   runtime.eigvals_change}      # (differentiated once: its rules refuse, naming it)
    accepting = makers | realizing | preserving | like_second
    return makers, preserving, like_second, accepting


def _eigvals():
    """{scipy.linalg.eigvals} where the user's code has imported scipy.linalg, else {}: code
    calling it has imported it, and astgrad never imports an optional extra itself."""
    linalg = sys.modules.get("scipy.linalg")
    return set() if linalg is None else {linalg.eigvals}


_ALLOWED_OPERATORS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.USub, gast.UAdd)


class _ComplexFlow:
    """The names that may hold complex values (made by numpy.fft), and a refusal where
    one meets an operation whose rule is not written for complex values."""

    def __init__(self, source, local_names):
        self.source = source
        self.local_names = local_names
        self.complex = set()
        self.makers, self.preserving, self.like_second, self.accepting = _flow_tables()

    def refuse(self, node, what):
        raise self.source.error(
            f"astgrad differentiates complex values (from numpy.fft and scipy.linalg.eigvals) only through the "
            f"transforms, + - * /, a constant power, indexing, sum, mean, numpy.real, imag, "
            f"conj and abs; here one reaches {what}. Take numpy.real/numpy.imag/numpy.abs "
            "first, or compute this part outside the differentiated function",
            node, construct="complex")

    def resolve(self, func):
        path = S.dotted_path(func)
        if path is None or path[0] in self.local_names:
            return MISSING
        return self.source.resolve_path(path, depend=False)

    def kind(self, node):
        """Whether ``node`` may evaluate to a complex value; refuses complex values in
        places no rule for them exists."""
        if isinstance(node, gast.Name):
            return node.id in self.complex
        if isinstance(node, gast.Constant):
            return False
        if isinstance(node, gast.BinOp):
            left, right = self.kind(node.left), self.kind(node.right)
            if isinstance(node.op, gast.Pow) and left and not right and isinstance(node.right, gast.Constant):
                return True
            if (left or right) and not isinstance(node.op, _ALLOWED_OPERATORS):
                self.refuse(node, f"the operator {type(node.op).__name__}")
            return left or right
        if isinstance(node, gast.UnaryOp):
            inner = self.kind(node.operand)
            if inner and not isinstance(node.op, _ALLOWED_OPERATORS):
                self.refuse(node, f"the operator {type(node.op).__name__}")
            return inner
        if isinstance(node, gast.Subscript):
            if self.kind(node.slice):
                self.refuse(node, "an index")
            return self.kind(node.value)
        if isinstance(node, gast.Call):
            return self.call_kind(node)
        if isinstance(node, gast.Attribute):
            if self.kind(node.value) and node.attr not in ("shape", "ndim", "size", "dtype"):
                self.refuse(node, f"the attribute .{node.attr} (use numpy.real(...), numpy.imag(...))")
            return False
        if isinstance(node, (gast.Slice, gast.Tuple)) and isinstance(getattr(node, "ctx", gast.Load()), gast.Load):
            if any(self.kind(child) for child in S.child_nodes(node) if isinstance(child, gast.expr)):
                self.refuse(node, "a tuple or slice")
            return False
        for child in S.child_nodes(node):
            if isinstance(child, gast.expr) and self.kind(child):
                self.refuse(node, f"a {type(node).__name__}")
        return False

    def call_kind(self, call):
        obj = self.resolve(call.func)
        args = [self.kind(a) for a in call.args] + [self.kind(k.value) for k in call.keywords]
        if not isinstance(call.func, gast.Name) and not isinstance(call.func, gast.Attribute):
            self.kind(call.func)
        if obj is not MISSING and _in(obj, self.makers):
            if any(args) and obj in (numpy.fft.rfft, numpy.fft.rfft2, numpy.fft.rfftn):
                self.refuse(call, f"{_describe(obj)}, which takes real values")
            return True
        if any(args):
            if obj is MISSING or not _in(obj, self.accepting):
                self.refuse(call, _describe(obj) if obj is not MISSING else "a call")
            if _in(obj, self.like_second):
                return len(args) > 1 and args[1]
            return _in(obj, self.preserving)
        return False

    def statement(self, stmt):
        """Record the names a statement makes complex; True if it added one."""
        if isinstance(stmt, (gast.Assign, gast.AnnAssign, gast.AugAssign)) and stmt.value is not None:
            value = stmt.value
            if isinstance(stmt, gast.AugAssign):
                value = gast.BinOp(left=stmt.target, op=stmt.op, right=stmt.value)
                gast.copy_location(value, stmt)
            is_complex = self.kind(value)
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            if not is_complex:
                return False
            added = False
            for target in targets:
                if not isinstance(target, gast.Name):
                    self.refuse(stmt, "an assignment into an element, attribute or tuple")
                if target.id not in self.complex:
                    self.complex.add(target.id)
                    added = True
            return added
        if isinstance(stmt, gast.Return) and stmt.value is not None:
            if self.kind(stmt.value):
                self.refuse(stmt, "the function's result (return a real value)")
            return False
        for child in S.child_nodes(stmt):
            if isinstance(child, gast.expr) and self.kind(child):
                self.refuse(stmt, f"a {type(stmt).__name__} statement")
        return False


def _in(obj, table):
    try:
        return obj in table
    except TypeError:
        return False


_FFT_ATTRIBUTES = frozenset({"fft", "ifft", "rfft", "fft2", "ifft2", "fftn", "ifftn", "rfft2", "rfftn", "eigvals"})


# the helpers of generated code that make complex values (the makers of _flow_tables), and
# scipy.linalg.eigvals imported by name: the others (unbroadcast, unreduce, ...) make none, and code calling only those (any
# derivative differentiated again) has no complex value to follow
_RUNTIME_MAKERS = frozenset({"astgrad.runtime.complex_transform", "astgrad.runtime.real_rfft",
                             "scipy.linalg._decomp.eigvals"})


def _names_fft(node, local_names, meaning):
    """Whether the Name or Attribute ``node`` may be (part of) a use of numpy.fft:
    ``meaning(path)`` is what a free dotted path means now."""
    if isinstance(node, gast.Attribute):
        return node.attr in _FFT_ATTRIBUTES
    if node.id in local_names:
        return False
    obj = meaning([node.id])
    if obj is MISSING or not callable(obj) and not isinstance(obj, type(numpy)):
        return False        # (a value: no use of numpy.fft, and its repr may run the user's code)
    try:
        described = _describe(obj)
    except Exception:       # an object whose attributes raise (a closure's names): none of those
        return False
    return described.startswith("numpy.fft") or described in _RUNTIME_MAKERS


def _uses_fft(nodes, source, local_names):
    def meaning(path):
        return source.resolve_path(path, depend=False)
    return any(_names_fft(node, local_names, meaning) for node in nodes
               if isinstance(node, (gast.Name, gast.Attribute)))


def check_complex_flow(source, tree, local_names, nodes=None):
    """Raise a TransformError where a complex value made by numpy.fft meets an operation
    whose rule is not written for complex values (see the module docstring).
    ``nodes``: ``S.all_nodes(tree)``, when the caller has it."""
    nodes = S.all_nodes(tree) if nodes is None else nodes
    if not _uses_fft(nodes, source, local_names):
        return
    flow = _ComplexFlow(source, local_names)
    statements = [node for node in nodes if isinstance(node, gast.stmt)
                  and not isinstance(node, (gast.FunctionDef, gast.If, gast.For, gast.While, gast.With, gast.Try))]
    while any([flow.statement(stmt) for stmt in statements]):
        pass
