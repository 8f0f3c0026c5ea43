"""Save/load: a bit-exact round trip, and every corrupt file refused with a ValueError naming it."""

import json
import struct

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nn import MLP
from nn.modules import ACTIVATIONS, build

HIDDEN = [a for a in ACTIVATIONS if a != "softmax"]


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(HIDDEN),
    output=st.sampled_from(ACTIVATIONS),
    init=st.sampled_from(["uniform", "scaled_uniform", "xavier", "he"]),
)
def test_save_load_round_trip_is_bit_exact(tmp_path_factory, seed, sizes, hidden, output, init):
    assume(output != "softmax" or sizes[-1] >= 2)
    model = MLP(sizes[0], sizes[1:], activation=hidden, output_activation=output, seed=seed, init=init)
    path = tmp_path_factory.mktemp("io") / "m.json"
    model.save(path)
    loaded = MLP.load(path)
    assert (loaded.sizes, loaded.activations, loaded.init) == (model.sizes, model.activations, model.init)
    assert [_bits(p.data) for p in loaded.parameters()] == [_bits(p.data) for p in model.parameters()]
    assert [p.label for p in loaded.parameters()] == [p.label for p in model.parameters()]
    x = [0.1 * (i + 1) - 0.25 for i in range(sizes[0])]
    out, back = model(x), loaded(x)
    outs = [out] if sizes[-1] == 1 else out
    backs = [back] if sizes[-1] == 1 else back
    assert [_bits(o.data) for o in outs] == [_bits(o.data) for o in backs]


def test_saved_file_writes_every_float_with_repr_and_documents_the_format(tmp_path):
    model = build([1, 1], ["linear"], [0.1 + 0.2, 1e-310])  # 0.30000000000000004 and a subnormal
    path = tmp_path / "m.json"
    model.save(path)
    text = path.read_text()
    assert "0.30000000000000004" in text and repr(1e-310) in text
    doc = json.loads(text)
    assert doc == {
        "format": "autograd-core MLP",
        "version": 1,
        "sizes": [1, 1],
        "activations": ["linear"],
        "init": "uniform",
        "layers": [[{"w": [0.30000000000000004], "b": 1e-310}]],
    }
    assert not (tmp_path / "m.json.tmp").exists()


def test_save_refuses_non_finite_parameters(tmp_path):
    model = MLP(2, [1], seed=0)
    model.parameters()[1].data = float("inf")
    with pytest.raises(ValueError, match=r"L1\.N1\.w2 is inf"):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def _good(tmp_path) -> dict:
    path = tmp_path / "good.json"
    MLP(2, [2, 1], activation="tanh", seed=1).save(path)
    return json.loads(path.read_text())


def _set(doc, keys, value):
    *head, last = keys
    for k in head:
        doc = doc[k]
    if value is _DELETE:
        del doc[last]
    else:
        doc[last] = value


_DELETE = object()


def _assert_refused(tmp_path, text: str, message: str) -> None:
    """Loading a file with this text raises ValueError matching ``message`` and naming the path."""
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        MLP.load(path)
    assert str(path) in str(info.value)


CORRUPTIONS = [
    (["version"], 2, "unsupported format version 2"),
    (["version"], True, "unsupported format version True"),  # True == 1, but not a version
    (["version"], 1.0, "unsupported format version 1.0"),
    (["format"], "pickle", "not an autograd-core model file"),
    (["sizes"], [2, 3, 1], r"layers\[0\] has 2 entries, expected 3"),
    (["sizes", 0], 0, r"sizes\[0\] must be a positive integer"),
    (["sizes", 0], 2.0, r"sizes\[0\] must be a positive integer"),
    (["activations", 0], "gelu", r"activations\[0\] is 'gelu'; valid: relu"),
    (["activations", 0], "softmax", "softmax only for the last layer"),
    (["activations", 1], "softmax", r"activations\[1\] is softmax on 1 output; softmax needs at least 2"),
    (["activations"], ["tanh"], "activations has 1 entries, expected 2"),
    (["init"], "magic", "init is 'magic'"),
    (["layers", 0, 1, "w"], [0.5], r"layers\[0\]\[1\] \(L1\.N2\)\.w has 1 entries, expected 2"),
    (["layers", 1, 0, "b"], "0.5", r"layers\[1\]\[0\] \(L2\.N1\)\.b must be a number"),
    (["layers", 1, 0, "b"], None, r"\.b must be a number"),
    (["layers", 1, 0, "b"], True, r"\.b must be a number"),
    pytest.param(["layers", 1, 0, "b"], 10**400, r"\.b is an integer of 401 digits, beyond the float", id="b=10**400"),
    (["layers", 0, 0, "extra"], 1.0, "unknown key\\(s\\) extra"),
    (["layers", 0, 0, "b"], _DELETE, "missing key\\(s\\) b"),
    (["seed"], 3, "the top level: unknown key\\(s\\) seed"),
    (["init"], _DELETE, "the top level: missing key\\(s\\) init"),
    (["layers"], {"0": []}, "layers must be a list"),
]


@pytest.mark.parametrize(("keys", "value", "message"), CORRUPTIONS)
def test_load_refuses_a_corrupt_file_naming_problem_and_path(tmp_path, keys, value, message):
    doc = _good(tmp_path)
    _set(doc, keys, value)
    _assert_refused(tmp_path, json.dumps(doc), message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ('{"format": "autograd-core MLP", "version": 1, "sizes": [2, ', "not valid JSON"),
        ("[1, 2, 3]", "the top level must be a JSON object"),
        ("pickle\x80\x04", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_load_refuses_truncated_or_non_json_files(tmp_path, text, message):
    _assert_refused(tmp_path, text, message)


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "non-finite number NaN"),
        ("Infinity", "non-finite number Infinity"),
        ("-Infinity", "non-finite number -Infinity"),
        ("1e400", r"layers\[0\]\[0\] \(L1\.N1\)\.w\[1\] is inf"),
        # past the int-string limit of Python ≥ 3.10.7 (4300 digits); older ones reach the float check
        ("1" + "0" * 5000, "a number in the file is too long|5001 digits, beyond the float range"),
    ],
)
def test_load_refuses_non_finite_numbers(tmp_path, literal, message):
    doc = _good(tmp_path)
    doc["layers"][0][0]["w"][1] = 12345.5
    _assert_refused(tmp_path, json.dumps(doc).replace("12345.5", literal), message)


def test_load_of_a_missing_file_names_the_path(tmp_path):
    with pytest.raises(ValueError, match="does not exist") as info:
        MLP.load(tmp_path / "nope.json")
    assert "nope.json" in str(info.value)
