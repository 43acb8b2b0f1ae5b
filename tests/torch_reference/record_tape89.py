"""Record what PyTorch gives for the tape programs tests/test_tape89.py checks without
torch (tape89_golden.json, next to this file):

    PYTHONPATH=src python tests/torch_reference/record_tape89.py

The seeds: the programs of tests/tape88_programs.py (seeds 0-19999) on which astgrad and
PyTorch 2.13 disagreed before the tape's in-place checks of a third order followed which
saved tensors PyTorch's second backward took (test_tape89.DIFFERED)."""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import torch  # noqa: E402

import tape88_programs  # noqa: E402
from test_tape89 import DIFFERED  # noqa: E402


def main():
    golden = {}
    for seed in DIFFERED:
        outcome = tape88_programs.run(torch, tape88_programs.program(seed))
        golden[str(seed)] = [outcome[0], outcome[1].tolist() if outcome[0] == "ok" else outcome[1]]
    path = HERE / "tape89_golden.json"
    rows = ",\n".join(f"{json.dumps(seed)}: {json.dumps(outcome)}" for seed, outcome in golden.items())
    path.write_text(f'{{"torch": {json.dumps(torch.__version__)},\n"outcomes": {{\n{rows}}}}}\n')
    print(f"{len(golden)} programs -> {path.name}")


if __name__ == "__main__":
    main()
