"""Renderer search order: dot, graphviz-pure on PATH, graphviz-pure in the scripts dir; none: a clear error."""

import os
import stat

import pytest

from viz import renderer
from viz.renderer import RendererNotFound, find_renderer, output_format, write


def fake(directory, name, marker):
    """An executable that reads dot on stdin and prints an SVG naming itself."""
    directory.mkdir(exist_ok=True)
    exe = directory / name
    exe.write_text(f"#!/bin/sh\ncat > /dev/null\necho '<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{marker}\"/>'\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """Empty PATH and scripts dir; the test adds fakes."""
    path_dir, scripts = tmp_path / "bin", tmp_path / "scripts"
    path_dir.mkdir()
    scripts.mkdir()
    monkeypatch.setenv("PATH", str(path_dir))
    monkeypatch.setattr(renderer, "scripts_dirs", lambda: [str(scripts)])
    return path_dir, scripts


def test_find_renderer_prefers_dot_on_path(dirs):
    path_dir, scripts = dirs
    fake(scripts, "graphviz-pure", "scripts")
    fake(path_dir, "graphviz-pure", "pure")
    dot = fake(path_dir, "dot", "dot")
    assert find_renderer() == dot


def test_find_renderer_then_graphviz_pure_on_path(dirs):
    path_dir, scripts = dirs
    fake(scripts, "graphviz-pure", "scripts")
    pure = fake(path_dir, "graphviz-pure", "pure")
    assert find_renderer() == pure


def test_find_renderer_then_scripts_dir(dirs, tmp_path):
    _, scripts = dirs
    exe = fake(scripts, "graphviz-pure", "scripts")
    assert find_renderer() == exe
    out = write("digraph { a -> b }", tmp_path / "g.svg")
    assert 'id="scripts"' in out.read_text()


def test_write_without_renderer_saves_dot_and_says_what_to_install(dirs, tmp_path):
    source = "digraph { a -> b }"
    with pytest.raises(RendererNotFound, match=r'pip install "autograd-core\[viz\]".*system Graphviz') as info:
        write(source, tmp_path / "g.png")
    dot = tmp_path / "g.dot"
    assert dot.read_text() == source
    assert str(dot) in str(info.value)
    assert not (tmp_path / "g.png").exists()


def test_write_dot_needs_no_renderer(dirs, tmp_path):
    assert write("digraph {}", tmp_path / "g.gv").read_text() == "digraph {}"


def test_scripts_dirs_include_the_running_interpreters():
    import sys
    import sysconfig

    dirs = renderer.scripts_dirs()
    assert sysconfig.get_path("scripts") in dirs and os.path.dirname(sys.executable) in dirs


def test_output_format_rejects_unknown_extension():
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.dot"):
        output_format("graph.pdf")
