"""Renderer search order: dot, graphviz-pure on PATH, graphviz-pure in the scripts dir; none: a clear error."""

import stat

import pytest

from viz import renderer
from viz.renderer import (
    RendererNotFound,
    RenderError,
    find_renderer,
    find_renderers,
    output_format,
    render_source,
    write,
)


def fake(directory, name, marker, fails=False):
    """An executable that reads dot on stdin and prints an SVG naming itself (or, failing, an error and exit 3)."""
    directory.mkdir(exist_ok=True)
    exe = directory / name
    body = (
        f"echo '{marker} is broken' >&2\nexit 3"
        if fails
        else f'echo \'<svg xmlns="http://www.w3.org/2000/svg" id="{marker}"/>\''
    )
    exe.write_text(f"#!/bin/sh\nwhile read -r line; do :; done\n{body}\n")  # builtins only: PATH may be empty
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
    with pytest.raises(RendererNotFound, match=r'pip install "\.\[viz\]" in a clone.*system Graphviz') as info:
        write(source, tmp_path / "g.png")
    dot = tmp_path / "g.dot"
    assert dot.read_text() == source
    assert str(dot) in str(info.value)
    assert not (tmp_path / "g.png").exists()


def test_write_dot_needs_no_renderer(dirs, tmp_path):
    assert write("digraph {}", tmp_path / "g.gv").read_text() == "digraph {}"


def test_find_renderer_looks_next_to_the_interpreter_with_empty_path(tmp_path, monkeypatch):
    """No PATH, no activated venv: graphviz-pure is found in sysconfig's scripts dir, else next to sys.executable."""
    monkeypatch.setenv("PATH", "")
    scripts, interpreter_dir = tmp_path / "scripts", tmp_path / "python"
    monkeypatch.setattr(renderer.sysconfig, "get_path", lambda name: str(scripts) if name == "scripts" else None)
    monkeypatch.setattr(renderer.sys, "executable", str(interpreter_dir / "python3"))
    beside = fake(interpreter_dir, "graphviz-pure", "beside")
    assert find_renderer() == beside and find_renderers() == [beside]
    in_scripts = fake(scripts, "graphviz-pure", "scripts")
    assert find_renderers() == [in_scripts, beside]


def test_render_source_falls_back_when_the_first_renderer_fails(dirs):
    path_dir, scripts = dirs
    fake(path_dir, "dot", "dot", fails=True)
    fake(scripts, "graphviz-pure", "scripts")
    assert b'id="scripts"' in render_source("digraph { a }", "svg")


def test_render_source_reports_every_failure(dirs):
    path_dir, scripts = dirs
    dot = fake(path_dir, "dot", "dot", fails=True)
    pure = fake(scripts, "graphviz-pure", "pure", fails=True)
    with pytest.raises(RenderError, match="every dot renderer failed") as info:
        render_source("digraph { a }", "svg")
    message = str(info.value)
    assert f"{dot} failed (exit 3): dot is broken" in message and f"{pure} failed (exit 3): pure is broken" in message


def test_output_format_rejects_unknown_extension():
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.dot"):
        output_format("graph.pdf")
