"""Record what PyTorch gives for the random tape programs of tests/tape88_programs.py
(tape88_golden.json, next to this file), for tests/test_tape88.py without torch:

    PYTHONPATH=src python tests/torch_reference/record_tape88.py

The seeds: those of 0-299 whose program PyTorch computes or refuses for an in-place
change, and those of 300-3999 where astgrad and PyTorch 2.13 disagreed before the
tape's in-place checks for a leaf's old value and for a saved operand's history."""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import torch  # noqa: E402

import tape88_programs  # noqa: E402

EARLIER = [322, 323, 340, 368, 454, 479, 508, 516, 540, 580, 618, 638, 648, 669, 720, 733, 794, 806, 813, 819,
           981, 1057, 1110, 1146, 1154, 1177, 1200, 1207, 1300, 1325, 1334, 1388, 1453, 1611, 1613, 1659, 1704,
           1712, 1779, 1822, 1834, 1858, 1889, 1893, 1923, 1959, 1972, 1994, 2042, 2069, 2078, 2091, 2099, 2152,
           2165, 2210, 2212, 2229, 2235, 2247, 2302, 2435, 2578, 2596, 2616, 2653, 2707, 2778, 2780, 2797, 2820,
           2855, 2932, 2940, 2975, 2977, 3037, 3045, 3051, 3075, 3105, 3182, 3203, 3239, 3269, 3293, 3379, 3401,
           3442, 3496, 3550, 3686, 3695, 3716, 3717, 3720, 3722, 3772, 3817, 3840, 3928, 3950, 3964]


def main():
    golden = {}
    for seed in list(range(300)) + EARLIER:
        outcome = tape88_programs.run(torch, tape88_programs.program(seed))
        if outcome is None or outcome[0] == "other":
            continue
        golden[str(seed)] = [outcome[0], outcome[1].tolist() if outcome[0] == "ok" else outcome[1]]
    path = HERE / "tape88_golden.json"
    rows = ",\n".join(f"{json.dumps(seed)}: {json.dumps(outcome)}" for seed, outcome in golden.items())
    path.write_text(f'{{"torch": {json.dumps(torch.__version__)},\n"outcomes": {{\n{rows}}}}}\n')
    print(f"{len(golden)} programs -> {path.name}")


if __name__ == "__main__":
    main()
