"""The rule table as a whole, the runtime helpers, and every tangent template.

* Every primitive with an adjoint rule has a tangent rule and vice versa, and every
  function a template calls has rules itself (closed vocabulary), so generated code
  can be differentiated again.
* Forward mode does not exist yet, so each tangent template is evaluated directly
  (tests/rule_harness.py) on one or more calls and compared with a central finite
  difference (fd.numerical_jvp); the adjoint template of the same call must be its
  transpose: <c, tangent(t)> == <adjoint(c), t> (this also checks the runtime helpers'
  adjoints, which first-order gradients never run).
* Unit tests of the helpers themselves.
"""

import builtins
import inspect
import math
import numbers
import operator

import gast
import numpy as np
import pytest

import logging  # noqa: F401  (astgrad registers the rules of logging and numpy.polynomial
import numpy.polynomial  # noqa: F401  once the program has imported them: all of the table here)

import astgrad  # noqa: F401  (registers the rules)
from astgrad import runtime as rt
from astgrad.rules import registry
from astgrad.runtime_objects import deleted_attribute
from astgrad.rules.optional import load_imported
from fd import assert_close, needs_real_eig, numerical_jvp
from rule_harness import as_callable, inner, run_adjoint, run_tangent

RNG = np.random.default_rng(3)
TRAPEZOID = [getattr(np, name) for name in ("trapezoid", "trapz") if hasattr(np, name)]


def N(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def P(*shape):
    return float(RNG.uniform(0.5, 2.0)) if not shape else RNG.uniform(0.5, 2.0, shape)


def U(*shape):
    return float(RNG.uniform(-0.8, 0.8)) if not shape else RNG.uniform(-0.8, 0.8, shape)


def A(*shape):
    """|x| in [0.3, 2] with random signs: away from kinks at 0."""
    x = RNG.uniform(0.3, 2.0, shape) * RNG.choice([-1.0, 1.0], size=shape)
    return float(x) if not shape else x


def with_nan(*shape):
    """Normal numbers with a NaN in about one place in four (each row and column keeps
    two numbers, so ddof=1 has a degree of freedom: the first two rows and columns have none)."""
    x = RNG.standard_normal(shape)
    first = np.zeros(shape, dtype=bool)
    first[..., :2] = True
    if len(shape) > 1:
        first[..., :2, :] = True
    x[(RNG.uniform(size=shape) < 0.25) & ~first] = np.nan
    return x


def M(n, *batch):
    return RNG.standard_normal(batch + (n, n)) * 0.3 + 2.0 * np.eye(n)


# ---------------------------------------------------------------------------------
# the table is complete and closed
# ---------------------------------------------------------------------------------

def _builtin(table):
    """The keys of astgrad's own rules (other tests register user rules too)."""
    return {key for key, template in table.items() if template.fn.__module__.startswith("astgrad.")}


def test_every_adjoint_has_a_tangent_and_vice_versa():
    adjoints, tangents = _builtin(registry.ADJOINTS), _builtin(registry.TANGENTS)
    missing_tangent = sorted(registry.describe(k) for k in adjoints - tangents)
    missing_adjoint = sorted(registry.describe(k) for k in tangents - adjoints)
    assert not missing_tangent, f"adjoint rules without a tangent rule: {missing_tangent}"
    assert not missing_adjoint, f"tangent rules without an adjoint rule: {missing_adjoint}"


def test_no_primitive_is_both_differentiable_and_not():
    both = set(registry.ADJOINTS) & set(registry.NON_DIFFERENTIABLE)
    assert not both, sorted(registry.describe(k) for k in both)


_OPERATORS = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul, gast.Div: operator.truediv,
    gast.Pow: operator.pow, gast.MatMult: operator.matmul, gast.Mod: operator.mod,
    gast.USub: operator.neg, gast.UAdd: operator.pos,
}
_MISSING = object()


def _has_rules(obj):
    key = registry.rule_key(obj)
    return key in registry.NON_DIFFERENTIABLE or (key in registry.ADJOINTS and key in registry.TANGENTS)


def _problems(template):
    params = set(template.param_names)
    local = set()
    for stmt in template.body:
        if registry.derivative_target(stmt) is None:
            for node in gast.walk(stmt):
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                    local.add(node.id)
    found = []
    for stmt in template.body:
        target = registry.derivative_target(stmt)
        if target is not None and target not in params:
            found.append(f"d[{target}] names no parameter")
        for node in gast.walk(stmt):
            if isinstance(node, gast.Subscript) and registry.derivative_ref(node) is None:
                if not _has_rules(operator.getitem):
                    found.append("indexing")
            if isinstance(node, (gast.BinOp, gast.UnaryOp)):
                op = _OPERATORS.get(type(node.op))
                if op is None or not _has_rules(op):
                    found.append(f"operator {type(node.op).__name__}")
            if isinstance(node, (gast.BoolOp, gast.IfExp, gast.Lambda, gast.ListComp, gast.GeneratorExp)):
                found.append(f"{type(node).__name__} (not a core operation)")
            if isinstance(node, gast.Call):
                path = []
                func = node.func
                while isinstance(func, gast.Attribute):
                    path.insert(0, func.attr)
                    func = func.value
                if not isinstance(func, gast.Name):
                    found.append("a call of a computed function")
                    continue
                path.insert(0, func.id)
                if path[0] in params or path[0] in local:
                    found.append(f"method call {'.'.join(path)}() (use a function with rules)")
                    continue
                obj = template.globals.get(path[0], getattr(builtins, path[0], _MISSING))
                for part in path[1:]:
                    obj = getattr(obj, part, _MISSING)
                if obj is _MISSING:
                    found.append(f"unknown name {'.'.join(path)}")
                elif not _has_rules(obj):
                    found.append(f"{'.'.join(path)} has no adjoint+tangent rules")
    for p in template.signature.parameters.values():
        default = p.default
        if default is inspect.Parameter.empty:
            continue
        simple = default is None or isinstance(default, (bool, int, float, str)) or (
            isinstance(default, tuple) and all(v is None or isinstance(v, (bool, int, float, str)) for v in default))
        if not simple:
            found.append(f"default {p.name}={default!r} is not a simple constant")
    return found


def test_templates_only_call_functions_with_rules():
    """Closed vocabulary: grad(grad(f)) differentiates the templates' own calls."""
    problems = {}
    for table in (registry.ADJOINTS, registry.TANGENTS):
        for key, template in table.items():
            if not template.fn.__module__.startswith("astgrad."):
                continue
            found = _problems(template)
            if found:
                problems[f"{template.kind} {registry.describe(key)}"] = sorted(set(found))
    assert not problems, "\n".join(f"{k}: {v}" for k, v in sorted(problems.items()))


def test_tangent_terms_mention_exactly_one_input_tangent():
    for key, template in registry.TANGENTS.items():
        if not template.fn.__module__.startswith("astgrad."):
            continue
        for stmt in template.body:
            if registry.derivative_target(stmt) is None:
                refs = [registry.derivative_ref(n) for n in gast.walk(stmt) if registry.derivative_ref(n)]
                assert not refs, f"{registry.describe(key)}: a temporary uses a derivative"
                continue
            refs = [registry.derivative_ref(n) for n in gast.walk(stmt.value) if registry.derivative_ref(n)]
            assert len(refs) == 1 and refs[0] != template.result, \
                f"tangent of {registry.describe(key)}: a term must mention exactly one input tangent, got {refs}"


def test_adjoint_statements_are_self_contained():
    """A statement d[x] = e may be dropped, so temporaries never depend on d[...] of an input."""
    for key, template in registry.ADJOINTS.items():
        for stmt in template.body:
            if registry.derivative_target(stmt) is None:
                refs = {registry.derivative_ref(n) for n in gast.walk(stmt) if registry.derivative_ref(n)}
                assert refs <= {template.result}, f"{registry.describe(key)}: temporary uses {refs}"


# ---------------------------------------------------------------------------------
# every tangent template against finite differences, every adjoint as its transpose
# ---------------------------------------------------------------------------------

def _float_leaf(v):
    return (isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f"))


def _differentiable(v):
    if isinstance(v, (list, tuple)):
        return len(v) > 0 and all(_differentiable(item) for item in v)
    return _float_leaf(v)


def _random_like(v):
    if isinstance(v, (list, tuple)):
        return [_random_like(item) for item in v]
    return N(*np.shape(v)) if isinstance(v, np.ndarray) else N()


def _leaves(v):
    if isinstance(v, (list, tuple)):
        return [leaf for item in v for leaf in _leaves(item)]
    return [v]


def _rebuild(v, leaves):
    if isinstance(v, (list, tuple)):
        return type(v)(_rebuild(item, leaves) for item in v)
    return leaves.pop(0)


# integers, so finite differences leave them alone: 3 unique values, first at 1, 0, 3
_DISTINCT = np.array([3, -1, 3, 2, -1])
_ITEMS = (1, -1, 3)     # what max/min chose from (ints, left alone by finite differences)

# (primitive, args, kwargs); args are built lazily so each case has fresh numbers.
CASES = [
    # operators
    (operator.add, lambda: (N(3, 4), N(4)), {}), (operator.sub, lambda: (N(3, 1), N(4)), {}),
    (operator.mul, lambda: (N(3, 4), N(4)), {}), (operator.truediv, lambda: (N(3, 4), A(3, 1)), {}),
    (operator.pow, lambda: (P(3, 4), N(4)), {}), (operator.pow, lambda: (P(), N(3)), {}),
    (operator.matmul, lambda: (N(2, 3), N(3, 4)), {}), (operator.matmul, lambda: (N(3), N(5, 3, 4)), {}),
    (operator.mod, lambda: (P(3), P(3) + 1.0), {}), (operator.neg, lambda: (N(3),), {}),
    (operator.pos, lambda: (N(),), {}), (operator.getitem, lambda: (N(4, 3), (slice(None, None, 2), [0, 0, 1])), {}),
    (operator.getitem, lambda: ([N(), N(2)], 1), {}),
    # math
    (math.sin, lambda: (N(),), {}), (math.cos, lambda: (N(),), {}), (math.tan, lambda: (U(),), {}),
    (math.asin, lambda: (U(),), {}), (math.acos, lambda: (U(),), {}), (math.atan, lambda: (N(),), {}),
    (math.atan2, lambda: (N(), P()), {}), (math.sinh, lambda: (N(),), {}), (math.cosh, lambda: (N(),), {}),
    (math.tanh, lambda: (N(),), {}), (math.exp, lambda: (N(),), {}), (math.expm1, lambda: (N(),), {}),
    (math.log, lambda: (P(),), {}), (math.log, lambda: (P(), P() + 1.0), {}), (math.log1p, lambda: (P(),), {}),
    (math.log2, lambda: (P(),), {}), (math.log10, lambda: (P(),), {}), (math.sqrt, lambda: (P(),), {}),
    (math.pow, lambda: (P(), N()), {}), (math.hypot, lambda: (A(), A()), {}), (math.fabs, lambda: (A(),), {}),
    # builtins
    (builtins.abs, lambda: (A(3),), {}), (builtins.max, lambda: (N(), N()), {}),
    (builtins.min, lambda: (N(), N()), {}), (builtins.max, lambda: ([N(), N(), N()],), {}),
    (builtins.max, lambda: (N(), N(), N()), {}), (builtins.min, lambda: ((N(), N()),), {"key": abs}),
    (builtins.max, lambda: (N(4),), {}), (builtins.sum, lambda: ([N(3), N(3), N(1)],), {}),
    (builtins.pow, lambda: (P(3, 4), N(4)), {}), (builtins.pow, lambda: (P(), N()), {}),
    (np.ndarray.item, lambda: (N(1, 1),), {}), (np.ndarray.item, lambda: (N(1),), {}),
    (builtins.sum, lambda: (N(3, 4),), {}), (builtins.sum, lambda: ([N(), N()], N()), {}),
    (builtins.float, lambda: (N(),), {}),
    # numpy elementwise
    (np.sin, lambda: (N(3),), {}), (np.cos, lambda: (N(3),), {}), (np.tan, lambda: (U(3),), {}),
    (np.arcsin, lambda: (U(3),), {}), (np.arccos, lambda: (U(3),), {}), (np.arctan, lambda: (N(3),), {}),
    (np.sinh, lambda: (N(3),), {}), (np.cosh, lambda: (N(3),), {}), (np.tanh, lambda: (N(3),), {}),
    (np.arcsinh, lambda: (N(3),), {}), (np.arccosh, lambda: (P(3) + 1.0,), {}), (np.arctanh, lambda: (U(3),), {}),
    (np.exp, lambda: (N(3),), {}), (np.expm1, lambda: (N(3),), {}), (np.exp2, lambda: (N(3),), {}),
    (np.log, lambda: (P(3),), {}), (np.log1p, lambda: (P(3),), {}), (np.log2, lambda: (P(3),), {}),
    (np.log10, lambda: (P(3),), {}), (np.sqrt, lambda: (P(3),), {}), (np.cbrt, lambda: (A(3),), {}),
    (np.square, lambda: (N(3),), {}), (np.absolute, lambda: (A(3),), {}), (np.fabs, lambda: (A(3),), {}),
    (np.negative, lambda: (N(3),), {}), (np.positive, lambda: (N(3),), {}),
    (np.reciprocal, lambda: (A(3),), {}),
    (np.add, lambda: (N(3, 1), N(4)), {}), (np.subtract, lambda: (N(), N(3)), {}),
    (np.multiply, lambda: (N(3, 4), N(4)), {}), (np.divide, lambda: (N(4), A(3, 1)), {}),
    (np.power, lambda: (P(3, 4), N(4)), {}), (np.arctan2, lambda: (N(3, 4), A(4)), {}),
    (np.ldexp, lambda: (N(3), np.array([1, -2, 0])), {}), (math.ldexp, lambda: (N(), 3), {}),
    (np.angle, lambda: (N(3),), {}), (rt.positive_base, lambda: (P(3), N(3)), {}),
    (rt.abs_slope, lambda: (A(3),), {}), (rt.abs_operand, lambda: (A(3),), {}),
    (rt.abs_slope_change, lambda: (N(3), A(3)), {}),
    (rt.abs_squared, lambda: (N(3),), {}), (rt.abs_squared, lambda: (N(),), {"of_array": True}),
    (np.hypot, lambda: (A(3, 1), A(4)), {}), (np.remainder, lambda: (P(3), P(3) + 1.0), {}),
    (np.maximum, lambda: (N(3, 4), N(4)), {}), (np.minimum, lambda: (N(3, 1), N(4)), {}),
    (np.logaddexp, lambda: (N(3, 4), N(4)), {}), (np.logaddexp2, lambda: (N(3, 1), N(4)), {}),
    (np.where, lambda: (N(3, 4) > 0, N(3, 4), N(4)), {}),
    (np.clip, lambda: (N(3, 4), N(4) - 0.5, N(3, 1) + 0.5), {}), (np.clip, lambda: (N(3, 4), None, 0.2), {}),
    # reductions
    (np.sum, lambda: (N(2, 3, 4),), {"axis": (0, 2)}), (np.sum, lambda: (N(2, 3),), {"keepdims": True}),
    (np.mean, lambda: (N(2, 3, 4),), {"axis": 1}), (np.prod, lambda: (N(2, 3, 4),), {"axis": -1}),
    (np.prod, lambda: (N(3, 4),), {"axis": None, "keepdims": True}),
    (np.max, lambda: (N(3, 4),), {"axis": 0}), (np.min, lambda: (N(3, 4),), {"axis": 1, "keepdims": True}),
    (np.amax, lambda: (N(3, 4),), {}), (np.amin, lambda: (N(3, 4),), {"axis": -1}),
    (np.var, lambda: (N(3, 4),), {"axis": 1, "ddof": 1}), (np.std, lambda: (N(3, 4),), {"axis": 0}),
    (np.cumsum, lambda: (N(3, 4),), {"axis": 1}), (np.cumsum, lambda: (N(3, 4),), {}),
    # reductions and statistics (reduction_rules.py); weights, q, prepend passed positionally
    (np.average, lambda: (N(3, 4), 1, P(4)), {}), (np.average, lambda: (N(2, 3, 4), (2, 0), P(4, 2)), {}),
    (np.average, lambda: (N(3, 4), None, P(3, 4)), {"keepdims": True}), (np.average, lambda: (N(3, 4),), {}),
    (np.ptp, lambda: (N(3, 4),), {"axis": 1}), (np.diff, lambda: (N(3, 4),), {}),
    (np.diff, lambda: (N(3, 4), 2, 0, N(1, 4), N()), {}), (np.gradient, lambda: (N(4, 5),), {}),
    (np.gradient, lambda: (N(5), 2), {"edge_order": 2}), (np.cumprod, lambda: (N(2, 3, 4),), {"axis": 1}),
    (np.cumprod, lambda: (N(3, 4),), {}), (np.ndarray.cumprod, lambda: (N(3, 4), 0), {}),
    (np.sort, lambda: (N(3, 4),), {}), (np.sort, lambda: (N(3, 4), None), {}),
    (np.partition, lambda: (N(6), 2), {}), (np.partition, lambda: (N(5, 3), 1, 0), {}),
    (np.median, lambda: (N(3, 4),), {"axis": 0}), (np.median, lambda: (N(4, 3),), {"axis": 0}),
    (np.quantile, lambda: (N(3, 5), 0.3 + 0.075 * P()), {"axis": 1}),  # knots at k / 4
    (np.quantile, lambda: (N(3, 5), np.array([0.12, 0.61, 0.93])), {"keepdims": True}),
    (np.percentile, lambda: (N(4, 3), 40.0 + 5.0 * P()), {"axis": 0}),  # knots at 100 k / 3
    (np.nansum, lambda: (with_nan(3, 4),), {"axis": 1}), (np.nanmean, lambda: (with_nan(3, 4),), {"axis": 0}),
    (np.nanprod, lambda: (with_nan(3, 4),), {}), (np.nanmax, lambda: (with_nan(3, 4),), {"axis": 1}),
    (np.nanmin, lambda: (with_nan(3, 4),), {"keepdims": True}),
    (np.nanvar, lambda: (with_nan(3, 4),), {"axis": 1, "ddof": 1}), (np.nanstd, lambda: (with_nan(3, 4),), {}),
    (np.nancumsum, lambda: (with_nan(3, 4),), {"axis": 0}), (np.nancumprod, lambda: (with_nan(3, 4),), {}),
    # linear algebra
    (np.matmul, lambda: (N(5, 2, 3), N(3)), {}), (np.dot, lambda: (N(2, 3), N(4, 3, 5)), {}),
    (np.dot, lambda: (N(), N(3)), {}), (np.inner, lambda: (N(2, 3), N(4, 3)), {}),
    (np.outer, lambda: (N(3), N(2, 2)), {}),
    (np.einsum, lambda: ("ij,jk->ik", N(2, 3), N(3, 4)), {}), (np.einsum, lambda: ("ii->i", N(3, 3)), {}),
    (np.einsum, lambda: ("...i,...i", N(1, 3), N(2, 3)), {}),
    (np.einsum, lambda: ("ij,jk,kl->il", N(2, 3), N(3, 4), N(4, 2)), {}),
    (np.trace, lambda: (N(3, 4),), {"offset": 1}), (np.trace, lambda: (N(2, 3, 3),), {"axis1": 1, "axis2": 2}),
    (np.linalg.inv, lambda: (M(3),), {}), (np.linalg.det, lambda: (M(3, 2),), {}),
    (np.linalg.solve, lambda: (M(3), N(3)), {}), (np.linalg.solve, lambda: (M(3), N(3, 2)), {}),
    (np.linalg.norm, lambda: (N(3, 4),), {}), (np.linalg.norm, lambda: (N(3, 4),), {"axis": 1, "keepdims": True}),
    # shapes
    (np.reshape, lambda: (N(3, 4), (2, 6)), {}), (np.ravel, lambda: (N(3, 4),), {}),
    (np.transpose, lambda: (N(2, 3, 4), (2, 0, 1)), {}), (np.swapaxes, lambda: (N(2, 3, 4), 0, 2), {}),
    (np.moveaxis, lambda: (N(2, 3, 4), 0, -1), {}), (np.expand_dims, lambda: (N(3, 4), (0, 2)), {}),
    (np.squeeze, lambda: (N(3, 1),), {}), (np.broadcast_to, lambda: (N(3, 1), (2, 3, 4)), {}),
    (np.flip, lambda: (N(3, 4), 0), {}),
    (np.concatenate, lambda: ([N(2, 3), N(1, 3)],), {}), (np.concatenate, lambda: ([N(2, 3), N(4)],), {"axis": None}),
    (np.stack, lambda: ([N(2, 3), N(2, 3)],), {"axis": 1}),
    # constructors and conversions
    (np.array, lambda: ([N(), N(), N()],), {}), (np.array, lambda: ([[N(), N()], [N(), N()]],), {}),
    (np.array, lambda: (N(3),), {"ndmin": 2}), (np.asarray, lambda: ([N(2), N(2)],), {}),
    (np.full, lambda: ((2, 3), N()), {}), (np.full_like, lambda: (N(3), N()), {}),
    (np.linspace, lambda: (N(), N(), 5), {}), (np.linspace, lambda: (N(2), N(2), 4), {"endpoint": False}),
    (np.arange, lambda: (0.25, 2.0, 0.5 + 0.1 * P()), {}), (np.float64, lambda: (N(),), {}),
    (np.copy, lambda: (N(3),), {}),
    (np.ascontiguousarray, lambda: (N(3, 4).T,), {}), (np.ascontiguousarray, lambda: (N(),), {}),
    (np.asfortranarray, lambda: (N(3, 4),), {}), (np.asfortranarray, lambda: ([N(), N()],), {}),
    (np.require, lambda: (N(3, 4),), {}),
    # ndarray methods and attributes
    (np.ndarray.sum, lambda: (N(3, 4), 1), {}), (np.ndarray.mean, lambda: (N(3, 4),), {"keepdims": True}),
    (np.ndarray.prod, lambda: (N(3, 4), 0), {}), (np.ndarray.max, lambda: (N(3, 4),), {"axis": 1}),
    (np.ndarray.min, lambda: (N(3, 4),), {}), (np.ndarray.var, lambda: (N(3, 4),), {"ddof": 1}),
    (np.ndarray.var, lambda: (N(3, 4), (0, 1)), {"ddof": 2}),
    (np.ndarray.std, lambda: (N(3, 4), 1), {}), (np.ndarray.cumsum, lambda: (N(3, 4), 0), {}),
    (np.ndarray.reshape, lambda: (N(3, 4), 2, 6), {}), (np.ndarray.reshape, lambda: (N(3, 4), (12,)), {}),
    (np.ndarray.transpose, lambda: (N(2, 3, 4),), {}), (np.ndarray.transpose, lambda: (N(2, 3, 4), 1, 2, 0), {}),
    (np.ndarray.T, lambda: (N(3, 4),), {}), (np.ndarray.mT, lambda: (N(2, 3, 4),), {}),
    (rt.flat_not_held, lambda: (N(3), "f.py:1"), {}), (rt.flat_read_once, lambda: (N(6),), {}), (np.ndarray.dot, lambda: (N(2, 3), N(3)), {}),
    (np.ndarray.trace, lambda: (N(3, 3),), {}), (np.ndarray.ravel, lambda: (N(3, 4),), {}),
    (np.ndarray.flatten, lambda: (N(3, 4),), {}), (np.ndarray.squeeze, lambda: (N(1, 3),), {}),
    (np.ndarray.swapaxes, lambda: (N(2, 3), 0, 1), {}), (np.ndarray.copy, lambda: (N(3),), {}),
    (np.ndarray.astype, lambda: (N(3), np.float64), {}),
    (np.ndarray.clip, lambda: (N(3, 4), N(4) - 0.5, N(3, 1) + 0.5), {}),
    # numpy.unique of distinct values (a tie is a kink), and the interleaved einsum form
    (np.heaviside, lambda: (np.array([0, 1, -2, 0]), N(4)), {}),     # x1 == 0 picks x2
    (np.unique, lambda: (N(5),), {}), (np.unique, lambda: (N(4, 3),), {"axis": 0}),
    (np.einsum, lambda: (N(2, 3), [0, 1], N(3, 4), [1, 2], [0, 2]), {}),
    (np.einsum, lambda: (N(2, 3), [0, Ellipsis], N(3), [Ellipsis]), {}),
    # elementwise functions declared by their derivative (numpy_rules.py, math_rules.py)
    (math.asinh, lambda: (N(),), {}), (math.acosh, lambda: (P() + 1.0,), {}), (math.atanh, lambda: (U(),), {}),
    (math.copysign, lambda: (A(), A()), {}), (math.degrees, lambda: (N(),), {}),
    (math.radians, lambda: (N(),), {}), (math.erf, lambda: (N(),), {}), (math.erfc, lambda: (N(),), {}),
    (math.lgamma, lambda: (P(),), {}), (math.lgamma, lambda: (-1.5 + 0.3 * U(),), {}),
    (math.gamma, lambda: (P(),), {}), (math.gamma, lambda: (-0.5 + 0.3 * U(),), {}),
    (math.fsum, lambda: ([N(), N(), N()],), {}), (math.prod, lambda: ([N(), N(), N()],), {}),
    (math.prod, lambda: ((N(), 0.0, N()),), {"start": N()}),
    (math.hypot, lambda: (A(), A(), A()), {}), (math.hypot, lambda: (A(),), {}),
    (rt.hypot_of, lambda: ([A(), A(), A()],), {}), (rt.hypot_of, lambda: (N(4),), {}),
    (math.dist, lambda: ([N(), N(), N()], (N(), N(), N())), {}), (math.dist, lambda: (N(2), N(2)), {}),
    (math.fmod, lambda: (-2.5 + 0.1 * U(), 1.0 + 0.1 * U()), {}),          # quotients away from integers
    (math.remainder, lambda: (2.0 + 0.1 * U(), 1.0 + 0.1 * U()), {}),
    (math.modf, lambda: (3.5 + 0.5 * U(),), {}), (math.frexp, lambda: (-5.0 - U(),), {}),
    (math.nextafter, lambda: (N(), N()), {}),
    *([(math.exp2, lambda: (N(),), {})] if hasattr(math, "exp2") else []),     # Python 3.11
    (np.conjugate, lambda: (N(3),), {}), (np.ndarray.conj, lambda: (N(3),), {}),
    (np.ndarray.conjugate, lambda: (N(2, 2),), {}), (np.real, lambda: (N(3),), {}),
    (np.ndarray.real, lambda: (N(3),), {}), (np.copysign, lambda: (A(3, 4), A(4)), {}),
    (np.deg2rad, lambda: (N(3),), {}), (np.radians, lambda: (N(3),), {}), (np.rad2deg, lambda: (N(3),), {}),
    (np.degrees, lambda: (N(3),), {}), (np.float_power, lambda: (P(3, 4), N(4)), {}),
    (np.fmax, lambda: (N(3, 4), N(4)), {}), (np.fmin, lambda: (N(3, 1), N(4)), {}),
    (np.fmod, lambda: ((2.5 + 0.1 * U(3)) * np.array([1.0, -1.0, 1.0]), 1.0 + 0.1 * U(3)), {}),
    (np.modf, lambda: (np.array([3.5, -1.5, 0.5]) + 0.4 * U(3),), {}),     # fractional parts away from 0 and 1
    (np.frexp, lambda: (np.array([-5.0, 0.3, 1.5]) * (1.0 + 0.1 * U(3)),), {}),     # away from powers of two
    (np.nextafter, lambda: (N(3, 4), N(4)), {}),
    (np.i0, lambda: (N(3),), {}), (np.nan_to_num, lambda: (N(3),), {}),
    (np.nan_to_num, lambda: (np.array([1.0, np.nan, np.inf, -np.inf]), True, N(), N(), N()), {}),
    (np.sinc, lambda: (N(3),), {}), (np.sinc, lambda: (U(3) * 0.002,), {}),
    (rt.polygamma, lambda: (0, P(3)), {}), (rt.polygamma, lambda: (1, -1.5 + 0.3 * U(3)), {}),
    (rt.polygamma, lambda: (2, P() * 8.0), {}),
    (rt.bessel_i, lambda: (0, N(3)), {}), (rt.bessel_i, lambda: (1, N(3) * 3.0), {}),
    (rt.bessel_i, lambda: (2, N()), {}),
    (rt.lgamma, lambda: (P(3),), {}), (rt.lgamma, lambda: (-1.5 + 0.3 * U(3),), {}),
    (rt.erfinv, lambda: (0.9 * np.tanh(N(3)),), {}), (rt.erfinv, lambda: (1.0 - 1e-3 * P(3),), {}),
    (rt.bessel_ie, lambda: (0, N(3)), {}), (rt.bessel_ie, lambda: (1, N(3) * 3.0), {}),
    (rt.bessel_ie, lambda: (1, 30.0 + P(3) * 5.0), {}),      # past the switch to the asymptotic series
    (rt.entr, lambda: (P(3),), {}), (rt.entr_slope, lambda: (P(3),), {}),
    # the tape's activations
    (rt.sigmoid, lambda: (N(3),), {}),
    (rt.softmax, lambda: (N(2, 3),), {"axis": 0}), (rt.softmax, lambda: (N(4),), {}),
    (rt.to_copy, lambda: (N(2, 3), np.float64), {}),
    (rt.log_softmax, lambda: (N(2, 3), 1), {}), (rt.log_softmax, lambda: (N(3, 2, 2),), {"axis": (0, 2)}),
    (np.maximum.reduce, lambda: (N(3, 4),), {}), (np.minimum.reduce, lambda: (N(3, 4), 1, None, None, True), {}),
    (np.add.reduce, lambda: (N(3, 4),), {"axis": -1}), (np.multiply.reduce, lambda: (N(4),), {}),
    (np.divmod, lambda: (np.array([1.3, -0.2, 2.6]), P(3)), {}), (builtins.divmod, lambda: (2.7, 0.8), {}),
    # numpy.sign of real values (complex ones: tests/test_rules_misc.py)
    (np.sign, lambda: (A(3, 4),), {}), (rt.sign_change, lambda: (N(3), A(3)), {}),
    (rt.sign_change_adjoint, lambda: (N(3), A(3)), {}),
    # functions of sampled data and their helpers (sampled_rules.py)
    *[(trapezoid, lambda: (N(3, 5),), {}) for trapezoid in TRAPEZOID],
    *[(trapezoid, lambda: (N(5, 2), np.cumsum(P(5))), {"axis": 0}) for trapezoid in TRAPEZOID],
    *[(trapezoid, lambda: (N(2, 4), np.cumsum(P(2, 4), axis=1)), {}) for trapezoid in TRAPEZOID],
    *[(trapezoid, lambda: (N(2, 4), None, P(2, 1)), {}) for trapezoid in TRAPEZOID],
    (rt.trapezoid_spacing, lambda: (N(4), N(2, 4)), {}), (rt.trapezoid_spacing, lambda: (N(3, 4), N(3, 4), 0), {}),
    (rt.trapezoid_spacing, lambda: (None, N(3, 4), -1, P(3, 1)), {}),
    (rt.trapezoid_unspacing, lambda: (N(1, 3), N(4), N(2, 4)), {}),
    (rt.trapezoid_unspacing, lambda: (N(2, 4), N(3, 4), N(3, 4), 0), {}),
    (rt.trapezoid_weights, lambda: (N(2, 3), N(2, 4)), {}), (rt.trapezoid_weights, lambda: (P(), N(4, 2), 0), {}),
    (rt.trapezoid_pairs, lambda: (N(2, 4), N(2, 3)), {}), (rt.trapezoid_pairs, lambda: (N(4, 2), P(), 0), {}),
    (np.interp, lambda: (np.array([-1.5, -0.3, 0.2, 0.7, 1.8]), np.array([-2, 0, 1, 2]), N(4)), {}),
    (np.interp, lambda: (np.array([-1.5, 0.2, 1.8]), np.array([-1, 0, 1]), N(3), N(), N()), {}),
    (np.interp, lambda: (np.array([[0.3, 2.2], [4.1, 1.4]]), np.array([0, 2, 1]), N(3)), {"period": 3.0}),
    (rt.interp_weight, lambda: (np.array([-1.5, 0.2, 0.7]), np.array([-1, 0, 1])), {"which": 1}),
    (rt.interp_weight, lambda: (np.array([-1.5, 0.2, 1.7]), np.array([-1, 0, 1]), None, 0.5), {}),
    (np.convolve, lambda: (N(5), N(3)), {}), (np.convolve, lambda: (N(3), N(5), "same"), {}),
    (np.convolve, lambda: (N(4), N(2)), {"mode": "valid"}),
    (rt.convolve_embed, lambda: (N(5), N(5), N(2), "same"), {}), (rt.convolve_embed, lambda: (N(2), N(3), N(4), "valid"), {}),
    (rt.convolve_crop, lambda: (N(6), N(2), N(5), "same"), {}), (rt.convolve_crop, lambda: (N(6), N(4), N(3), "valid"), {}),
    (np.correlate, lambda: (N(5), N(3)), {}), (np.correlate, lambda: (N(2), N(5), "same"), {}),
    (np.correlate, lambda: (N(4), N(2)), {"mode": "full"}),
    (rt.correlate_embed, lambda: (N(5), N(2), N(5), "same"), {}), (rt.correlate_embed, lambda: (N(2), N(3), N(4), "valid"), {}),
    (rt.correlate_crop, lambda: (N(6), N(2), N(5), "same"), {}), (rt.correlate_crop, lambda: (N(6), N(4), N(3), "valid"), {}),
    (np.cov, lambda: (N(3, 5),), {}), (np.cov, lambda: (N(5), N(2, 5)), {"bias": True}),
    (np.cov, lambda: (N(5, 2),), {"rowvar": False, "fweights": np.array([1, 2, 1, 3, 1])}),
    (rt.cov_rows, lambda: (N(2, 4), N(4)), {}), (rt.cov_rows, lambda: (N(4, 2),), {"rowvar": False}),
    (rt.cov_share, lambda: (N(3, 4), N(2, 4), N(4), True, 1), {}), (rt.cov_share, lambda: (N(2, 4), N(4, 2), None, False), {}),
    (rt.cov_place, lambda: (N(4), N(2, 4), N(4), True, 1), {}), (rt.cov_place, lambda: (N(4, 2), N(4, 2), None, False), {}),
    (rt.cov_symmetric, lambda: (N(3, 3), (3, 3)), {}), (rt.cov_symmetric, lambda: (N(1, 1), ()), {}),
    (np.corrcoef, lambda: (N(3, 5),), {}), (np.corrcoef, lambda: (N(5), N(2, 5)), {}),
    (np.corrcoef, lambda: (N(5, 2),), {"rowvar": False}),
    (np.bincount, lambda: (np.array([0, 2, 2, 4]), N(4)), {}), (np.bincount, lambda: ([1, 1, 0], N(3), 4), {}),
    # runtime helpers
    (rt.unbroadcast, lambda: (N(3, 4), N(4)), {}), (rt.unbroadcast, lambda: (N(3, 4), N(3, 1)), {}),
    (rt.unbroadcast, lambda: (N(4), N(3, 4)), {}), (rt.broadcast_like, lambda: (N(4), N(3, 4)), {}),
    (rt.broadcast_like, lambda: (N(3, 1), N(1, 4)), {}), (rt.unreduce, lambda: (N(3), N(3, 4), 1), {}),
    (rt.list_rows, lambda: (N(3, 4), N(3, 4)), {}),
    (rt.seed_shaped_like, lambda: (0.7, N()), {}), (rt.seed_shaped_like, lambda: (0.7, N(2, 3)), {}),
    (rt.seed_shaped_like, lambda: (N(3), N(3)), {}), (rt.seed_shaped_like, lambda: (0.7, np.float64(0.3)), {}),
    (rt.unreduce, lambda: (N(), N(3, 4)), {}), (rt.unreduce, lambda: (N(1, 4), N(3, 4), 0, True), {}),
    (rt.unreduce, lambda: (N(4), N(3, 4), 0, False, np.array([True, False, True, True])), {}),
    (rt.unreduce, lambda: (N(), N(3, 4), None, False, np.array([[True], [False], [True]])), {}),
    (rt.unindex, lambda: (N(3), N(5), [0, 2, 2]), {}), (rt.unindex, lambda: (N(2, 2), N(4, 3), (slice(1, 3), [0, 2])), {}),
    (rt.unindex, lambda: (N(2), [N(2), N(2)], 0), {}),
    (rt.cast_like, lambda: (N(), N(1, 1)), {}), (rt.cast_like, lambda: (N(3), N(3)), {"dtype": int}),
    (rt.unstack_like, lambda: (N(2, 3), [N(3), N(3)]), {}),
    (rt.unstack_like, lambda: (N(2, 2), [[N(), N()], [N(), N()]]), {}),
    (rt.stack_like, lambda: ([N(3), N(3)], N(2, 3)), {}),
    (rt.spread, lambda: (N(4), N(3, 4)), {}), (rt.spread, lambda: (N(2), [N(2), N(1, 2)]), {}),
    (rt.gather, lambda: (N(3, 4), N(4)), {}), (rt.gather, lambda: ([N(2), N(3, 2)], N(2)), {}),
    (rt.unconcatenate, lambda: (N(5, 2), [N(2, 2), N(3, 2)]), {}),
    (rt.unconcatenate, lambda: (N(7), [N(2, 2), N(3)], None), {}),
    (rt.unstack, lambda: (N(3, 2), [N(3), N(3)], 1), {}),
    (rt.stack_fitted, lambda: ([N(2), N(), N(1, 1), N(2)],), {}), (rt.stack_fitted, lambda: ([N(3), N(3)],), {}),
    (rt.unstack_fitted, lambda: (N(4, 2), [N(2), N(), N(1, 1), N(2)]), {}),
    (rt.group_axes, lambda: (N(2, 3, 4), (0, 2)), {}), (rt.ungroup_axes, lambda: (N(3, 8), N(2, 3, 4), (0, 2)), {}),
    (rt.prod_except, lambda: (N(2, 3, 4), 1), {}), (rt.prod_except, lambda: (N(3, 4),), {}),
    (rt.prod_except, lambda: (N(2, 3, 4), (0, 2)), {}),
    (rt.matmul_adjoint_left, lambda: (N(2, 4), N(2, 3), N(3, 4)), {}),
    (rt.matmul_adjoint_left, lambda: (N(5, 4), N(3), N(5, 3, 4)), {}),
    (rt.matmul_adjoint_right, lambda: (N(2, 4), N(2, 3), N(3, 4)), {}),
    (rt.matmul_adjoint_right, lambda: (N(5, 2), N(5, 2, 3), N(3)), {}),
    (rt.dot_adjoint_left, lambda: (N(2, 4, 5), N(2, 3), N(4, 3, 5)), {}),
    (rt.dot_adjoint_right, lambda: (N(2, 4, 5), N(2, 3), N(4, 3, 5)), {}),
    (rt.dot_adjoint_left, lambda: (N(3), N(), N(3)), {}),
    (rt.inner_adjoint_left, lambda: (N(2, 4), N(2, 3), N(4, 3)), {}),
    (rt.inner_adjoint_right, lambda: (N(2, 4), N(2, 3), N(4, 3)), {}),
    (rt.untrace, lambda: (N(), N(3, 3)), {}), (rt.untrace, lambda: (N(2), N(2, 3, 4), 1, 1, 2), {}),
    (rt.contract, lambda: ("ij,jk->ik", (2, 4), N(2, 3), N(3, 4)), {}),
    (rt.contract, lambda: ("i,_->ii", (3, 3), N(3), N(3, 3)), {}),
    (rt.contract, lambda: ("i->ij", (3, 2), N(3)), {}),
    (rt.contract, lambda: ("ik,ij,_->kj", (1, 4), N(3, 1), N(3, 4), N(2)), {}),
    (rt.in_place, lambda: (N(2, 3), N(2, 3)), {}), (rt.in_place, lambda: (N(3), N()), {}),
    # helpers of in-place writes and list appends (rules in containers.py)
    (rt.snapshot, lambda: (N(3),), {}), (rt.zero_index, lambda: (N(4), 1), {}),
    (rt.drop_last, lambda: ([N(2), N(2), N()],), {}), (rt.pad_last, lambda: ([N(2)], [N(2), N(3)]), {}),
    (rt.append_derivative, lambda: ([N(2)], N(3)), {}),
    (rt.extremum_part, lambda: (N(), (_ITEMS,), 3, 0), {}), (rt.extremum_part, lambda: (N(), _ITEMS, 3, 2), {}),
    (rt.extremum_gather, lambda: ([N(), N(), N()], (_ITEMS,), 3, 0), {}),
    (rt.extremum_gather, lambda: (N(), _ITEMS, 1, 0), {"key": abs}),
    (rt.if_empty, lambda: (N(2), ([],), N(2)), {}), (rt.if_empty, lambda: (N(), ([1.0],), N()), {}),
    (rt.concatenated_part, lambda: (N(6), np.r_, [N(3), slice(0, 2), N()], 0), {}),
    (rt.concatenated_spread, lambda: (N(3, 1), np.c_, [N(3), N(3, 1)], 1), {}),
    (rt.index_concatenate, lambda: (np.r_, N(3), N(), N(2)), {}),
    (rt.index_concatenate, lambda: (np.r_, N(1, 3), N(2, 3)), {}),
    (rt.index_concatenate, lambda: (np.c_, N(3), N(3, 2)), {}),
    (rt.unique_gather, lambda: (N(5), _DISTINCT, np.unique(_DISTINCT)), {}),
    (rt.unique_scatter, lambda: (N(3), _DISTINCT, np.unique(_DISTINCT)), {}),
    (rt.unique_gather, lambda: (N(5), _DISTINCT, np.unique(_DISTINCT, return_counts=True)), {}),
    (rt.written_part, lambda: (N(5), [0, 2, 2, 4, 0]), {}),
    (rt.written_part, lambda: (N(4, 3), (slice(None), [2, 0, 2])), {}), (rt.written_part, lambda: (N(4), 1), {}),
    (rt.written_into, lambda: (N(5), N(4), [0, 2, 2, 3, 0]), {}),
    (rt.written_into, lambda: (N(4, 3), N(4, 5), (slice(None), [2, 0, 2])), {}),
    (rt.through_store, lambda: (N(3), N(4, 3)), {}), (rt.through_store, lambda: (N(3), np.arange(3)), {}),
    (rt.through_store, lambda: (N(), np.zeros(2, dtype=bool)), {}),
    (rt.unbroadcast_stored, lambda: (N(4, 3), N(3)), {}), (rt.unbroadcast_stored, lambda: (N(3), N(3)), {}),
    # the zero-safe *, / and ** of derivatives, and the derivatives at special points
    (rt.scale, lambda: (N(3, 4), N(4)), {}), (rt.scale, lambda: (N(), N()), {}),
    (rt.over, lambda: (N(3, 4), A(4)), {}), (rt.over, lambda: (N(), A()), {}),
    (rt.power, lambda: (P(3, 4), N(4)), {}), (rt.power, lambda: (P(), N()), {}),
    (rt.inverse_or_zero, lambda: (A(3),), {}), (rt.det_cofactors, lambda: (N(3, 3),), {}),
    (rt.det_cofactors, lambda: (N(2, 4, 4),), {}),
    (rt.cofactors_change, lambda: (N(3, 3), N(3, 3)), {}), (rt.cofactors_change, lambda: (N(2, 4, 4), N(2, 4, 4)), {}),
    (rt.cofactors_change, lambda: (N(1, 1), N(1, 1)), {}),
    # helpers of the SciPy rules (NumPy only)
    (rt.logsumexp_weights, lambda: (N(3, 4), N(4), 0), {}), (rt.logsumexp_weights, lambda: (N(3), N()), {}),
    (rt.logsumexp_weights, lambda: (N(3, 4), N(3, 1), 1, P(4), True), {}),
    (rt.mvn_points, lambda: (N(2, 2, 3), (3, 3)), {}), (rt.mvn_points, lambda: (N(5), (1, 1)), {}),
    (rt.scipy_shift, lambda: (N(3), N(2, 3)), {}), (rt.scipy_shift, lambda: (N(), N(4)), {}),
    # helpers of the reductions and statistics
    (rt.permute, lambda: (N(3, 4), np.argsort(N(3, 4), axis=1), 1), {}),
    (rt.permute, lambda: (N(3, 4), np.argsort(N(12)), None), {}),
    (rt.unpermute, lambda: (N(3, 4), np.argsort(N(3, 4), axis=0), N(3, 4), 0), {}),
    (rt.unpermute, lambda: (N(12), np.argsort(N(12)), N(3, 4), None), {}),
    (rt.weights_like, lambda: (N(4), N(3, 4), 1), {}), (rt.weights_like, lambda: (N(4, 2), N(2, 3, 4), (2, 0)), {}),
    (rt.unweight, lambda: (N(3, 4), N(4), N(3, 4), 1), {}), (rt.unweight, lambda: (N(2, 3, 4), N(4, 2), N(2, 3, 4), (2, 0)), {}),
    (rt.diff_part, lambda: (N(3, 4), 1, N(3, 4)), {}), (rt.diff_part, lambda: (N(), 0, N(3, 4), 2, 0, N()), {}),
    (rt.undiff, lambda: (N(3, 3), 1, N(3, 4)), {}), (rt.undiff, lambda: (N(3, 4), 2, N(3, 4), 1, -1, None, N(3, 1)), {}),
    (rt.gradient_of, lambda: (N(4, 5), ()), {}), (rt.gradient_of, lambda: (N(5), (2,)), {"edge_order": 2}),
    (rt.ungradient, lambda: ([N(4, 5), N(4, 5)], N(4, 5), ()), {}),
    (rt.ungradient, lambda: (N(4, 5), N(4, 5), (np.array([0, 1, 3, 4, 6]),), 1), {"edge_order": 2}),
    # the spacing carries a derivative: a number, coordinates (uneven), both edge orders, two samples
    (np.gradient, lambda: (N(3, 5), np.cumsum(P(5))), {"axis": 1}), (np.gradient, lambda: (N(4), P()), {"edge_order": 2}),
    (np.gradient, lambda: (N(2, 3), np.cumsum(P(2))), {"axis": 0}),
    (np.gradient, lambda: (N(6), np.cumsum(P(6))), {"edge_order": 2}),
    (rt.gradient_of, lambda: (N(5, 3), (np.cumsum(P(5)),), 0), {"edge_order": 2}),
    (rt.gradient_of, lambda: (N(4), (P(),)), {}),
    (rt.ungradient, lambda: (N(5), N(5), (np.cumsum(P(5)),)), {}),
    (rt.ungradient, lambda: (N(2, 4), N(2, 4), (P(),), -1), {"edge_order": 2}),
    (rt.node_offsets, lambda: (P(), 0, N(5), None, 2), {}), (rt.node_offsets, lambda: (N(4), 1, N(2, 4), 1, 1), {}),
    (rt.node_unoffsets, lambda: (N(5), 1, P(), N(5), None, 2), {}),
    (rt.node_unoffsets, lambda: (N(1, 4), 0, N(4), N(2, 4), -1, 1), {}),
    (rt.node_differences, lambda: (N(3, 5), 1, 1, 2), {}), (rt.node_differences, lambda: (N(4), 0), {}),
    (rt.node_undifferences, lambda: (N(5, 2), 1, N(5, 2), 0, 1), {}),
    (rt.node_differences, lambda: (N(2, 4), None, 1), {}), (rt.node_undifferences, lambda: (N(2, 4), None, N(4)), {}),
    (rt.slope_by_a, lambda: (P(5), P(5) + 2.5, np.array([0, 1, 1, 1, 0]), N(5), N(5)), {}),  # m: a mask
    (rt.slope_by_b, lambda: (-P(4), P(4), np.array([0, 1, 1, 0]), N(4), N(4)), {}),
    # a call giving several arrays with one number for all axes: the helpers' parts stacked
    (np.gradient, lambda: (N(3, 4), P()), {}), (np.gradient, lambda: (N(3, 1, 4), P()), {"axis": (2, 0), "edge_order": 2}),
    (rt.gradient_of, lambda: (N(3, 4), (P(),)), {}),
    (rt.ungradient, lambda: ([N(3, 4), N(3, 4)], N(3, 4), (P(),)), {"edge_order": 2}),
    (rt.stacked_parts, lambda: ([N(3, 4), N(3, 4)], N(3, 4), (P(),)), {}), (rt.stacked_parts, lambda: (N(5), N(5), ()), {}),
    (rt.split_parts, lambda: (N(2, 3, 1, 4), N(3, 1, 4), (P(),), (2, 0)), {}),
    (rt.node_offsets, lambda: (P(), 0, N(3, 4), None, 2), {}), (rt.node_unoffsets, lambda: (N(2, 3, 4), 1, P(), N(3, 4)), {}),
    (rt.node_differences, lambda: (N(3, 4), 1, (1, 0)), {}),
    (rt.node_undifferences, lambda: (N(2, 3, 4), 0, N(3, 4), None, 2), {}),
    (rt.quantile_weights, lambda: (N(4, 3), np.array([0.2, 0.55]) + 0.05 * U(2), 0), {}),  # no knots (k / 3)
    (rt.quantile_weights, lambda: (N(5), 30.0 + 8.0 * P()), {"scale": 0.01}),  # knots at 25, 50
    (rt.cofactors_change, lambda: (N(1, 1), N(1, 1)), {}),    # products and numpy.linalg (rules in product_rules.py and linalg_rules.py) and their helpers
    (np.tensordot, lambda: (N(2, 3, 4), N(4, 3, 5)), {"axes": ([1, 2], [1, 0])}),
    (np.linalg.tensordot, lambda: (N(2, 3), N(3, 4)), {"axes": 1}),
    (np.vdot, lambda: (N(2, 3), N(3, 2)), {}), (np.kron, lambda: (N(2), N(3, 2)), {}),
    (np.cross, lambda: (N(4, 3), N(3)), {}), (np.linalg.cross, lambda: (N(2, 3), N(2, 3)), {}),
    (np.linalg.matmul, lambda: (N(5, 2, 3), N(3)), {}), (np.linalg.outer, lambda: (N(3), N(2)), {}),
    (np.linalg.cholesky, lambda: (M(3) @ M(3).T,), {}), (np.linalg.eigvalsh, lambda: (M(3),), {}),
    (np.linalg.svd, lambda: (N(2, 3),), {"compute_uv": False}), (np.linalg.svdvals, lambda: (N(3, 4),), {}),
    (np.linalg.pinv, lambda: (N(4, 3),), {}),
    (np.linalg.matrix_power, lambda: (N(3, 3), 3), {}), (np.linalg.trace, lambda: (N(2, 3, 3),), {}),
    (np.linalg.norm, lambda: (N(3, 4),), {"ord": "nuc"}), (np.linalg.norm, lambda: (N(5),), {"ord": 3}),
    (np.linalg.norm, lambda: (N(3, 4),), {"ord": 1}),
    (np.vecdot, lambda: (N(3, 4), N(4)), {}), (np.linalg.vecdot, lambda: (N(3, 2), N(3, 1)), {"axis": 0}),
    (np.linalg.eigvals, lambda: (np.diag([1.0, 2.5, 4.0]) + 0.1 * N(3, 3),), {}),
    (np.linalg.vector_norm, lambda: (N(2, 3, 4),), {"axis": (0, 2), "ord": 3}),
    (np.linalg.vector_norm, lambda: (N(3, 4),), {"ord": 1}),
    (np.linalg.matrix_norm, lambda: (N(2, 3, 4),), {"ord": "nuc"}),
    (np.linalg.matrix_norm, lambda: (N(3, 4),), {"ord": np.inf, "keepdims": True}),
    (rt.in_result, lambda: (N(3), (N(3), N(2)), 0), {}), (rt.inverse_or_nan, lambda: (M(3),), {}),
    (rt.quarter_turn, lambda: (N(3),), {}),     # 0 for a real value (complex ones: test_complex_rules_audit.py)
    (rt.off_diagonal_inverse, lambda: (A(3, 3),), {}), (rt.triangle_symmetric, lambda: (N(3, 3), "U"), {}),
    (rt.triangle_symmetric_adjoint, lambda: (N(2, 3, 3),), {}), (rt.transpose_if, lambda: (N(2, 3), True), {}),
    # the helpers of scipy.linalg's rules, registered whether or not SciPy is installed
    (rt.triangle, lambda: (N(3, 3), True), {}), (rt.triangle, lambda: (N(2, 3, 3), False, True), {}),
    (rt.solve_read, lambda: (N(3, 3), None), {}), (rt.solve_read, lambda: (N(3, 3), True), {}),
    (rt.solve_read_adjoint, lambda: (N(3, 3), None), {}), (rt.solve_read_adjoint, lambda: (N(3, 3), False), {}),
    (rt.skew_lower, lambda: (N(3, 3), np.tril(np.ones((3, 3), dtype=bool), -1)), {}),
    (rt.skew_lower_adjoint, lambda: (N(3, 3), np.tril(np.ones((3, 3), dtype=bool), -1)), {}),
    (rt.real_eigenvalues, lambda: (N(3),), {}), (rt.real_matrix, lambda: (N(3, 3), "numpy.linalg.eigh"), {}),
    (rt.full_rank_r, lambda: (np.triu(N(3, 3)) + 3 * np.eye(3), "numpy.linalg.qr"), {}),
    (rt.scipy_checked, lambda: (N(3, 3), "scipy.linalg.inv", False), {"assume_a": "gen"}),
    (rt.svd_part, lambda: ([N(4, 3), N(3), N(3, 3)], np.array([1, -1, 1]), True, 0, (4, 3)), {}),
    (rt.svd_unpart, lambda: (N(3, 3), np.array([1, -1, 1]), True, 2, ((4, 3), (3,), (3, 3))), {}),
    (rt.block_triangular, lambda: (N(2, 2), N(2, 2)), {}), (rt.upper_right, lambda: (N(4, 4),), {}),
    (rt.diagonal_blocks, lambda: (N(2, 4, 4),), {}), (rt.lstsq_residuals, lambda: (N(2), N(2)), {}),
    (rt.lstsq_residuals_adjoint, lambda: (N(1), N()), {}), (rt.safe_power, lambda: (P(3), 3), {}),
    (rt.qr_part, lambda: ([N(4, 3), N(3, 3)], "economic", 1, (3, 3)), {}),
    (rt.qr_part, lambda: ([N(2, 4, 3)], "r", 1, (2, 3, 3)), {}), (rt.qr_part, lambda: ([N(4, 3)], "r", 0, (4, 3)), {}),
    (rt.qr_unpart, lambda: (N(3, 3), "full", 0, ((3, 3), (3, 3))), {}),
    (rt.qr_unpart, lambda: (N(3, 3), "r", 1, ((4, 3),)), {}),
    (rt.qr_part, lambda: (N(2, 4, 3), "r", 1, (2, 3, 3)), {}),       # mode='r' of a stack: r, not (r,)
    (rt.qr_unpart, lambda: (N(2, 3, 3), "r", 1, (2, 4, 3)), {}),
    (rt.lstsq_checked, lambda: (N(4, 3), 3), {}), (rt.unit_lower, lambda: (N(3, 3),), {}),
    (rt.signed_power, lambda: (A(3), 2), {}), (rt.spectral_input, lambda: (N(3, 2, 4), 2, (0, 2)), {}),
    (rt.spectral_output, lambda: (N(2, 3, 4), N(3, 2, 4), "nuc", (0, 2)), {}),
]

# shape and assembly functions (rules/shape_rules.py) and their helpers
_TAKE = np.array([[2, 0], [1, 2]])
CASES += [
    (np.atleast_1d, lambda: (N(),), {}), (np.atleast_2d, lambda: (N(3),), {}),
    (np.atleast_3d, lambda: (N(2, 3), N()), {}),
    (np.hstack, lambda: ([N(2, 3), N(2, 1)],), {}), (np.hstack, lambda: ([N(3), N()],), {}),
    (np.vstack, lambda: ([N(3), N(2, 3)],), {}), (np.dstack, lambda: ([N(2, 3), N(2, 3, 2)],), {}),
    (np.column_stack, lambda: ([N(3), N(3, 2)],), {}),
    (np.append, lambda: (N(2, 3), N(1, 3), 0), {}), (np.append, lambda: (N(2, 2), N(3)), {}),
    (np.insert, lambda: (N(4), 1, N()), {}), (np.insert, lambda: (N(2, 3), [0, 3, 3], N(2, 1), 1), {}),
    (np.insert, lambda: (N(3, 2), slice(0, 2), N(2), 0), {}), (np.insert, lambda: ([N(), N()], -1, [N(), N()]), {}),
    (np.delete, lambda: (N(5), [0, 3]), {}), (np.delete, lambda: (N(3, 4), slice(None, None, 2), 1), {}),
    (np.split, lambda: (N(6, 2), 3), {}), (np.array_split, lambda: (N(2, 5), 2, 1), {}),
    (np.hsplit, lambda: (N(2, 4, 3), [1]), {}), (np.vsplit, lambda: (N(4, 2), [1, 3]), {}),
    (np.dsplit, lambda: (N(2, 2, 4), 2), {}),
    (np.tile, lambda: (N(2, 3), (2, 1, 2)), {}), (np.tile, lambda: (N(3), 2), {}),
    (np.repeat, lambda: (N(2, 3), [1, 0, 2], 1), {}), (np.repeat, lambda: (N(2, 2), 2), {}),
    (np.fliplr, lambda: (N(2, 3),), {}), (np.flipud, lambda: (N(3, 2),), {}),
    (np.roll, lambda: (N(3, 4), (1, -2), (0, 1)), {}), (np.roll, lambda: (N(3, 4), 5), {}),
    (np.rot90, lambda: (N(2, 3, 4), 3, (2, 0)), {}), (np.rollaxis, lambda: (N(2, 3, 4), 2), {}),
    (np.diag, lambda: (N(3), -1), {}), (np.diag, lambda: (N(3, 5), 1), {}),
    (np.diagonal, lambda: (N(2, 3, 4), 1, 2, 0), {}), (np.diagflat, lambda: (N(2, 2), 1), {}),
    (np.linalg.diagonal, lambda: (N(2, 3, 4),), {"offset": 1}), (np.matrix_transpose, lambda: (N(2, 3, 4),), {}),
    (np.linalg.matrix_transpose, lambda: (N(3, 2),), {}),
    (np.triu, lambda: (N(3, 4), -1), {}), (np.tril, lambda: (N(3),), {}),
    (np.pad, lambda: (N(2, 3), ((1, 0), (2, 1))), {}), (np.pad, lambda: (N(4), 3, "reflect"), {}),
    (np.pad, lambda: (N(2, 3), 2, "edge"), {}),
    (np.take, lambda: (N(3, 4), _TAKE, 1), {}), (np.take, lambda: (N(2, 2), [0, 5, 3]), {"mode": "wrap"}),
    (np.take_along_axis, lambda: (N(3, 2), _TAKE, 0), {}),
    (np.select, lambda: ([N(3) > 0, N(2, 1) > 0], [N(3), N(2, 3)], N(3)), {}),
    (np.choose, lambda: (np.array([0, 2, 1, 0]), [N(4), N(), N(4)]), {}),
    *([(np.row_stack, lambda: ([N(3), N(3)],), {})] if hasattr(np, "row_stack") else []),
    (np.fft.fftshift, lambda: (N(3, 4),), {"axes": 1}), (np.fft.ifftshift, lambda: (N(5),), {}),
    (np.real, lambda: (N(3),), {}), (np.imag, lambda: (N(3),), {}), (np.conjugate, lambda: (N(3),), {}),
    (np.real_if_close, lambda: (N(3),), {}),
    (rt.assemble, lambda: ([N(2), N(3)], "h"), {}), (rt.unassemble, lambda: (N(2, 3), [N(3), N(1, 3)], "v"), {}),
    (rt.unsplit, lambda: ([N(2, 2), N(2, 1)], N(2, 3), np.split(N(2, 3), [2], 1)), {}),
    (rt.split_as, lambda: (N(2, 3), N(2, 3), np.split(N(2, 3), [2], 1)), {}),
    (rt.unatleast, lambda: ([N(1, 3), N(1, 1)], [N(3), N()], 1), {}),
    (rt.atleast_as, lambda: (N(3), np.atleast_2d(N(3)), [N(3)], 0), {}),
    (np.meshgrid, lambda: (N(3), N(2)), {}), (np.meshgrid, lambda: (N(2), N(3), N(2)), {"indexing": "ij"}),
    (np.meshgrid, lambda: (N(3), N(2)), {"sparse": True}),
    (np.block, lambda: ([[N(2, 2), N(2, 1)], [N(1, 3)]],), {}), (np.block, lambda: ([N(2), N()],), {}),
    (rt.unmeshgrid, lambda: ([N(2, 3), N(2, 3)], np.meshgrid(N(3), N(2)), [N(3), N(2)], 0), {}),
    (rt.meshgrid_as, lambda: (N(2), np.meshgrid(N(3), N(2), indexing="ij"), [N(3), N(2)], 1, "ij"), {}),
    (rt.unblock, lambda: (N(3, 3), [[N(2, 2), N(2, 1)], [N(1, 3)]]), {}),
    (rt.block_as, lambda: ([[N(2, 2), N(2, 1)], [N(1, 3)]], [[N(2, 2), N(2, 1)], [N(1, 3)]]), {}),
    (rt.unappend, lambda: (N(5), N(2), N(3), None, 1), {}),
    (rt.append_as, lambda: (N(2, 2), N(2, 2), N(1, 2), 0, 0), {}),
    (rt.uninsert, lambda: (N(2, 5), N(2, 3), [0, 3], N(2, 1), 1, 1), {}),
    (rt.uninsert, lambda: (N(6), N(4), 1, N(2), None, 0), {}),
    (rt.insert_as, lambda: (N(2, 1), N(2, 3), [0, 3], N(2, 1), 1, 1), {}),
    (rt.insert_as, lambda: (N(4), N(4), 1, N(2), None, 0), {}),
    (rt.undelete, lambda: (N(2, 3), N(3, 3), 1, 0), {}),
    (rt.untile, lambda: (N(2, 6), N(3), (2, 2)), {}), (rt.unrepeat, lambda: (N(5), N(3), [2, 0, 3]), {}),
    (rt.undiag, lambda: (N(3, 3), N(2), 1), {}), (rt.undiag, lambda: (N(2), N(2, 4), -0), {}),
    (rt.undiagonal, lambda: (N(2, 3), N(2, 3, 4), 0, 2, 1), {}),
    (np.ndarray.diagonal, lambda: (N(3, 4), 1), {}),
    (np.ndarray.tolist, lambda: (N(2, 3),), {}), (np.ndarray.tolist, lambda: (N(4),), {}),
    (np.lib.stride_tricks.sliding_window_view, lambda: (N(3, 4), (2, 3)), {}),
    (np.lib.stride_tricks.sliding_window_view, lambda: (N(2, 5), (2, 2)), {"axis": (1, -1)}),
    (rt.unwindow, lambda: (N(3, 3, 2), N(3, 4), 2, 1), {}), (rt.unwindow, lambda: (N(2, 3, 2, 2), N(3, 4), (2, 2)), {}),
    (rt.untake, lambda: (N(2, 2), N(4), _TAKE), {}),
    (rt.untake_along_axis, lambda: (N(2, 2), N(3, 2), _TAKE, 0), {}),
    (rt.pad_gather, lambda: (N(3), N(3), 2, "wrap"), {}), (rt.pad_scatter, lambda: (N(7), N(3), 2, "symmetric"), {}),
    (rt.unselect, lambda: (N(3), [N(3) > 0], [N(3)]), {}),
    (rt.select_parts, lambda: ([N(3), N()], [N(3) > 0, N(3) > 0], N(3)), {}),
    (rt.unselect_default, lambda: (N(3), [N(3) > 0], N()), {}),
    (rt.unchoose, lambda: (N(3), np.array([1, 0, 1]), [N(3), N(3)]), {}),
    (rt.choose_parts, lambda: ([N(3), N(3)], np.array([1, 0, 1]), N(3)), {}),
    (np.fft.fftfreq, lambda: (6, 0.7), {}), (np.fft.rfftfreq, lambda: (5, 1.3), {}),
]

# polynomials (rules/polynomial_rules.py) and their helpers
CASES += [
    (np.polyval, lambda: (N(4), N(5)), {}), (np.polyval, lambda: (N(3), N()), {}),
    (np.polyval, lambda: (N(1), N(2, 3)), {}), (np.polyval, lambda: (N(3), 0.0), {}),
    (np.polyder, lambda: (N(5),), {}), (np.polyder, lambda: (N(5), 3), {}), (np.polyder, lambda: (N(2), 2), {}),
    (rt.polyder_adjoint, lambda: (N(3), N(5), 2), {}), (rt.polyder_adjoint, lambda: (N(0), N(2), 3), {}),
    (rt.poly_powers, lambda: (N(2, 3), 4), {}), (rt.poly_powers, lambda: (N(), 1), {}),
    (rt.poly_slope, lambda: (N(4),), {}),
    (np.polyint, lambda: (N(4),), {}), (np.polyint, lambda: (N(4), 2, N(2)), {}),
    (np.polyint, lambda: (N(3), 3, N()), {}),
    (rt.polyint_adjoint, lambda: (N(6), N(4), 2), {}), (rt.polyint_constants_adjoint, lambda: (N(6), N(2), 2), {}),
    (np.polynomial.polynomial.polyval, lambda: (N(2, 3), N(4)), {}),
    (np.maximum.accumulate, lambda: (N(3, 4),), {}), (np.minimum.accumulate, lambda: (N(3, 4), 1), {}),
    (np.add.accumulate, lambda: (N(3, 4),), {}), (np.add.accumulate, lambda: (N(2, 3, 4), 2), {}),
    (np.multiply.accumulate, lambda: (N(3, 4),), {}), (np.multiply.accumulate, lambda: (N(2, 3, 4), 1), {}),
]

# the nan-quantiles, segment reductions, extract, cond and ufunc.outer, and their helpers
CASES += [
    (np.nanmedian, lambda: (N(3, 4),), {"axis": 0}), (np.nanmedian, lambda: (N(5),), {"keepdims": True}),
    (np.nanquantile, lambda: (N(3, 5), np.array([0.12, 0.61])), {"axis": 1}),        # knots at k / 4
    (np.nanpercentile, lambda: (N(5), 30.0 + 8.0 * P()), {}),                          # knots at 25, 50
    (rt.nan_quantile_weights, lambda: (N(4, 3), np.array([0.2, 0.55]) + 0.05 * U(2), 0), {}),
    (np.add.reduceat, lambda: (N(6, 4), np.array([0, 3, 1])), {}),
    (np.maximum.reduceat, lambda: (N(6, 4), np.array([0, 2, 5])), {}),
    (np.multiply.reduceat, lambda: (N(6, 4), np.array([0, 3, 1])), {}),
    (np.minimum.reduceat, lambda: (N(3, 6), np.array([0, 2])), {"axis": 1}),
    (rt.unreduceat, lambda: (N(3, 4), N(6, 4), np.array([0, 3, 1])), {}),
    (rt.running_linear, lambda: (N(4, 3), N(4, 3)), {}),
    (rt.running_linear, lambda: (N(3, 1), N(3, 4)), {"axis": -1}),
    (rt.shifted_along, lambda: (N(3, 4),), {"axis": 1}), (rt.unshifted_along, lambda: (N(4, 2),), {}),
    (np.logaddexp.accumulate, lambda: (N(4, 3),), {"axis": 1}), (np.divide.accumulate, lambda: (U(5),), {}),
    (np.extract, lambda: (N(3, 4) > 0.0, N(3, 4)), {}),
    (np.linalg.cond, lambda: (N(3, 3) + 3.0 * np.eye(3),), {}), (np.linalg.cond, lambda: (N(3, 5),), {"p": -2}),
    (np.linalg.cond, lambda: (N(2, 3, 3) + 3.0 * np.eye(3),), {"p": "fro"}),
    (np.linalg.cond, lambda: (N(3, 3) + 3.0 * np.eye(3),), {"p": "nuc"}),
    (rt.outer_operand, lambda: (N(3), N(2, 2)), {}), (rt.unouter, lambda: (N(3, 2, 2), N(3)), {}),
    (rt.outer_spread, lambda: (N(3), N(3, 2, 2)), {}),
    (np.ldexp.outer, lambda: (N(3), np.array([1, -2])), {}),
] + [(ufunc.outer, lambda: (P(3), P(2, 2) + 0.1), {}) for ufunc in (
    np.add, np.subtract, np.multiply, np.divide, np.power, np.float_power, np.arctan2, np.hypot, np.remainder,
    np.fmod, np.nextafter, np.copysign, np.maximum, np.minimum, np.fmax, np.fmin, np.logaddexp, np.logaddexp2)] + [
    (ufunc.accumulate, lambda: (P(4, 3),), {"axis": 1}) for ufunc in (
        np.subtract, np.divide, np.power, np.float_power, np.arctan2, np.hypot, np.remainder, np.fmod, np.nextafter,
        np.copysign, np.fmax, np.fmin, np.logaddexp2)] + [
    (np.compress, lambda: ([True, False, True], N(3, 2)), {"axis": 0}), (np.compress, lambda: ([0, 1, 1], N(2, 2)), {}),
    (np.ndarray.compress, lambda: (N(2, 3), [False, True]), {"axis": 1}),
    (np.fromiter, lambda: ([1.5, 0.5, 2.0], float), {}), (np.fromiter, lambda: (N(4), np.float64), {}),
]

# Registered tangents that the table above does not exercise, and why.
NOT_IN_TABLE = {
    rt.corr_change: "linear in its first argument, refused in the others (a third derivative of corrcoef); "
                    "checked in test_rules_misc.test_corrcoef_change_is_the_transpose_of_its_adjoint",
    rt.corr_change_adjoint: "as corr_change",
    operator.or_: "its rules only refuse (a dict merge astgrad could not see); checked in "
                  "test_breadth_acceptance2.test_dict_merge_of_arguments_is_refused_not_zero",
    np.ndarray.imag: "as numpy.imag (one declaration); an attribute, not a function to call",
    np.ndarray.flat: "an iterator (numpy.flatiter), which the table's finite differences cannot compare; its "
                     "derivative, numpy.ravel's, is checked end to end in test_hunt25a_programs",
    **({math.cbrt: "as numpy.cbrt (one declaration); Python 3.11 and later only"} if hasattr(math, "cbrt") else {}),
    np.float32: "rounds to float32, so a float64 finite difference cannot check it; see test_cast_rules",
    rt.added_at: "numpy.add.at's total, which NumPy rounds into the array's dtype after each addition (a "
                 "value the finite difference of its total cannot move); checked end to end in test_hunt22a_programs",
    rt.current_row: "depends on whether a row is a view of the array, which the table's copies of the "
                    "arguments are not; checked end to end in test_trust_aliasing",
    rt.when_view: "as current_row", rt.unless_view: "as current_row",
    np.linalg.slogdet: "a tuple result (so are qr, eigh, eig, svd and lstsq); their templates are checked "
                       "the same way in test_rules_linalg.test_tuple_result_templates",
    np.linalg.qr: "as slogdet", np.linalg.eigh: "as slogdet", np.linalg.eig: "as slogdet",
    np.linalg.svd: "as slogdet (svd's compute_uv=False form is in the table)", np.linalg.lstsq: "as slogdet",
    **{fn: "complex values, which this table's real inner product cannot pair; each is checked to second "
           "order end to end in test_rules_fft" for fn in (
               rt.complex_transform, rt.complex_transpose, rt.imag_adjoint, rt.irfft_transpose, rt.real_irfft,
               rt.real_rfft, rt.rfft_transpose, np.fft.fft, np.fft.ifft, np.fft.fft2, np.fft.ifft2, np.fft.fftn,
               np.fft.ifftn, np.fft.rfft, np.fft.irfft, np.fft.rfft2, np.fft.irfft2, np.fft.rfftn, np.fft.irfftn)},
    **{op: "refuses its derivatives (& | ^ of differentiated values: set operations); checked end to end "
           "in test_errors and test_calls" for op in (operator.and_, operator.or_, operator.xor)},
    rt.entered_value: "its rules only refuse (the value of with M(x) as v); checked end to end in "
                      "test_hunt7_programs",
    rt.percent_format: "its rules only refuse (a string read back by float); checked end to end in "
                       "test_hunt7_programs",
    rt.cofactors_second_change: "refuses its derivative in a (a fourth derivative of det), which the table "
                                "would take; its rules for h and k are checked in test_trust_det",
    rt.eigvals_change: "complex values, and its rules only refuse (scipy.linalg.eigvals differentiated once); "
                       "checked in test_rules_scipy",
    deleted_attribute: "an object without one attribute (del obj.a), which the table's arrays cannot be; a "
                       "projection as without_attribute is, checked to second order end to end in "
                       "test_whole_writes_and_dict_forms",
}


load_imported()


def _case_id(case):
    primitive, _, kwargs = case
    name = registry.describe(primitive)
    return name + ("-" + ",".join(f"{k}={v}" for k, v in kwargs.items()) if kwargs else "")


RULE_TABLE_MODULES = ("astgrad.rules.operators", "astgrad.rules.numpy_rules", "astgrad.rules.math_rules",
                      "astgrad.rules.product_rules", "astgrad.rules.linalg_rules",
                      "astgrad.rules.builtin_rules", "astgrad.rules.runtime_rules",
                      "astgrad.rules.reduction_rules", "astgrad.rules.shape_rules", "astgrad.rules.fft_rules",
                      "astgrad.rules.sampled_rules", "astgrad.rules.polynomial_rules",
                      "astgrad.rules.power_series_rules")


def test_every_tangent_is_exercised():
    covered = {registry.rule_key(p) for p, _, _ in CASES} | {registry.rule_key(p) for p in NOT_IN_TABLE}
    missing = sorted(registry.describe(k) for k, t in registry.TANGENTS.items()
                     if t.fn.__module__ in RULE_TABLE_MODULES and k not in covered)
    assert not missing, f"add a case to CASES for: {missing}"


def _active(template, args, kwargs):
    """{parameter: value} of the arguments that carry derivatives (floats, float arrays,
    lists of them); a vararg maps to its tuple."""
    bound = template.signature.bind(*args, **kwargs)
    return {name: value for name, value in bound.arguments.items()
            if (name == template.vararg and any(_differentiable(v) for v in value)) or
            (name != template.vararg and _differentiable(value))}


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_tangent_matches_finite_differences_and_adjoint_is_its_transpose(case):
    primitive, make_args, kwargs = case
    needs_real_eig(primitive in (np.linalg.eigvals, np.linalg.eig))
    args = make_args()
    template = registry.TANGENTS[registry.rule_key(primitive)]
    active = _active(template, args, kwargs)
    assert active, "the case has no differentiable argument"
    tangents = {}
    for name, value in active.items():
        if name == template.vararg:
            tangents[name] = [_random_like(v) if _differentiable(v) else None for v in value]
        else:
            tangents[name] = _random_like(value)
    y, jvp = run_tangent(primitive, args, kwargs, tangents)
    assert jvp is not None, "every tangent term was dropped"

    # finite differences over the positional arguments (all differentiable inputs are positional)
    params = list(template.signature.parameters)
    first_vararg = params.index(template.vararg) if template.vararg else len(args)
    flat_args = list(args)
    flat_tangents = [tangents.get(template.vararg, [None] * len(args))[p - first_vararg] if p >= first_vararg
                     else tangents.get(params[p]) for p in range(len(args))]

    def f(*leaves):
        leaves = list(leaves)
        rebuilt = [_rebuild(a, leaves) if t is not None else a for a, t in zip(flat_args, flat_tangents)]
        return as_callable(primitive)(*rebuilt, **kwargs)

    leaf_args = tuple(leaf for a, t in zip(flat_args, flat_tangents) if t is not None for leaf in _leaves(a))
    leaf_tangents = tuple(leaf for t in flat_tangents if t is not None for leaf in _leaves(t))
    expected = numerical_jvp(f, leaf_args, leaf_tangents)
    if isinstance(y, list):
        expected = list(expected)
    assert_close(jvp if not isinstance(y, (list, tuple)) else list(jvp), expected, rtol=1e-5, atol=1e-6,
                 msg="tangent template vs finite differences")
    assert np.shape(jvp) == np.shape(y) if not isinstance(y, (list, tuple)) else len(jvp) == len(y)

    # the adjoint template is the transpose of the tangent template
    cotangent = _random_like(y) if not isinstance(y, (list, tuple)) else [_random_like(v) for v in y]
    _, adjoints = run_adjoint(primitive, args, kwargs, cotangent, wrt=set(active))
    lhs = inner(cotangent, jvp)
    rhs = 0.0
    for name, t in tangents.items():
        contribution = adjoints.get(name)
        if contribution is None:
            continue
        if name == template.vararg:
            for c, tt, v in zip(contribution, t, active[name]):
                if tt is not None:
                    assert np.shape(c) == np.shape(v), f"adjoint of {name} has shape {np.shape(c)}"
                    rhs += inner(c, tt)
        else:
            if not isinstance(active[name], (list, tuple)):
                assert np.shape(contribution) == np.shape(active[name]), \
                    f"adjoint of {name} has shape {np.shape(contribution)}, input {np.shape(active[name])}"
            rhs += inner(contribution, t)
    assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9), f"<c, jvp> = {lhs} but <vjp, t> = {rhs}"


@pytest.mark.parametrize("case", [c for c in CASES if all(
    not isinstance(a, float) for a in c[1]())], ids=lambda c: _case_id(c))
def test_adjoints_keep_float32(case):
    """With float32 array inputs (and the cotangent of the float32 result), every adjoint
    of an array input is float32."""
    primitive, make_args, kwargs = case
    args = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else
                 [v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype == np.float64 else v for v in a]
                 if isinstance(a, list) else a
                 for a in make_args())
    template = registry.ADJOINTS[registry.rule_key(primitive)]
    bound = template.signature.bind(*args, **kwargs).arguments
    y = as_callable(primitive)(*args, **kwargs)
    if isinstance(y, (list, tuple)) or np.result_type(y) != np.float32:
        pytest.skip("result is not a float32 array")
    cotangent = np.ones_like(y) if isinstance(y, np.ndarray) else np.float32(1.0)
    _, adjoints = run_adjoint(primitive, args, kwargs, cotangent, wrt=set(_active(template, args, kwargs)))
    for name, value in adjoints.items():
        values = value if name == template.vararg else [value]
        inputs = bound[name] if name == template.vararg else [bound[name]]
        for v, x in zip(values, inputs):
            if isinstance(x, np.ndarray) and x.dtype == np.float32:
                assert np.result_type(v) == np.float32, f"adjoint of {name} is {np.result_type(v)}"


# ---------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("g_shape, x_shape", [((3, 4), (4,)), ((3, 4), (3, 1)), ((2, 3, 4), (1, 4)),
                                              ((3, 4), ()), ((3, 4), (3, 4)), ((4,), (3, 4)), ((3, 1), (1, 4))])
def test_unbroadcast_and_broadcast_like_are_transposes(g_shape, x_shape):
    g, c = N(*g_shape) if g_shape else N(), N(*x_shape) if x_shape else N()
    x = np.zeros(x_shape)
    u = rt.unbroadcast(g, x)
    assert np.shape(u) == x_shape
    assert math.isclose(inner(c, u), inner(rt.broadcast_like(c, g), g), rel_tol=1e-12, abs_tol=1e-12)


def test_unbroadcast_sums_over_broadcast_axes():
    assert_close(rt.unbroadcast(np.ones((2, 3, 4)), np.zeros((3, 1))), np.full((3, 1), 8.0))
    assert_close(rt.unbroadcast(np.ones((3, 4)), 0.0), 12.0)


def test_broadcasting_a_python_float_keeps_float32():
    x = np.zeros((2, 3), dtype=np.float32)
    assert rt.broadcast_like(1.0, x).dtype == np.float32
    assert rt.unreduce(1.0, x).dtype == np.float32
    assert rt.unbroadcast(1.0, x).dtype == np.float32


@pytest.mark.parametrize("axis, keepdims", [(None, False), (None, True), (0, False), (-1, True), ((0, 2), False)])
def test_unreduce_is_the_transpose_of_sum(axis, keepdims):
    x = N(2, 3, 4)
    g = N(*np.shape(np.sum(x, axis=axis, keepdims=keepdims)))
    c = N(2, 3, 4)
    assert math.isclose(inner(c, rt.unreduce(g, x, axis, keepdims)),
                        inner(np.sum(c, axis=axis, keepdims=keepdims), g), rel_tol=1e-12)


@pytest.mark.parametrize("index", [
    2, -1, slice(None, None, 2), slice(4, 0, -2), (1, -2), (slice(1, None), [0, 0, 2]),
    (np.array([0, 0, 3]), np.array([1, 1, 2])), np.array([True, False, True, True, False]),
    (None, 1), (Ellipsis, 2), (Ellipsis, None, 0), [1, 1, 1], (slice(None), None, np.array([2, 2])),
], ids=repr)
def test_unindex_is_the_transpose_of_indexing(index):
    x = N(5, 4)
    g = N(*np.shape(x[index]))
    c = N(5, 4)
    u = rt.unindex(g, x, index)
    assert u.shape == x.shape and u.dtype == x.dtype
    assert math.isclose(inner(c, u), inner(c[index], g), rel_tol=1e-12, abs_tol=1e-12)


def test_unindex_lists():
    xs = [1.0, np.zeros(2), 3.0]
    u = rt.unindex(np.ones(2), xs, 1)
    assert isinstance(u, rt.AdjointList) and u[0] == 0.0 and list(u[1]) == [1.0, 1.0]
    u = rt.unindex([5.0, 6.0], xs, slice(None, None, 2))
    assert u[0] == 5.0 and u[2] == 6.0
    assert rt.unindex(np.float32(2.0), np.zeros(3, np.float32), 1).dtype == np.float32


def test_prod_except_handles_zeros_exactly():
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    assert_close(rt.prod_except(x, 1), [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [6.0, 3.0, 2.0]], atol=0)
    assert_close(rt.prod_except(x), np.zeros((3, 3)), atol=0)
    assert_close(rt.prod_except(np.array([2.0, 3.0, 4.0])), [12.0, 8.0, 6.0], atol=0)


def test_prod_except_of_an_empty_reduction_is_empty():
    # it was the 1 the prefix products start with: "cannot reshape array of size 1 into shape (0,)"
    assert rt.prod_except(np.zeros(0)).shape == (0,)
    assert rt.prod_except(np.ones((2, 0)), 1).shape == (2, 0)
    assert rt.prod_except(np.ones((0, 3)), 0).shape == (0, 3)
    assert rt.prod_except(np.ones((2, 0, 3)), (0, 1)).shape == (2, 0, 3)


def test_tie_and_select_weights():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], dtype=np.float32)
    w = rt.tie_weights(x, np.max(x, axis=1), 1)
    assert w.dtype == np.float32
    assert_close(w, [[0.0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    assert_close(rt.select_weight(np.array([1.0, 2.0, 3.0]), 2.0), [0.0, 0.5, 1.0])
    assert rt.select_weight(np.ones(2, np.float32), 0.0).dtype == np.float32


def test_clip_weights_sum_to_one_and_split_ties():
    a = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    ws = [rt.clip_weight(a, -1.0, 1.0, k) for k in range(3)]
    assert_close(ws[0] + ws[1] + ws[2], np.ones(5))
    assert_close(ws[0], [0.0, 0.5, 1.0, 0.5, 0.0])


def test_cast_rules():
    x32 = np.ones(3, np.float32)
    assert rt.cast_like(np.ones(3), x32).dtype == np.float32
    assert_close(rt.cast_like(np.ones(3), x32, int), np.zeros(3))
    assert rt.cast_like(2.0, np.ones((1, 1))).shape == (1, 1)
    y, t = run_tangent(np.float32, (np.float64(0.5),), {}, {"x": 2.0})
    assert y.dtype == np.float32 and t == 2.0 and np.result_type(t) == np.float32
    _, adj = run_adjoint(np.float32, (np.float64(0.5),), {}, np.float32(3.0), {"x"})
    assert adj["x"] == 3.0 and np.result_type(adj["x"]) == np.float64


def test_contract_matches_einsum():
    a, b = N(2, 3), N(3, 4)
    assert_close(rt.contract("ij,jk->ik", (2, 4), a, b), a @ b)
    assert_close(rt.contract("i,_->ii", (3, 3), np.arange(3.0), None), np.diag(np.arange(3.0)))
    assert_close(rt.contract("i->ij", (3, 2), np.arange(3.0)), np.repeat(np.arange(3.0)[:, None], 2, 1))
    assert_close(rt.contract("ij,_->_", (2,), a, b), np.zeros(2))


def test_einsum_specs():
    ops = (np.zeros((5, 2, 3)), np.zeros((3, 4)))
    # tensors: (cotangent or tangent, subscripts slot, *operands); a string's slot is '_'
    assert rt.einsum_adjoint_spec("...ij,jk->...ik", ops, 0) == "aik,_,_,jk->aij"
    assert rt.einsum_tangent_spec("ij,jk", (np.zeros((2, 3)), np.zeros((3, 4))), 1) == "jk,_,ij,_->ik"
    # the interleaved form: the first argument is an operand, sublists hold places
    a, b = np.zeros((2, 3)), np.zeros((3, 4))
    assert rt.einsum_adjoint_spec(a, ([0, 1], b, [1, 2], [0, 2]), -1) == "ac,_,_,bc,_,_->ab"
    assert rt.einsum_adjoint_spec(a, ([0, 1], b, [1, 2], [0, 2]), 1) == "ac,ab,_,_,_,_->bc"


def test_adjoint_list_adds_elementwise():
    a = rt.AdjointList([1.0, np.ones(2)])
    b = a + rt.AdjointList([2.0, np.ones(2)])
    assert b[0] == 3.0 and list(b[1]) == [2.0, 2.0]
    assert (0 + a) is a and (a + 0) is a
    with pytest.raises(ValueError, match="lengths"):
        a + rt.AdjointList([1.0])


def test_norm_axis_rejects_other_orders():
    assert rt.norm_axis(np.zeros(3), None, None) is None
    assert rt.norm_axis(np.zeros((3, 3)), "fro", None) is None
    assert rt.norm_axis(np.zeros(3), 2, None) is None
    with pytest.raises(NotImplementedError, match="ord=1"):
        rt.norm_axis(np.zeros(3), 1, None)
    with pytest.raises(NotImplementedError, match="ord=2"):
        rt.norm_axis(np.zeros((3, 3)), 2, None)


def test_stop_gradient_is_identity_and_non_differentiable():
    x = np.ones(2)
    assert rt.stop_gradient(x) is x
    assert registry.is_non_differentiable(rt.stop_gradient)
    assert isinstance(rt.zeros_like([1.0, np.ones(2)]), rt.AdjointList)
    assert isinstance(rt.repeat_count(np.zeros((2, 3)), 1), numbers.Integral)


def test_check_receiver_class_stops_a_method_of_the_users_own_class_only():
    class Box:
        def grow(self, w):
            self.k = w

    with pytest.raises(TypeError, match=r"^astgrad: f\.py:3: the method call \.grow\(\) of a Box object is given"):
        rt.check_receiver_class(Box(), "grow", "f.py:3")
    box = Box()
    box.step = lambda w: None           # a function stored on the object: code of the user's too
    with pytest.raises(TypeError, match=r"\.step\(\) of a Box object"):
        rt.check_receiver_class(box, "step", "f.py:3")
    # a list's method, the standard library's (a logger), NumPy's, and no such method (Python raises) pass
    for receiver, method in (([], "append"), (logging.getLogger("astgrad.tests"), "debug"), (np.ones(2), "fill"),
                             (Box(), "missing")):
        assert rt.check_receiver_class(receiver, method, "f.py:3") is None
    assert registry.is_non_differentiable(rt.check_receiver_class)


def test_number_array_argument_passes_arrays_of_numbers_only():
    for value in (np.zeros((2, 2)), np.zeros(3, dtype=int), np.zeros(2, dtype=complex), np.zeros(2, dtype=bool)):
        assert rt.number_array_argument(value, "y", "f.py:3") is None
    for value, held in (([[1.0, 2.0]], "a list"), (np.empty(2, dtype=object), "an array of objects")):
        with pytest.raises(TypeError, match=rf"^astgrad: f\.py:3: this stores into an element of the argument 'y'"
                                            rf".* 'y' is {held}, which holds the value stored itself"):
            rt.number_array_argument(value, "y", "f.py:3")
        with pytest.raises(TypeError, match=rf"^astgrad: f\.py:3: this reads the argument 'y' by a list or a mask"
                                            rf".* 'y' is {held}, whose items would be the very objects"):
            rt.number_array_argument(value, "y", "f.py:3", True)
    assert rt.number_array_argument(np.zeros(2), "y", "f.py:3", True) is None
    for number in (0.5, 2, np.float64(0.5), True):      # the value stored (z[2] = y): no memory to share
        assert rt.number_array_argument(number, "y", "f.py:3", stored=True) is None
        with pytest.raises(TypeError, match=r"this stores into an element of the argument 'y'"):
            rt.number_array_argument(number, "y", "f.py:3")
    assert registry.is_non_differentiable(rt.number_array_argument)


def test_put_marks_says_where_numpy_put_place_and_putmask_take_each_value_from():
    y = np.zeros((2, 3))
    # repeated indices: the last write wins; values cycled over the indices
    assert rt.put_marks("put", y, [0, 5, -1, 0], [1.0, 2.0, 3.0]).tolist() == [[0, -1, -1], [-1, -1, 2]]
    assert rt.put_marks("put", y, [7, -8], [1.0, 2.0], "wrap").ravel().tolist() == [-1, 0, -1, -1, 1, -1]
    assert rt.put_marks("put", y, [-3, 9], [1.0, 2.0], "clip").ravel().tolist() == [0, -1, -1, -1, -1, 1]
    assert rt.put_marks("place", y, y == 0, np.ones((2, 1))).ravel().tolist() == [0, 1, 0, 1, 0, 1]
    mask = np.arange(6).reshape(2, 3) % 2 == 1          # putmask cycles by flat position
    assert rt.put_marks("putmask", y, mask, [1.0, 2.0, 3.0, 4.0]).ravel().tolist() == [-1, 1, -1, 3, -1, 1]
    with pytest.raises(IndexError, match="out of bounds"):
        rt.put_marks("put", y, [6], [1.0])
    with pytest.raises(TypeError, match="must be numpy.ndarray"):
        rt.put_marks("put", [0.0, 1.0], [0], [1.0])
    assert registry.is_non_differentiable(rt.put_marks)
