"""astgrad against the hand-written gradient and its peers, in one table.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=src python benchmarks/run.py
                                       # full run, about 2.5 minutes
    PYTHONPATH=src python benchmarks/run.py --quick           # smoke run, a few seconds
    PYTHONPATH=src python benchmarks/run.py --quick --peers   # smoke run with the peers

Every figure is CPU time (time.process_time), measured in one process in one run.
For each workload all systems are warmed up, each gets a batch size that makes one
batch about 4 ms, and then the systems take turns (the order rotates every round),
so changes of the machine's load hit all of them alike. The table shows the median
time of one call over the rounds, the spread (q1-q3) and the minimum, the ratio to
the plain NumPy primal (gradient time / primal time) and, for astgrad, the ratio to
the hand-written gradient. Every gradient is checked against the hand-written one
(np.allclose) before it is timed; a wrong gradient is printed as a cross and never
timed, and a wrong astgrad gradient makes the run exit 1.

Threads are pinned to one (OMP/OPENBLAS/MKL env vars before NumPy is imported,
torch.set_num_threads(1), XLA's Eigen pool off) so the ratios compare like with
like. Peers (autograd, torch, jax) are optional: a missing one prints n/a.
docs/performance.md has a recorded run, the method, and a profile of the generated
code (benchmarks/profile_emitted.py).
"""

import os

os.environ.setdefault("ASTGRAD_CACHE", "0")     # measure generation, not loading from the disk cache

import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import astgrad  # noqa: E402
import astgrad.caching  # noqa: E402
import backends  # noqa: E402
import peers  # noqa: E402
import workloads as W  # noqa: E402

warnings.filterwarnings("ignore")

TARGET_VS_HAND = 1.2          # astgrad gradient time / hand-written, workloads 1-5
TARGET_VS_PEER = 1.0          # astgrad faster than autograd and torch eager everywhere
TARGET_VS_PEER_LOOPS = 5.0    # ... and at least 5x faster on the scalar loop and the RNN
TARGET_MEMORY = 1.5           # peak memory / hand-written
TARGET_GENERATION_MS = 50.0

PRIMAL = "numpy primal"
HAND = "hand-written"
AST = "astgrad grad()"
AST_RAW = "astgrad raw"
AST_TAPE = "astgrad tape"
AST_NUMBA = backends.AST_NUMBA  # astgrad.grad(f, backend="numba")
PEER_NAMES = ("autograd", "torch eager", "jax jit", "jax eager")
SYSTEMS = (PRIMAL, HAND, AST, AST_RAW, AST_NUMBA) + PEER_NAMES


# -- measuring -----------------------------------------------------------------------------

# CPU time of this process (all its threads), not wall-clock time: on a shared machine
# a wall-clock batch also counts the time other processes held the CPU, which made
# medians 2-3x the minimums here; CPU time leaves that out. Page faults and other
# kernel work done for the process still count (user + system time).
clock = time.process_time


def _one_call_seconds(fn):
    best = float("inf")
    for _ in range(3):
        started = clock()
        fn()
        best = min(best, clock() - started)
        if best > 0.05:
            break
    return best


def measure(systems, repeats, batch_seconds, budget_seconds):
    """{name: (median, q1, q3, min)} seconds per call.

    Short batches, many repeats, systems taking turns in a rotating order: on a shared
    machine the load changes within milliseconds, and taking turns lets every system
    see the same load. A slow system stops after ``budget_seconds`` (at least 5 repeats).
    """
    numbers, caps = {}, {}
    for name, fn in systems.items():
        fn()                                            # warm up (JIT compile, caches)
        one = max(_one_call_seconds(fn), 1e-9)
        numbers[name] = max(1, int(batch_seconds / one))
        caps[name] = max(5, min(repeats, int(budget_seconds / (numbers[name] * one))))
    samples = {name: [] for name in systems}
    names = list(systems)
    for repeat in range(repeats):
        shift = repeat % len(names)
        order = names[shift:] + names[:shift]
        if repeat % 2:
            order.reverse()
        if repeat % 10 == 0:
            gc.collect()
        for name in order:
            if len(samples[name]) >= caps[name]:
                continue
            fn, number = systems[name], numbers[name]
            gc.disable()
            started = clock()
            for _ in range(number):
                fn()
            elapsed = clock() - started
            gc.enable()
            samples[name].append(elapsed / number)
    out = {}
    for name, values in samples.items():
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        out[name] = (statistics.median(values), q1, q3, min(values))
    return out


def peak_bytes(fn):
    """tracemalloc's peak (above what was allocated before) during one call of fn."""
    fn()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - before


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        started = clock()
        fn()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


# -- checking ------------------------------------------------------------------------------

def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def agrees(result, expected):
    result = peers._to_numpy(_as_tuple(result))
    expected = _as_tuple(expected)
    if len(result) != len(expected):
        return False
    return all(np.shape(r) == np.shape(e) and np.allclose(r, e, rtol=1e-6, atol=1e-10)
               for r, e in zip(result, expected))


# -- the workloads -------------------------------------------------------------------------

def raw(fn, wrt):
    """The compiled generated gradient itself (no wrapper): returns only the gradient."""
    return astgrad.caching.reverse_derivative(fn, wrt, False)


def raw_hvp(fn, position):
    """Forward mode over the generated gradient, called directly (what hvp() wraps)."""
    gradient = astgrad.caching.reverse_derivative(fn, (position,), False)
    compiled = astgrad.caching.forward_derivative(gradient, (position,))
    code = compiled.__code__
    name = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - 1]    # the last: the tangent
    return lambda *args: compiled(*args[:-1], **{name: args[-1]})[1]


def tape_step(loss_fn, n_params):
    """One training step's gradient through the tape front end."""
    def step(*args):
        params = [astgrad.tensor(a, requires_grad=True) for a in args[:n_params]]
        loss = loss_fn(*params, *args[n_params:])
        return tuple(np.asarray(g.numpy()) for g in astgrad.autograd.grad(loss, params))
    return step


def build(inputs):
    """[(label, key, primal, hand, astgrad public, astgrad raw, fn, wrt, peer systems)]."""
    mlp_wrt = (0, 1, 2, 3)
    rows = [
        ("1 scalar loop", "scalar", W.scalar_loop, W.scalar_loop_grad,
         astgrad.grad(W.scalar_loop), raw(W.scalar_loop, (0,)), W.scalar_loop, (0,),
         peers.scalar_systems),
        ("2 MLP", "mlp", W.mlp_loss, W.mlp_grad,
         astgrad.grad(W.mlp_loss, mlp_wrt), raw(W.mlp_loss, mlp_wrt), W.mlp_loss, mlp_wrt,
         peers.mlp_systems),
        ("3 logistic regr.", "logreg", W.logreg_loss, W.logreg_grad,
         astgrad.grad(W.logreg_loss), raw(W.logreg_loss, (0,)), W.logreg_loss, (0,),
         peers.logreg_systems),
        ("4 RNN (BPTT)", "rnn", W.rnn_loss, W.rnn_grad,
         astgrad.grad(W.rnn_loss, (0, 1)), raw(W.rnn_loss, (0, 1)), W.rnn_loss, (0, 1),
         peers.rnn_systems),
        ("5 elementwise", "elementwise", W.elementwise, W.elementwise_grad,
         astgrad.grad(W.elementwise), raw(W.elementwise, (0,)), W.elementwise, (0,),
         peers.elementwise_systems),
        ("6 HVP (MLP, W1)", "hvp", lambda *a: W.mlp_loss(*a[:-1]), W.mlp_hvp,
         astgrad.hvp(W.mlp_loss, 0), raw_hvp(W.mlp_loss, 0), None, None,
         peers.hvp_systems),
    ]
    return rows


# -- formatting ----------------------------------------------------------------------------

def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g}ms"
    return f"{seconds * 1e6:.3g}µs"


def fmt_ratio(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def fmt_bytes(n):
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    return f"{n / 1024:.1f} KiB"


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def header(args):
    try:
        import threadpoolctl
        blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
                f"threads={i.get('num_threads')}"
                for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        blas = ["unknown (pip install threadpoolctl to see the kernel)"]
    lines = [
        f"astgrad benchmarks  {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}  "
        f"{'QUICK (smoke run: timings rough)' if args.quick else 'full run'}",
        f"machine: {platform.machine()} {_cpu_name()}, nproc={os.cpu_count()}, load average before the run "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        f"python {platform.python_version()}  numpy {np.__version__}  astgrad {astgrad.__version__}  "
        + "  ".join(f"{k} {v}" for k, v in peers.versions().items()),
        f"BLAS: {'; '.join(blas) or 'unknown'}  "
        f"(OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')})",
        "threads: OMP/OPENBLAS/MKL_NUM_THREADS=1, torch.set_num_threads(1), "
        "XLA eigen pool off, JAX on CPU, float64 everywhere",
    ]
    return lines


# -- main ----------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few repeats, short batches")
    parser.add_argument("--peers", action="store_true",
                        help="with --quick: time the peers too (a full run always does)")
    parser.add_argument("--numba", action="store_true",
                        help="with --quick: time the numba backend too (a full run always does; compiles)")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per system")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 61)
    batch = 0.002 if args.quick else 0.004
    budget = 0.05 if args.quick else 2.5
    with_peers = args.peers or not args.quick
    if with_peers:
        peers.load()
    else:
        peers.skip()
    gen_runs = 1 if args.quick else 5

    started = time.perf_counter()
    out = header(args)
    inputs = W.make_inputs()
    rows = build(inputs)
    results = {}        # label -> {system: (median, q1, q3) | "n/a" | "✗"}
    checks = {}         # label -> {system: bool}
    for label, key, primal, hand, public, compiled, fn, wrt, peer_factory in rows:
        args_ = inputs[key]
        expected = hand(*args_)
        systems = {PRIMAL: lambda p=primal, a=args_: p(*a), HAND: lambda h=hand, a=args_: h(*a),
                   AST: lambda g=public, a=args_: g(*a), AST_RAW: lambda g=compiled, a=args_: g(*a)}
        for name, call in (peer_factory(*args_).items() if with_peers else ()):
            systems[name] = call
        if args.numba or not args.quick:
            systems.update(backends.numba_systems(key, args_))
        verdict = {}
        for name in list(systems):
            if name in (PRIMAL, HAND):
                continue
            try:
                ok = agrees(systems[name](), expected)
            except Exception as error:          # a peer that fails is reported, not fatal
                print(f"  [{label}] {name} raised {type(error).__name__}: {error}", file=sys.stderr)
                ok = False
            verdict[name] = ok
            if not ok:
                del systems[name]               # never time a wrong gradient
        checks[label] = verdict
        results[label] = measure(systems, repeats, batch, budget)

    # 7. the tape front end
    tape_label = "7 MLP via tape"
    tape_note = "(astgrad.tensor not available yet)"
    checks[tape_label] = {}
    results[tape_label] = None
    if hasattr(astgrad, "tensor") and hasattr(astgrad, "autograd"):
        args_ = inputs["mlp"]
        step = tape_step(W.mlp_loss, 4)
        try:
            ok = agrees(step(*args_), W.mlp_grad(*args_))
        except Exception as error:          # this harness may predate the tape's final API
            tape_note = f"(the tape step raised {type(error).__name__}: {str(error)[:60]})"
            ok = None
        if ok is not None:
            checks[tape_label] = {AST_TAPE: ok}
            systems = {PRIMAL: lambda a=args_: W.mlp_loss(*a), HAND: lambda a=args_: W.mlp_grad(*a)}
            if ok:
                systems[AST_TAPE] = lambda a=args_: step(*a)
            results[tape_label] = measure(systems, repeats, batch, budget)

    # -- the table
    out.append("")
    out.append("CPU time per call (time.process_time): median over repeats, spread q1-q3, minimum.")
    out.append("xprimal = median / median of the NumPy primal; xhand = astgrad / hand-written, by medians")
    out.append("and by minimums. 'astgrad grad()' is the public astgrad.grad(f) object (astgrad.hvp for 6);")
    out.append("'astgrad raw' calls the compiled generated function directly (no wrapper).")
    widths = (17, 15, 9, 19, 9, 8, 6, 9, 3)
    cols = ("workload", "system", "median", "spread q1-q3", "min", "xprimal", "xhand", "xhand:min", "ok")
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths))
    out.append(line)
    out.append("-" * len(line))
    for label, timings in results.items():
        if timings is None:
            out.append("  ".join(x.ljust(w) for x, w in zip(
                (label, AST_TAPE, "n/a", tape_note), widths)).rstrip())
            out.append("")
            continue
        primal_time = timings[PRIMAL][0]
        hand_time, hand_min = timings[HAND][0], timings[HAND][3]
        names = [PRIMAL, HAND, AST, AST_RAW, *PEER_NAMES] if label != tape_label else [PRIMAL, HAND, AST_TAPE]
        if AST_NUMBA in checks[label]:
            names.insert(4, AST_NUMBA)
        for index, name in enumerate(names):
            first = label if index == 0 else ""
            ok = checks[label].get(name)
            mark = "" if name in (PRIMAL, HAND) else ("n/a" if ok is None else "✓" if ok else "✗")
            if name not in timings:
                cells = (first, name, "n/a" if ok is None else "✗ wrong") + ("",) * 5 + (mark,)
            else:
                med, q1, q3, low = timings[name]
                mine = name.startswith("astgrad")
                cells = (first, name, fmt_time(med), f"{fmt_time(q1)}-{fmt_time(q3)}", fmt_time(low),
                         fmt_ratio(med / primal_time), fmt_ratio(med / hand_time) if mine else "",
                         fmt_ratio(low / hand_min) if mine else "", mark)
            out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
        out.append("")

    # -- peak memory
    out.append("peak memory of one gradient call (tracemalloc: NumPy + Python allocations only)")
    mem_rows = [("2 MLP", "mlp", W.mlp_grad, raw(W.mlp_loss, (0, 1, 2, 3)), astgrad.grad(W.mlp_loss, (0, 1, 2, 3))),
                ("4 RNN (BPTT)", "rnn", W.rnn_grad, raw(W.rnn_loss, (0, 1)), astgrad.grad(W.rnn_loss, (0, 1))),
                ("5 elementwise", "elementwise", W.elementwise_grad, raw(W.elementwise, (0,)),
                 astgrad.grad(W.elementwise))]
    autograd_mem = {"mlp": peers.mlp_systems, "rnn": peers.rnn_systems, "elementwise": peers.elementwise_systems}
    memory = {}
    out.append(f"  {'workload':17}{'hand-written':>14}{'astgrad raw':>14}{'astgrad grad()':>16}"
               f"{'raw/hand':>10}{'grad()/hand':>13}{'autograd':>12}")
    for label, key, hand, compiled, public in mem_rows:
        args_ = inputs[key]
        m_hand = peak_bytes(lambda: hand(*args_))
        m_raw = peak_bytes(lambda: compiled(*args_))
        m_pub = peak_bytes(lambda: public(*args_))
        peer = autograd_mem[key](*args_).get("autograd") if peers.autograd is not None and with_peers else None
        m_ag = fmt_bytes(peak_bytes(peer)) if peer is not None else "n/a"
        memory[label] = (m_hand, m_raw, m_pub)
        out.append(f"  {label:17}{fmt_bytes(m_hand):>14}{fmt_bytes(m_raw):>14}{fmt_bytes(m_pub):>16}"
                   f"{m_raw / m_hand:>9.2f}x{m_pub / m_hand:>12.2f}x{m_ag:>12}")
    m_hand, m_raw, m_pub = memory["4 RNN (BPTT)"]
    rnn_ratio = m_pub / m_hand
    out.append(f"  RNN memory (T={W.RNN_T}, H={W.RNN_H}): astgrad grad() {fmt_bytes(m_pub)} vs "
               f"hand-written BPTT {fmt_bytes(m_hand)} = {rnn_ratio:.2f}x "
               f"(goal <= {TARGET_MEMORY}x: {'reached' if rnn_ratio <= TARGET_MEMORY else 'MISSED'})")
    out.append("")

    out.extend(backends.checkpoint_lines(args.quick))
    out.append("")

    # -- generation time and the cache
    out.append(f"generation CPU time (astgrad.caching.generate_reverse(fn, wrt, True), median of {gen_runs}); "
               "the decoration cache:")
    out.append("the 1st astgrad.grad(f) after forgetting f generates, the 2nd must find it in the cache")
    generation = {}
    gen_rows = [(label, fn, wrt) for label, _, _, _, _, _, fn, wrt, _ in rows if fn is not None]
    for label, fn, wrt in gen_rows:
        generation[label] = median_ms(lambda: astgrad.caching.generate_reverse(fn, wrt, True), gen_runs)

    def hvp_generation():
        gradient = astgrad.caching.generate_reverse(W.mlp_loss, (0,), False)
        astgrad.caching.forward_derivative(gradient, (0,))
    generation["6 HVP (MLP, W1)"] = median_ms(hvp_generation, gen_runs)
    cache_lines = []
    for label, fn, wrt in gen_rows:
        astgrad.caching._cache.pop(fn, None)            # forget fn: the next grad() generates
        t0 = clock()
        first = astgrad.grad(fn, wrt)
        t1 = clock()
        second = astgrad.grad(fn, wrt)
        t2 = clock()
        hit = first._workhorse is second._workhorse
        cache_lines.append((label, (t1 - t0) * 1e3, (t2 - t1) * 1e3, hit))
    out.append(f"  {'workload':17}{'generate':>10}{'1st grad()':>12}{'2nd grad()':>12}  cache hit")
    for (label, cold, warm, hit) in cache_lines:
        out.append(f"  {label:17}{generation[label]:>8.1f}ms{cold:>10.1f}ms{warm:>10.3f}ms  "
                   f"{'yes (same compiled function)' if hit else 'NO'}")
    out.append(f"  {'6 HVP (MLP, W1)':17}{generation['6 HVP (MLP, W1)']:>8.1f}ms  "
               "(reverse, then forward over it)")
    out.append("")

    # -- targets
    out.append("goals; astgrad = the public grad() object unless marked raw")
    verdicts = []

    def target(text, met):
        verdicts.append(met)
        out.append(f"  [{'met' if met else 'MISSED'}] {text}")

    for label in [r[0] for r in rows[:5]]:
        t = results[label]
        if AST not in t:
            target(f"{label}: astgrad gradient is wrong (✗), not timed", False)
            continue
        pub = t[AST][0] / t[HAND][0]
        rw = t[AST_RAW][0] / t[HAND][0] if AST_RAW in t else float("nan")
        target(f"{label}: astgrad <= {TARGET_VS_HAND}x hand-written: grad() {pub:.2f}x, raw {rw:.2f}x",
               pub <= TARGET_VS_HAND)
    for label in [r[0] for r in rows]:
        t = results[label]
        need = TARGET_VS_PEER_LOOPS if label.startswith(("1 ", "4 ")) else TARGET_VS_PEER
        for peer in ("autograd", "torch eager"):
            if peer not in t or AST not in t:
                out.append(f"  [n/a] {label}: vs {peer} (not measured)")
                continue
            speedup = t[peer][0] / t[AST][0]
            target(f"{label}: faster than {peer} (need >= {need:g}x): {speedup:.1f}x", speedup >= need)
    for label, peer in (("1 scalar loop", "jax jit"), ("4 RNN (BPTT)", "jax jit"), ("5 elementwise", "torch eager")):
        t = results[label]
        if AST_NUMBA not in t or peer not in t:
            out.append(f"  [n/a] {label}: numba backend vs {peer} (not measured)")
            continue
        speedup = t[peer][0] / t[AST_NUMBA][0]
        target(f"{label}: numba backend faster than {peer}: {speedup:.2f}x", speedup > 1.0)
    for label, (m_hand, m_raw, m_pub) in memory.items():
        ratio = m_pub / m_hand              # judged on the public object, as the times are
        target(f"{label}: peak memory <= {TARGET_MEMORY}x hand-written: {ratio:.2f}x", ratio <= TARGET_MEMORY)
    for label, ms in generation.items():
        target(f"{label}: generation < {TARGET_GENERATION_MS:g} ms: {ms:.1f} ms", ms < TARGET_GENERATION_MS)
    target("second grad() of unchanged code is a cache hit: "
           + ", ".join(f"{w:.3f} ms" for _, _, w, _ in cache_lines),
           all(hit for *_, hit in cache_lines))
    wrong = [f"{label}/{name}" for label, v in checks.items() for name, ok in v.items() if not ok]
    out.append(f"  gradients checked against hand-written: "
               f"{'all agree' if not wrong else 'DISAGREE: ' + ', '.join(wrong)}")
    out.append(f"  {sum(verdicts)} of {len(verdicts)} goals reached; run took {time.perf_counter() - started:.0f} s")
    print("\n".join(out))
    astgrad_wrong = [w for w in wrong if "/astgrad" in w]
    return 1 if astgrad_wrong else 0          # a wrong astgrad gradient fails the run


if __name__ == "__main__":
    sys.exit(main())
