"""The modules that hold the helpers of ``astgrad.runtime``: runtime.py itself and the
modules it re-exports whole groups of helpers from (one job each). A helper moved out of
runtime.py is still a runtime helper for the passes that ask (the optimizer's dropped
default arguments, the tape's non-differentiable helpers)."""

RUNTIME_MODULES = frozenset({"astgrad.runtime", "astgrad.adjoint_values", "astgrad.alias_writes",
                            "astgrad.assembly", "astgrad.broadcasting", "astgrad.cofactors",
                            "astgrad.conversions", "astgrad.decompositions", "astgrad.grouped_axes",
                            "astgrad.linear_algebra", "astgrad.own_code", "astgrad.reductions",
                            "astgrad.sequences", "astgrad.shape_info", "astgrad.zero_safe_arithmetic"})
