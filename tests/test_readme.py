"""The README is the front door: its op table, code examples and commands must stay true."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_core.docs import BEGIN, END, op_table_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_readme_op_table_in_sync_with_ops():
    block = README.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert block == op_table_markdown(), "run: python -m autograd_core.docs README.md"


def test_readme_opens_with_the_two_setup_commands():
    first, second = _blocks("bash")[:2]
    assert first.strip() == 'pip install ".[demo]" && python -m demos'
    assert second.strip() == 'pip install ".[test]" && python -m pytest'


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = _blocks("bash")[1].strip()
    assert command in ci.splitlines()


# What each Python example of the README must print (the numbers its comments promise).
PRINTS = {
    "from autograd_core import": ["[[802.0, -400.0], [-400.0, 200.0]]", "-0.5944013651770705 -0.29220068258853527"],
    "from nn import": ["'accuracy': 1.0"],
    "import viz": [],
    "import random": ["Layer of [LinearNeuron(16)] 337", "ReLU ['+']"],
}


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_readme_python_example_runs_and_prints_what_it_says(index, tmp_path):
    code = _blocks("python")[index]
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    expected = next(lines for start, lines in PRINTS.items() if code.startswith(start))
    for line in expected:
        assert line in result.stdout
