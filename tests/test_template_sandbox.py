"""Templates are data: a hostile .docx template runs nothing, reads nothing, grows nothing;
text typed by units is filled in as it is, never read as template syntax."""
from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import docx
import pytest

from exports.adoption_table import write_adoption_table
from exports.explanation import write_explanation
from exports.letter import write_letter
from exports.template_sandbox import TemplateLimitError, limits, sandbox_environment
from exports.templates import TemplateError
from tests.test_explanation import build_consultation
from tests.test_templates import all_text, bureau_template


@pytest.fixture
def project(tmp_path):
    project = build_consultation(tmp_path / "consultation.yjt")
    yield project
    project.close()


ESCAPES = [
    # the attack run's payloads: a shell command, the environment, internals of ordinary values
    ("{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}", "lipsum"),
    ("{{ cycler.__init__.__globals__.os.environ }}", "__init__"),
    ("{{ joiner.__init__.__globals__.os.system('touch PWNED') }}", "__init__"),
    ("{{ plan.title.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ c.__class__ }}{% for c in comments %}{% endfor %}", ""),
    ("{{ self._TemplateReference__context }}", ""),
    ("{{ plan.update({'title': 'x'}) }}", "update"),
    ("{{ namespace }}", "namespace"),
]


@pytest.mark.parametrize("placeholder, named", ESCAPES)
def test_a_template_cannot_reach_the_program(project, tmp_path, monkeypatch, placeholder, named):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YJT_SECRET", "机密环境变量")
    template = bureau_template(tmp_path / "外来模板.docx", "标题", placeholder)
    with pytest.raises(TemplateError) as caught:
        write_explanation(project, tmp_path / "说明.docx", template=template)
    message = str(caught.value)
    assert "外来模板.docx" in message and named in message and "\n" not in message
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "说明.docx").exists()
    assert "机密" not in message


@pytest.mark.parametrize("placeholder", [
    "{% for i in range(10**9) %}很长{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 1000000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ '%999999999d'|format(1) }}",
    "{{ plan.title|replace('', plan.title * 30000) }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{% for i in [1] recursive %}{{ loop([1]) }}{% endfor %}",
])
def test_a_template_that_would_grow_without_end_is_stopped(project, tmp_path, placeholder):
    template = bureau_template(tmp_path / "循环模板.docx", placeholder)
    started = time.monotonic()
    with pytest.raises(TemplateError, match="“循环模板.docx”超出填写限制"):
        write_adoption_table(project, tmp_path / "表.docx", template=template)
    assert time.monotonic() - started < 10
    assert not (tmp_path / "表.docx").exists()


def test_a_long_running_loop_is_interrupted_at_the_time_limit():
    template = sandbox_environment().from_string(
        "{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    with pytest.raises(TemplateLimitError):
        with limits(0.3):
            template.render(xs=list(range(2000)))
    assert time.monotonic() - started < 5
    time.sleep(0.1)  # nothing left pending for this thread
    with limits(5):
        assert sandbox_environment().from_string("{{ 1 + 1 }}").render() == "2"


def test_including_another_file_is_refused(project, tmp_path):
    (tmp_path / "x.txt").write_text("秘密", encoding="utf-8")
    template = bureau_template(tmp_path / "引用模板.docx", "{% include '" + str(tmp_path / "x.txt") + "' %}")
    with pytest.raises(TemplateError, match="“引用模板.docx”不能引用其他文件"):
        write_letter(project, 1, tmp_path / "函.docx", template=template)


def test_text_that_looks_like_a_placeholder_is_filled_in_as_it_is(project, tmp_path):
    unit = project.units()[0].id
    typed = "建议删除“{{ 7*7 }}”和{% for x in y %}以及{#注释#}、{_{ 等字样"
    project.add_comment(round_number=1, unit_id=unit, clause_ref="总体意见", body=typed)
    project.update_plan(contact_person="李{{ plan.title }}四")
    template = bureau_template(
        tmp_path / "本局模板.docx", "{{ plan.contact_person }}",
        rows=[["意见"], ["{%tr for c in comments %}"], ["{{ c.body }}"], ["{%tr endfor %}"]])
    out = write_explanation(project, tmp_path / "说明.docx", template=template)
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "李{{ plan.title }}四"
    assert any(typed in row.cells[0].text for row in document.tables[0].rows)
    cells = "".join(row.cells[0].text for row in document.tables[0].rows)
    assert "49" not in cells and "\ue01b" not in all_text(out)
    default = write_explanation(project, tmp_path / "默认.docx")  # the programmatic writer too
    assert typed in all_text(default).replace("&lt;", "<")


def test_ordinary_template_features_still_work(project, tmp_path):
    template = bureau_template(
        tmp_path / "本局模板.docx",
        "{% for i in range(3) %}{{ loop.index }}{% endfor %}",
        "{{ plan.title|truncate(6, True, '…') }}{{ '%03d'|format(statistics.comments_total) }}",
        "{% if statistics.adopted > 0 %}有采纳{% else %}无{% endif %}{{ comments|length * 2 }}")
    out = write_explanation(project, tmp_path / "说明.docx", template=template)
    lines = [p.text for p in docx.Document(str(out)).paragraphs]
    assert lines[0] == "123"
    assert lines[1].endswith("006") and "…" in lines[1]
    assert lines[2] == f"有采纳{2 * len(project.comments())}"
    assert os.path.getsize(out) > 0


@pytest.mark.parametrize("placeholder", [
    "{{ '{:>200000000}'.format('x') }}",
    "{{ '{:>{}}'.format('x', 200000000) }}",
    "{{ '{:.200000000f}'.format(1.5) }}",
    "{{ '%*s' % (200000000, 'x') }}",
    # doubling by recursion: ``~`` and ``+`` are not multiplications, but grow just as fast
    "{% macro f(s, n) %}{% if n %}{{ f(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}"
    "{{ f('x', 27) }}",
    "{% macro f(s, n) %}{% if n %}{{ f(s + s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}"
    "{{ f([1], 24) }}",
    "{% set a = 'x' * 1000000 %}{{ (" + ", ".join(["a"] * 100) + ")|join|length }}",
])
def test_a_huge_value_is_refused_before_it_is_built(placeholder):
    """The limit strikes before the memory is taken, not after a gigabyte was built."""
    tracemalloc.start()
    try:
        with pytest.raises(TemplateLimitError), limits(30):
            sandbox_environment().from_string(placeholder).render(plan={"title": "标题"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_ordinary_formatting_and_joining_still_work():
    render = lambda text: sandbox_environment().from_string(text).render(n=123456, title="方案")  # noqa: E731
    assert render("{{ '{}：{:>6}'.format(title, n) }}") == "方案：123456"
    assert render("{{ '%s（%d条）' % (title, n) }}") == "方案（123456条）"
    assert render("{{ title ~ '—' ~ n }}") == "方案—123456"
    assert render("{{ ([title] + ['附件'])|join('、') }}") == "方案、附件"


def test_a_document_is_never_written_over_its_own_template(project, tmp_path):
    template = Path(bureau_template(tmp_path / "本局模板.docx", "{{ plan.title }}"))
    before = template.read_bytes()
    with pytest.raises(TemplateError, match="“本局模板.docx”是同一个文件"):
        write_adoption_table(project, tmp_path / "本局模板.docx", template=template)
    assert template.read_bytes() == before
