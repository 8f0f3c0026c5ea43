"""backward_animation: the SVG is script-free and shows BACKWARD's grads step by step (headless Chromium at each
step's time); the GIF has one frame per step plus the finished graph; same input, same bytes."""

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import needs_renderer, seed_000

from viz import backward_animation, backward_steps
from viz.dot import fmt, part_order
from viz.expressions import square

pytestmark = needs_renderer

SVG = "{http://www.w3.org/2000/svg}"

# what the picture shows at the paused time: each value node's visible grad line
STATE = """(() => {
  const svg = document.querySelector('svg');
  svg.pauseAnimations(); svg.setCurrentTime(%s);
  const shown = t => getComputedStyle(t).visibility !== 'hidden';
  const grads = {};
  for (const g of svg.querySelectorAll('g.value')) {
    const t = Array.from(g.querySelectorAll('text')).filter(t => t.textContent.startsWith('grad') && shown(t));
    grads[g.id] = t.map(x => x.textContent);
  }
  const caption = Array.from(svg.querySelectorAll('text.caption')).filter(shown).map(t => t.textContent);
  return JSON.stringify({grads, caption});
})()"""


def test_backward_animation_svg_has_no_script(tmp_path):
    L, _ = seed_000()
    text = backward_animation(L, tmp_path / "a.svg").read_text()
    root = ET.fromstring(text)
    assert not [e for e in root.iter() if e.tag.endswith("script") or e.tag.endswith("foreignObject")]
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    assert "javascript:" not in text
    assert len(list(root.iter(f"{SVG}set"))) > 40 and root.find(f".//{SVG}animate").get("id") == "clock"


@pytest.mark.parametrize("build", [lambda: seed_000()[0], square], ids=["seed_000", "square"])
def test_backward_animation_svg_steps_in_chromium(browser, build, tmp_path):
    L = build()
    seconds = 0.5
    svg = backward_animation(L, tmp_path / "a.svg", seconds=seconds, hold=1.0).read_text()
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><body><div id='frame'>svg</div>" + svg[svg.index("<svg") :] + "</body></html>"
    )
    browser.open(page.as_uri())
    order = part_order(L)
    ids = {v: f"v{k}" for k, v in enumerate(order)}
    steps = backward_steps(L)
    for k, step in enumerate(steps):
        state = json.loads(browser.js(STATE % ((k + 0.5) * seconds)))
        done = {ids[s.node] for s in steps[: k + 1]}
        for s in steps:
            if not (s.node.parents or s.node.label):
                continue  # a constant shows its number only
            want = [f"grad {fmt(s.grad)}"] if ids[s.node] in done else ["grad ?"]
            assert state["grads"][ids[s.node]] == want, (k, s.node.label)
        assert state["caption"] == [state["caption"][0]] and state["caption"][0].startswith(f"step {k + 1} of")
        assert fmt(step.grad).replace("-", "−") in state["caption"][0]
    # after the hold it loops back to step 1
    state = json.loads(browser.js(STATE % (len(steps) * seconds + 1.0 + 0.25)))
    assert state["caption"][0].startswith("step 1 of")


def test_backward_animation_gif_frames_and_bytes(tmp_path):
    from PIL import Image

    L = square()
    a = backward_animation(L, tmp_path / "a.gif", seconds=0.25, hold=2.0).read_bytes()
    b = backward_animation(L, tmp_path / "b.gif", seconds=0.25, hold=2.0).read_bytes()
    assert a == b  # deterministic
    image = Image.open(io.BytesIO(a))
    assert image.n_frames == len(backward_steps(L)) + 1
    durations = []
    for k in range(image.n_frames):
        image.seek(k)
        durations.append(image.info["duration"])
    assert durations == [250] * (image.n_frames - 1) + [2250]


def test_backward_animation_svg_is_deterministic_and_timed(tmp_path):
    L, _ = seed_000()
    one = backward_animation(L, tmp_path / "a.svg", seconds=2.0).read_bytes()
    assert one == backward_animation(L, tmp_path / "b.svg", seconds=2.0).read_bytes()
    total = len(backward_steps(L)) * 2.0 + 3.0
    assert f'dur="{total:g}s"' in one.decode()
    assert re.search(rb'begin="clock.begin\+2s"', one)


def test_backward_animation_bad_arguments(tmp_path):
    L = square()
    with pytest.raises(ValueError, match=r"\.svg or \.gif"):
        backward_animation(L, tmp_path / "a.png")
    with pytest.raises(ValueError, match="seconds > 0"):
        backward_animation(L, tmp_path / "a.svg", seconds=0)
    with pytest.raises(TypeError, match="Value"):
        backward_animation(1.0, tmp_path / "a.svg")
