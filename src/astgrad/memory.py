"""``astgrad.clear_cache()``: forget the generated code astgrad keeps in memory."""

import sys

from . import caching


def clear_cache() -> None:
    """Forget every derivative generated so far, and what was learned while generating
    them. Gradient functions already made keep the code they hold and go on working;
    transforms made afterwards (``grad(f)`` again, a tape's next ``backward``) generate
    their code afresh. Useful to free memory in a long-running process, or to time
    generation in a benchmark."""
    caching.clear()
    program = sys.modules.get(__package__ + ".tape.program")
    if program is not None:         # the tape front end, if it was used: its recorded programs
        program.clear_cache()
    purity = sys.modules.get(__package__ + ".analysis.purity")
    if purity is not None:          # loaded with the engine, which keeps what it found about functions
        purity.clear()
