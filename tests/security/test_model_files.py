"""Model files under attack and accident: atomic saves that follow no planted symlink and survive
concurrency, and loads that refuse special, huge, duplicated or corrupt files with a short ValueError.

Before: save wrote a fixed ``<path>.tmp`` (a symlink there redirected the write; concurrent saves raised
FileNotFoundError; a failed save left it behind), load blocked forever on a FIFO and read /dev/zero until
memory ran out, the last of two duplicate keys won, and a 50 MB string went whole into the message."""

import json
import os
import subprocess
import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.io
from nn import MLP
from viz.__main__ import main as viz_main

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and symlinks as on POSIX")


def _saved(folder) -> tuple:
    path = folder / "m.json"
    MLP(2, [3, 1], activation="tanh", seed=1).save(path)
    return path, path.read_bytes()


def _refused(path, message: str, **kwargs) -> str:
    with pytest.raises(ValueError, match=message) as info:
        MLP.load(path, **kwargs)
    text = str(info.value)
    assert str(path) in text and len(text) < 400 + len(str(path))
    return text


# --- save ---------------------------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("planted", ["m.json.tmp", "m.json"], ids=["at the old temporary name", "at the target"])
def test_save_never_writes_through_a_planted_symlink(tmp_path, planted):
    """A link at the old fixed temporary name redirected the write; a link at the target is replaced, not followed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / planted).symlink_to(victim)
    MLP(2, [1], seed=0).save(tmp_path / "m.json")
    assert victim.read_text() == "precious" and not (tmp_path / "m.json").is_symlink()
    assert MLP.load(tmp_path / "m.json").sizes == [2, 1]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_save_leaves_no_temporary_file_and_the_old_model(tmp_path, monkeypatch, failing):
    path, before = _saved(tmp_path)

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nn.io.os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        MLP(2, [3, 1], seed=7).save(path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"] and path.read_bytes() == before


def test_concurrent_saves_to_one_path_all_succeed_and_leave_one_valid_file(tmp_path):
    path = tmp_path / "m.json"
    models = [MLP(2, [4, 1], seed=s) for s in range(8)]
    errors = []

    def save_many(model):
        try:
            for _ in range(8):
                model.save(path)
        except Exception as error:  # the test reports every failure, not just the first thread's
            errors.append(error)

    threads = [threading.Thread(target=save_many, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
    loaded = [p.data for p in MLP.load(path).parameters()]
    assert loaded in [[p.data for p in m.parameters()] for m in models]


# --- load: what kind of file, and how big --------------------------------------------------------------


@posix_only
def test_load_refuses_a_fifo_at_once_instead_of_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    outcome = []

    def load():
        try:
            MLP.load(fifo)
        except ValueError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # the old code blocks in open(): a writer releases it, then the test fails
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("MLP.load blocked on a FIFO")
    assert outcome == [f"cannot load model from {fifo}: it is a FIFO, not a regular file"]
    assert viz_main(["model", str(fifo), "--input", "0.5", "-1.2"]) == 1  # python -m viz model fifo.json


@posix_only
def test_load_refuses_dev_zero_without_reading_it(tmp_path):
    """In a child with 1 GB of address space and 30 s: the old code read /dev/zero until MemoryError."""
    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
        "from nn import MLP\n"
        "try:\n    MLP.load('/dev/zero')\nexcept ValueError as e:\n    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "cannot load model from /dev/zero: it is a device or socket, not a regular file"


def test_load_refuses_a_folder(tmp_path):
    _refused(tmp_path, "it is a folder, not a regular file")


def test_load_refuses_files_over_the_size_cap_and_max_bytes_raises_it(tmp_path):
    path, text = _saved(tmp_path)
    _refused(path, rf"the file has {len(text)} bytes, more than max_bytes={len(text) - 1} ", max_bytes=len(text) - 1)
    assert MLP.load(path, max_bytes=len(text)).sizes == [2, 3, 1]
    sparse = tmp_path / "huge.json"
    with open(sparse, "wb") as f:
        f.truncate(10 * 2**30)  # 10 GiB that takes no disk: refused from its size, never read
    _refused(sparse, rf"the file has {10 * 2**30} bytes, more than max_bytes={nn.io.MAX_BYTES} ")
    with pytest.raises(ValueError, match="max_bytes must be a positive whole number"):
        MLP.load(path, max_bytes=0)


# --- load: what the file says --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"init": "uniform"', '"init": "he", "init": "uniform"'),
        ('"b": ', '"b": 1.5, "b": '),
        ('"format"', '"sizes": [2, 3, 1], "format"'),
    ],
)
def test_load_refuses_duplicate_keys(tmp_path, old, new):
    path, text = _saved(tmp_path)
    doc = json.dumps(json.loads(text))
    assert old in doc
    path.write_text(doc.replace(old, new, 1))
    _refused(path, r"the key '(init|b|sizes)' appears twice in one object")


def test_messages_quote_at_most_a_few_dozen_characters_of_the_file(tmp_path):
    _, text = _saved(tmp_path)
    doc = json.loads(text)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({**doc, "format": "x" * 50_000_000}))
    _refused(big, r"format is 'xxxx.*', expected 'autograd-core MLP'", max_bytes=2**27)
    big.write_text(json.dumps({**doc, **{f"key{k}": 0 for k in range(1_000_000)}}))
    message = _refused(big, "unknown key", max_bytes=2**27)
    assert "key0, key1, key2 and 999997 more" in message
    doc["activations"][0] = ["relu"] * 1_000_000
    big.write_text(json.dumps(doc))
    _refused(big, r"activations\[0\] is \['relu', 'relu', 'relu', 'relu', \.\.\.\]", max_bytes=2**27)


GOOD = MLP(2, [3, 2], activation="relu", output_activation="softmax", seed=3)


def _check_loads_or_refuses(path):
    """Either a ValueError naming the path in a short message, or a model of the saved shape: nothing else."""
    try:
        model = MLP.load(path)
    except ValueError as error:
        assert str(path) in str(error) and len(str(error)) < 600
        return
    assert model.sizes == GOOD.sizes


@given(cut=st.integers(0, 10_000))
def test_load_of_any_truncation_refuses_or_loads(tmp_path_factory, cut):
    path = tmp_path_factory.mktemp("cut") / "m.json"
    GOOD.save(path)
    text = path.read_bytes()
    path.write_bytes(text[: cut % len(text)])
    _check_loads_or_refuses(path)


@given(flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=4))
def test_load_of_any_byte_flip_refuses_or_loads(tmp_path_factory, flips):
    path = tmp_path_factory.mktemp("flip") / "m.json"
    GOOD.save(path)
    data = bytearray(path.read_bytes())
    for at, byte in flips:
        data[at % len(data)] = byte
    path.write_bytes(bytes(data))
    _check_loads_or_refuses(path)
