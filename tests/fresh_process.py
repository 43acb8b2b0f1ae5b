"""New Python processes for tests, without paying Python's start-up for each one.

Many tests need a new process: the disk cache shared by processes, a second process
loading what a first one stored, an example run as a script. Starting Python and
importing NumPy and astgrad costs about 0.2 CPU seconds a process, far more than most of
those tests do. ``run`` gives the same new process at a few milliseconds: a server
process per interpreter and astgrad source imports NumPy and astgrad once, then forks a
child for each run (two such servers take turns, so that one run and the next hash
strings differently, as two interpreters do). The child starts as a process that has
just imported them and nothing else (no derivative generated, no disk cache read: the
server does nothing but import), takes the environment, working directory, ``sys.path``
and ``sys.argv`` it was given, runs the code as ``__main__`` and ends the way the
interpreter ends (its exit code, an uncaught error printed by ``sys.excepthook``,
atexit handlers run).

What it cannot give: interpreter options (``-X``, ``-W``; the environment's start-up
variables, such as ``PYTHONNOUSERSITE``, are honoured: each set of them has servers of
its own), an interpreter that has not imported NumPy (or astgrad, unless ``preload``
leaves it out), a process reading its standard input, and processes running at the
same time. Tests about those start a process with
``subprocess``. Where ``os.fork`` is missing, ``run`` does that too."""

import atexit
import itertools
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile

SERVER = r'''
import json, os, resource, sys, warnings
warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
for name in sys.argv[1:]:
    __import__(name)
replies = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)                       # a stray print must not look like a reply
own_path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
base_path = [p for p in sys.path[1:] if p not in own_path]


def serve():
    """Answer each request with the exit code of a child that ran it; return the
    request in the child."""
    for line in sys.stdin:
        request = json.loads(line)
        out, err = os.open(request["stdout"], os.O_WRONLY), os.open(request["stderr"], os.O_WRONLY)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            replies.close()
            null = os.open(os.devnull, os.O_RDONLY)
            for source, target in ((null, 0), (out, 1), (err, 2)):
                os.dup2(source, target)
                os.close(source)
            return request
        os.close(out)
        os.close(err)
        replies.write(json.dumps(pid) + "\n")
        replies.flush()
        _, status, usage = os.wait4(pid, 0)
        code = status >> 8 if os.WIFEXITED(status) else -os.WTERMSIG(status)
        own = resource.getrusage(resource.RUSAGE_SELF)
        replies.write(json.dumps([code, usage.ru_utime + usage.ru_stime, own.ru_utime + own.ru_stime]) + "\n")
        replies.flush()
    return None


def become(request):
    """Be the process ``python ARGS`` in ``cwd`` with ``env``."""
    import linecache, runpy, types
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.dont_write_bytecode = bool(request["env"].get("PYTHONDONTWRITEBYTECODE"))
    given = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
    args = request["args"]
    if args[0] == "-c":
        sys.argv = ["-c"] + args[2:]
        sys.path[:] = [""] + given + base_path
        if "<string>" in linecache.cache:        # Python keeps -c code for tracebacks: the child's, not this
            linecache.cache["<string>"] = (len(args[1]), None, args[1].splitlines(True), "<string>")
        main = types.ModuleType("__main__")
        main.__builtins__ = __builtins__
        sys.modules["__main__"] = main
        exec(compile(args[1], "<string>", "exec"), main.__dict__)
    elif args[0] == "-m":
        sys.argv = [args[1]] + args[2:]
        sys.path[:] = [os.getcwd()] + given + base_path
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(args)
        sys.path[:] = [os.path.dirname(os.path.abspath(args[0]))] + given + base_path
        runpy.run_path(args[0], run_name="__main__")


request = serve()
if request is not None:
    try:
        become(request)
    except SystemExit:
        raise
    except BaseException as error:           # as the interpreter reports it, without this file's frames
        tb, server_code = error.__traceback__, (sys._getframe().f_code, become.__code__)
        while tb is not None and tb.tb_frame.f_code in server_code:
            tb = tb.tb_next
        while tb is not None and tb.tb_frame.f_globals.get("__name__") == "runpy":
            tb = tb.tb_next
        sys.excepthook(type(error), error.with_traceback(tb), tb)
        sys.exit(1)
'''

_servers = {}
_EACH_CHILD_SETS = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
# Two servers with string hashes seeded apart, taking turns: a process and the next one
# hash strings differently, as separate interpreters do (what one stores on disk and the
# next reads must not hang on the order of a set of strings). Drawn afresh in each test
# process; a failing test names the seeds its children had (tests/conftest.py), and
# FRESH_PROCESS_HASH_SEEDS=A,B gives them again, A for the first child.
SEEDS_VARIABLE = "FRESH_PROCESS_HASH_SEEDS"


def _hash_seeds(given):
    """The two PYTHONHASHSEED values of the servers: ``given`` ("A,B") or two drawn at random."""
    if not given:
        return random.sample(range(1, 2 ** 32), 2)
    seeds = given.replace(" ", "").split(",")
    if len(seeds) != 2 or not all(seed.isdigit() and 0 <= int(seed) < 2 ** 32 for seed in seeds):
        raise ValueError(f"{SEEDS_VARIABLE}={given!r}: expected two PYTHONHASHSEED values "
                         f"(integers from 0 to {2 ** 32 - 1}) separated by a comma, such as 17,4211")
    return [int(seed) for seed in seeds]


SEEDS = _hash_seeds(os.environ.get(SEEDS_VARIABLE))
_turn = itertools.count()
CHILD_SEEDS = []   # the PYTHONHASHSEED of each child that took a turn, in order


def seeds_hint(children):
    """What to set to rerun with the hash seeds of ``children`` (seeds from CHILD_SEEDS, in
    order): a line for a failing test's report, or None where there are none."""
    if not children:
        return None
    first = children[0]
    other = next((seed for seed in SEEDS if seed != first), first)
    return (f"{len(children)} fresh process(es) hashed strings with PYTHONHASHSEED "
            f"{', '.join(str(seed) for seed in dict.fromkeys(children))} (drawn at random); "
            f"rerun this test alone with {SEEDS_VARIABLE}={first},{other} for the same seeds in the same order "
            f"(a hypothesis example that failed after others may have started on the other turn: "
            f"{SEEDS_VARIABLE}={other},{first})")
# the CPU seconds of every child so far and of the servers (their imports, their forks):
# this process waits for none of them, so its resource.RUSAGE_CHILDREN counts them only
# when the servers end, after the last test (.ci/test_costs.py adds this to a test's cost)
CHILDREN_CPU = [0.0]
_server_cpu = {}   # server process: its CPU seconds so far, as its last reply said


def _server(python, src, preload, env):
    """The server for this interpreter, astgrad source and preloaded modules, started with
    env's start-up variables (PYTHONNOUSERSITE, PYTHONHOME, ...), whose turn it is."""
    start_up = tuple(sorted((name, value) for name, value in env.items()
                            if name.startswith("PYTHON") and name not in _EACH_CHILD_SETS))
    seed = None if "PYTHONHASHSEED" in env else SEEDS[next(_turn) % 2]
    if seed is not None:
        CHILD_SEEDS.append(seed)
    key = (python, src, preload, start_up, seed)
    server = _servers.get(key)
    if server is None or server.poll() is not None:
        environment = {name: value for name, value in env.items() if name not in _EACH_CHILD_SETS}
        if seed is not None:
            environment["PYTHONHASHSEED"] = str(seed)
        if src is not None:
            environment["PYTHONPATH"] = src
        server = subprocess.Popen([python, "-c", SERVER, *preload], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  env=environment, bufsize=0)
        _servers[key] = server
    return server


def run(args, *, src, env=None, cwd=None, timeout=None, preload=("numpy", "astgrad"), python=sys.executable):
    """``subprocess.run([python, *args], env=env, cwd=cwd, capture_output=True, text=True,
    timeout=timeout)`` in a child forked from a process that imported ``preload`` from
    ``src`` (which must be on env's PYTHONPATH: the child's astgrad is the server's; None
    where astgrad is not among them)."""
    env = dict(os.environ if env is None else env)
    cwd = os.getcwd() if cwd is None else str(cwd)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    assert src in paths if src is not None else "astgrad" not in preload, \
        f"astgrad from {src} preloaded, the child's PYTHONPATH is {paths}"
    if not hasattr(os, "fork"):
        return subprocess.run([python, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="fresh_process_") as directory:
        out, err = os.path.join(directory, "stdout"), os.path.join(directory, "stderr")
        for name in (out, err):
            open(name, "w").close()
        server = _server(str(python), src, tuple(preload), env)
        request = {"args": list(args), "env": env, "cwd": cwd, "stdout": out, "stderr": err}
        server.stdin.write(json.dumps(request).encode() + b"\n")
        pid = int(server.stdout.readline())         # unbuffered: the exit code is not read with it
        if timeout is not None and not select.select([server.stdout], [], [], timeout)[0]:
            os.kill(pid, signal.SIGKILL)
            server.stdout.readline()
            raise subprocess.TimeoutExpired([python, *args], timeout)
        reply = server.stdout.readline()
        assert reply, "the process server ended"
        with open(out, encoding="utf-8", errors="replace") as handle:
            stdout = handle.read()
        with open(err, encoding="utf-8", errors="replace") as handle:
            stderr = handle.read()
    code, cpu, server_cpu = json.loads(reply)
    CHILDREN_CPU[0] += cpu + server_cpu - _server_cpu.get(server, 0.0)
    _server_cpu[server] = server_cpu
    return subprocess.CompletedProcess([python, *args], code, stdout, stderr)


@atexit.register
def _stop():
    for server in _servers.values():
        if server.poll() is None:
            server.stdin.close()
            server.wait()
