"""demos.chainrule: its checks pass and it writes its pictures (seed 000 through explain, exercise, gradcheck)."""

from demos import chainrule


def test_chainrule_demo_checks_pass_and_writes_its_files(tmp_path, capsys):
    assert chainrule.main(["--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "(1)(0.5109)(0.2055)(1.5) + (0.1)(1.6) = 0.3175" in printed
    assert "the rule of op 'my_sigmoid_wrong' is wrong for input 0 at x = 0.9" in printed
    for name in ("chainrule_path.svg", "chainrule_worksheet.svg", "chainrule_answer_key.md",
                 "chainrule_backward.svg", "chainrule_forward.html"):  # fmt: skip
        assert (tmp_path / name).stat().st_size > 0, name
    assert "my_sigmoid" not in chainrule.OPS  # the lesson's rows are gone again
