"""Vectorized ``sin``, ``cos``, ``exp``, ``log``, ``expm1``, ``log1p`` and ``tanh`` for
the numba backend, from glibc's vector math library (libmvec).

numba computes ``numpy.sin(x)`` by calling the C library's scalar ``sin`` once per
element; on large arrays that call is most of a gradient's time. libmvec has the same
functions four doubles at a time (``_ZGVdN4v_sin``, for CPUs with AVX2), at about
1-4 ulp. Each function here is a scalar function for numba code whose LLVM declaration
names its four-lane libmvec twin (the ``vector-function-abi-variant`` attribute, as
OpenMP's ``declare simd`` does): LLVM's loop vectorizer then calls the twin on four
elements at a time in any loop it vectorizes, and a call outside such a loop runs the
twin on one value broadcast to four lanes, so every element gets the same function.
Arrays of float64 go through such a loop.

``numpy_functions()`` gives these functions by their NumPy names, for the numba
backend's ``numpy`` namespace; it is empty, and numba's own functions stay, when
anything is missing: not Linux on x86-64, no libmvec, a CPU (or a numba target) without
AVX2. It never raises. Imports numba: only ``numba_helpers`` imports this module.
"""

import platform

import numpy
from numba import types
from numba.extending import intrinsic, overload

NAMES = ("sin", "cos", "exp", "log", "expm1", "log1p", "tanh")
LANES = 4
_LIBRARY = "libmvec.so.1"
_STATE = {}


def enabled():
    """True if libmvec's four-lane functions can be used (checked once)."""
    if "enabled" not in _STATE:
        try:
            _STATE["enabled"] = _check()
        except Exception:       # any failure means: numba's scalar functions
            _STATE["enabled"] = False
    return _STATE["enabled"]


def _vector_name(name):
    return f"_ZGVdN{LANES}v_{name}"         # 'd': the AVX2 variant (x86-64 vector ABI)


def _check():
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return False
    import llvmlite.binding as llvm
    from numba.core.registry import cpu_target
    features = cpu_target.target_context.codegen()._tm_features
    if "+avx2" not in features.split(","):
        return False
    llvm.load_library_permanently(_LIBRARY)
    return all(llvm.address_of_symbol(_vector_name(name)) for name in NAMES)


def _declare(module, name):
    """The scalar function ``astgrad.vec.<name>`` in ``module``: the libmvec twin on one
    value broadcast to all lanes, declared with the twin as its vector variant."""
    from llvmlite import ir
    scalar_name = f"astgrad.vec.{name}"
    existing = module.globals.get(scalar_name)
    if existing is not None:
        return existing
    double, vector = ir.DoubleType(), ir.VectorType(ir.DoubleType(), LANES)
    twin = module.globals.get(_vector_name(name))
    if twin is None:
        twin = ir.Function(module, ir.FunctionType(vector, [vector]), name=_vector_name(name))
        twin.attributes.add("nounwind")
        twin.attributes.add("readnone")
    fn = ir.Function(module, ir.FunctionType(double, [double]), name=scalar_name)
    fn.linkage = "linkonce_odr"
    for attribute in ("nounwind", "readnone", "noinline"):
        fn.attributes.add(attribute)
    variant = f"_ZGV_LLVM_N{LANES}v_{scalar_name}({_vector_name(name)})"
    set.add(fn.attributes, f'"vector-function-abi-variant"="{variant}"')   # llvmlite lists no string attributes
    builder = ir.IRBuilder(fn.append_basic_block())
    lanes = ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES)
    one = builder.insert_element(ir.Constant(vector, None), fn.args[0], ir.Constant(ir.IntType(32), 0))
    broadcast = builder.shuffle_vector(one, ir.Constant(vector, None), lanes)
    result = builder.call(twin, [broadcast])
    builder.ret(builder.extract_element(result, ir.Constant(ir.IntType(32), 0)))
    return fn


def _scalar(name):
    """A numba intrinsic: float64 -> float64 through ``astgrad.vec.<name>``."""
    @intrinsic
    def call(typingctx, x):
        if x != types.float64:
            return None

        def codegen(context, builder, signature, args):
            return builder.call(_declare(builder.module, name), [args[0]])
        return types.float64(types.float64), codegen
    return call


def _array_loop(scalar):
    def each(x):
        out = numpy.empty(x.shape)
        flat_in = numpy.ascontiguousarray(x).reshape(-1)
        flat_out = out.reshape(-1)
        for i in range(flat_in.size):
            flat_out[i] = scalar(flat_in[i])
        return out
    return each


def _stand_in(name):
    """A function like ``numpy.<name>`` for numba code (numba calls its overload)."""
    reference = getattr(numpy, name)
    scalar = _scalar(name)

    def stand_in(x):
        raise NotImplementedError

    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__doc__ = f"``numpy.{name}`` for numba code, four elements at a time (libmvec)."

    @overload(stand_in)
    def _typed(x):
        if x == types.float64:
            return lambda x: scalar(x)
        if isinstance(x, (types.Integer, types.Boolean)):
            return lambda x: scalar(float(x))
        if isinstance(x, types.Array) and x.dtype == types.float64:
            return _array_loop(scalar)
        return lambda x: reference(x)
    return stand_in


def numpy_functions():
    """{NumPy name: vectorized function for numba code}; empty when not ``enabled()``."""
    if not enabled():
        return {}
    if "functions" not in _STATE:
        _STATE["functions"] = {name: _stand_in(name) for name in NAMES}
    return dict(_STATE["functions"])

