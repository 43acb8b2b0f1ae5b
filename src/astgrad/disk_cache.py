"""Generated code kept on disk, so that another process does not generate it again.

An entry is the generated source text of one derivative, and how to find again each
object the code is bound to (a module by its name, a function by its module and
qualified name). Its key is a hash of everything that determines the code: the
function's source text, file and first line, the mode and ``wrt``, the argument kinds
(when code is specialized to them), the classes of the objects the function was made for
(object_layouts.py: ``zip(w.q, xs)`` is other code where ``w.q`` iterates itself), astgrad's version and source (which its own rules are
part of: they are not counted, so a process served from the disk cache need not register
them), whether only astgrad's rules are registered (the
rules of an optional library such as SciPy, and its version, only for code that reached
one of its objects), the Python and NumPy versions, and whether Python runs with ``-O``
(which drops asserts). On load, the entry's checksum is verified and every name
the code depended on when it was generated must mean an equal object now (same module
and qualified name, same code for a function, the same methods, constants and dataclass
fields for a class); otherwise the entry is not used and the
derivative is generated again. Code calling a callee's derivative keeps a record of each
(which function, which derivative, what the callee's names meant, its own callees): on
load each is checked and taken as it is now (disk_callees.py), so a changed callee makes
the entry stale. Code bound to something that cannot be found again by name (the
derivative of a lambda or local function, an object made at run time) is not stored.

Writes are atomic (a temporary file in the cache directory, then ``os.replace``), so a
reader never sees half an entry. The directory is bounded in size: past the bound, the
least recently used entries are removed. A directory that cannot be written turns the
disk cache off for the process, with one warning.

Settings: ``ASTGRAD_CACHE=0`` turns it off, ``ASTGRAD_CACHE_DIR`` chooses the directory,
``ASTGRAD_CACHE_SIZE`` bounds it (bytes); ``astgrad.configure_cache(...)`` does the same
from Python.
"""

import os
import sys
import threading
import warnings

from .core.generated_text import user_places
from .rules.optional import loaded_rules

# json, disk_entries and disk_callees are imported where an entry is read or written:
# a process with the cache off never loads them

FORMAT = 5      # 3: a rule's module bound to its snapshot (core/originals.py); 4: guarded globals held as cells;
                # 5: guarded attributes (H_act) and closure variables held too
DEFAULT_SIZE = 64 * 1024 * 1024

_settings = {"enabled": None, "directory": None, "size": None}
_lock = threading.Lock()
# size: the directory's bytes as this process knows them; trusted: the directory checked
_state = {"failed": False, "size": None, "trusted": None}


def configure_cache(enabled=None, directory=None, size=None):
    """Turn the disk cache of generated code on or off, choose its directory or bound
    its size in bytes (None: keep the current setting). Returns the settings in effect."""
    if isinstance(enabled, (str, bytes)):       # bool("off") is True
        raise TypeError(f"enabled={enabled!r}: configure_cache takes True or False (the environment "
                        "variable ASTGRAD_CACHE takes the words 0, off, no, false)")
    if size is not None:
        size = _size_given(size)
    with _lock:
        if enabled is not None:
            _settings["enabled"] = bool(enabled)
            _state["failed"] = False
        if directory is not None:
            _settings["directory"] = os.fspath(directory)
            _state["failed"] = False
            _state["size"] = _state["trusted"] = None
        if size is not None:
            _settings["size"] = int(size)
    return {"enabled": _enabled(), "directory": cache_directory(), "size": _size()}


def _size_given(size):
    """``size`` as the int of bytes it gives, or a ValueError saying what is expected."""
    import operator
    try:
        bytes_given = operator.index(size)
    except TypeError:
        bytes_given = -1
    if bytes_given < 0:
        raise ValueError(f"size={size!r}: the bound on the cache's size is a number of bytes, an int of 0 or "
                         "more (64 * 1024 * 1024 by default)")
    return bytes_given


def _enabled():
    if _state["failed"]:
        return False
    if _settings["enabled"] is not None:
        return _settings["enabled"]
    return os.environ.get("ASTGRAD_CACHE", "1").strip().lower() not in ("0", "false", "no", "off", "")


def _size():
    if _settings["size"] is not None:
        return _settings["size"]
    try:
        return int(os.environ.get("ASTGRAD_CACHE_SIZE", DEFAULT_SIZE))
    except ValueError:
        return DEFAULT_SIZE


def cache_directory():
    """Where entries are kept: ASTGRAD_CACHE_DIR, else the user's cache directory. A
    relative path is made absolute (from the current directory), so the directory
    checked is the one used, also after ``os.chdir``."""
    directory = _settings["directory"] or os.environ.get("ASTGRAD_CACHE_DIR")
    if directory:
        return os.path.abspath(directory)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "astgrad")


def entry_key(fn, key, kinds=None, optional=()):
    """The hash naming ``fn``'s derivative ``key`` (and argument ``kinds``) on disk, or
    None when ``fn``'s source cannot be read. ``optional``: the optional libraries' rules
    (disk_entries.optional_rules), for code that may have used them."""
    import json
    from . import disk_entries
    source, made_for = disk_entries.function_source(fn), disk_entries.made_for(fn)
    if source is None or made_for is None:
        return None
    parts = [FORMAT, disk_entries.environment(), disk_entries.rules_fingerprint(), disk_entries.key_text(key),
             repr(kinds), source, disk_entries.stable_filename(fn.__code__.co_filename),
             fn.__code__.co_firstlineno, fn.__qualname__, fn.__code__.co_freevars]
    if optional:
        parts.append(optional)
    places = user_places(fn.__code__.co_filename)
    if places:              # generated code: the same text made from another file's lines shows those
        parts.append(places)
    if made_for:            # code made for the layouts of the objects given (object_layouts.py)
        parts.append(made_for)
    return disk_entries.sha256(json.dumps(parts, default=repr).encode()).hexdigest()


def load(fn, key, kinds=None, derive=None):
    """The Generated code stored for ``fn``'s derivative ``key``, rebuilt and checked,
    or None (absent, corrupt, stale, or the cache is off). ``derive`` takes the callees'
    derivatives it calls as they are now (see ``disk_callees.resolved``; without it, code
    calling a callee's derivative is not loaded)."""
    name, entry = _read(fn, key, kinds)
    if entry is None:
        return None
    from . import disk_entries
    return disk_entries.rebuild(entry, name, fn, _resolver(derive, fn))


def load_checked(fn, key, derive=None):
    """(name, dependencies, the callees' derivatives) of ``fn``'s derivative ``key`` where
    an earlier process checked it (see ``store_checked``) under the same meanings of its
    names and the same callees, else None."""
    name, entry = _read(fn, _CHECKED + key)
    if entry is None:
        return None
    from . import disk_entries
    return disk_entries.rebuild_checked(entry, name, fn, _resolver(derive, fn))


def _resolver(derive, fn):
    from . import disk_callees
    return None if derive is None else lambda records: disk_callees.resolved(records, derive, fn)


_CHECKED = ("checked",)


def _read(fn, key, kinds=None):
    """(the entry's name, the entry as stored) or (name, None) when there is none. Code
    that depended on no optional library (SciPy) is keyed without their rules; other
    code, with the rules this process registered for them (see ``store``)."""
    if not _enabled():
        return None, None
    from . import disk_entries
    name = entry_key(fn, key, kinds)
    if name is None or disk_entries.rules_fingerprint() is None or not _trusted():
        return name, None
    entry = _entry(name)
    optional = loaded_rules() if entry is None else ()
    if optional:
        name = entry_key(fn, key, kinds, optional)
        entry = _entry(name)
    return name, entry


def _entry(name):
    """The entry stored under ``name`` (marked recently used), or None."""
    import json
    path = os.path.join(cache_directory(), name[:2], name + ".json")
    try:
        with open(path, encoding="utf-8") as handle:
            entry = json.load(handle)
    except (OSError, ValueError, RecursionError):      # (a corrupt file nested past the parser's depth)
        return None
    try:
        os.utime(path)          # recently used: evicted last
    except OSError:
        pass
    return entry


def store(fn, key, generated, kinds=None):
    """Keep ``generated`` on disk if everything it is bound to can be found again."""
    if not _enabled() or generated.derived is None:
        return
    from . import disk_callees, disk_entries
    if disk_entries.rules_fingerprint() is None:
        return
    callees, positions = disk_callees.described(generated.derived, fn)
    optional = disk_entries.optional_rules(generated.dependencies,
                                           [cell.cell_contents for cell in generated.cells.values()])
    name = entry_key(fn, key, kinds, optional)
    if name is not None and callees is not None:
        _write(name, disk_entries.entry_for(generated, name, callees, positions))


def store_checked(fn, key, function_name, dependencies, derived):
    """Record that ``fn``'s derivative ``key`` (named ``function_name``) passed every
    check while its names meant what ``dependencies`` say and its callees' derivatives
    were ``derived``: another process creating the same gradient need not check it again
    before generating it for its first call."""
    if not _enabled() or derived is None:
        return
    from . import disk_callees, disk_entries
    if disk_entries.rules_fingerprint() is None:
        return
    callees, _ = disk_callees.described(derived, fn)
    name = entry_key(fn, _CHECKED + key, optional=disk_entries.optional_rules(dependencies))
    if name is not None and callees is not None:
        _write(name, disk_entries.checked_entry(name, function_name, dependencies, callees))


def _write(name, entry):
    """Write ``entry`` (None: nothing) atomically under ``name``: a temporary file in the
    same directory, renamed into place, so a reader finds the old entry, the new one or
    none, never part of one."""
    if entry is None:
        return
    import tempfile
    directory = os.path.join(cache_directory(), name[:2])
    target = os.path.join(directory, name + ".json")
    try:
        os.makedirs(directory, exist_ok=True)
        if not _trusted():
            return
        handle = tempfile.NamedTemporaryFile("w", dir=directory, suffix=".tmp", delete=False, encoding="utf-8")
        try:
            with handle:
                _write_json(entry, handle)
            written = os.path.getsize(handle.name)
            _replace(handle.name, target)
        except BaseException:
            _remove(handle.name)
            raise
    except _Dropped:
        return
    except OSError as error:
        _fail(error)
        return
    _bound(written)


def _write_json(entry, handle):
    """Write ``entry`` into the open file ``handle`` as JSON: made as one string, which the
    C encoder makes (``json.dump`` encodes in Python, piece by piece: 5 ms of storing a
    300-statement gradient)."""
    import json
    handle.write(json.dumps(entry))


class _Dropped(Exception):
    """Another process got in the way of a write (it evicted the temporary file, or on
    Windows it has the entry open): this entry is not stored, and nothing is wrong."""


def _replace(source, target):
    try:
        os.replace(source, target)
    except FileNotFoundError:
        raise _Dropped() from None
    except PermissionError:
        if os.name == "nt" and os.path.exists(target):
            raise _Dropped() from None
        raise


def _bound(written):
    """Keep the directory within its size bound: its size is taken (and entries evicted)
    at this process's first write, then whenever what it wrote since would pass the bound."""
    with _lock:
        known = _state["size"]
        _state["size"] = None if known is None else known + written
        due = known is None or known + written > _size()
    if due:
        remaining = evict(_size())
        with _lock:
            _state["size"] = remaining


def _fail(error):
    _off(f"astgrad cannot write its cache of generated code in {cache_directory()} ({error.strerror or error})")


def _off(reason):
    """Turn the disk cache off for this process, saying why once."""
    with _lock:
        if _state["failed"]:
            return
        _state["failed"] = True
    warnings.warn(f"{reason}; generated code is kept in memory only in this process. Set ASTGRAD_CACHE_DIR "
                  "to a writable directory of your own, or ASTGRAD_CACHE=0 to silence this.",
                  RuntimeWarning, stacklevel=5)


def _trusted():
    """Whether the directory may hold code this process runs: as for any code, only its
    user (and root) may be able to write there. On POSIX a directory owned by another
    user, or writable by everyone, turns the cache off (once, with a warning). Checked
    once per directory; a directory that does not exist yet holds nothing to trust."""
    directory = cache_directory()
    if _state["trusted"] == directory or not hasattr(os, "getuid"):
        return True
    try:
        info = os.stat(directory)
    except OSError:
        return True
    if info.st_uid not in (os.getuid(), 0) or info.st_mode & 0o002:
        _off(f"astgrad does not use the cache of generated code in {directory}: it is "
             + ("writable by every user" if info.st_mode & 0o002 else "another user's"))
        return False
    _state["trusted"] = directory
    return True


def evict(limit):
    """Remove the least recently used entries until the directory holds at most ``limit``
    bytes (a temporary file another process may still be writing is left alone); returns
    the size left."""
    import time
    entries, recent = [], time.time() - 60
    for root, _, files in os.walk(cache_directory()):
        for file in files:
            path = os.path.join(root, file)
            try:
                info = os.stat(path)
            except OSError:
                continue
            if not (file.endswith(".tmp") and info.st_mtime > recent):
                entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        _remove(path)
        total -= size
    return total


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass

