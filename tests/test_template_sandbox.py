"""Templates are data: a hostile .docx template runs nothing, reads nothing, grows nothing;
text typed by units is filled in as it is, never read as template syntax."""
from __future__ import annotations

import os
import time

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
