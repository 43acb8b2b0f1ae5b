"""benchmarks/same_texts.py: recording from several threads writes whole lines, and
compare names a line that is not a whole record instead of crashing on it."""

import importlib.util
import json
import pathlib
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _same_texts():
    spec = importlib.util.spec_from_file_location("same_texts", ROOT / "benchmarks" / "same_texts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_records_written_from_threads_are_whole_lines(tmp_path):
    path = tmp_path / "texts.jsonl"
    text = "def f(x):\n    return x\n" * 200
    with open(path, "a") as out:
        recorder = _same_texts()._Recorder(out)
        threads = [threading.Thread(target=lambda: [recorder.write(text) for _ in range(50)]) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(entries) == 200 and all(entry == {"test": "<collection>", "text": text} for entry in entries)


def test_compare_names_a_partial_line_and_fails(tmp_path, capsys):
    same_texts = _same_texts()
    whole = json.dumps({"test": "t.py::a", "text": "x = 1\n"}) + "\n"
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_text(whole)
    after.write_text(whole + whole[:20])
    assert same_texts.compare(str(before), str(after)) == 1
    out, err = capsys.readouterr()
    assert f"{after}:2: not a whole record, left out" in err
    assert "0 tests whose texts differ" in out and "0 lines before and 1 after were not whole records" in out
    after.write_text(whole)
    assert same_texts.compare(str(before), str(after)) == 0


def test_compare_leaves_out_a_binary_line(tmp_path, capsys):
    same_texts = _same_texts()
    whole = json.dumps({"test": "t.py::a", "text": "x = 1\n"}).encode() + b"\n"
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_bytes(whole)
    after.write_bytes(whole + b"\xff\xfe\x00garbage\n")
    assert same_texts.compare(str(before), str(after)) == 1
    assert f"{after}:2: not a whole record, left out" in capsys.readouterr().err


def test_a_forked_child_records_nothing(tmp_path):
    import os
    path = tmp_path / "texts.jsonl"
    with open(path, "a") as out:
        recorder = _same_texts()._Recorder(out)
        recorder._pid = os.getpid() + 1         # as a child forked from the recording process sees it
        recorder.write("x = 1\n")
    assert path.read_text() == ""
