"""The Jinja2 environment a template from outside is filled in: data only, with limits.

A .docx template passes from office to office, so its placeholders are treated as hostile:
they run in Jinja2's immutable sandbox (no ``__globals__``, ``__class__`` or other internals,
no changing the context), with only ``range`` as a global, no ``{% include %}``, and limits
on numbers, loop steps, output size and time. Breaking a limit raises ``TemplateLimitError``.

>>> render = lambda text: sandbox_environment().from_string(text).render()
>>> render('{% for i in range(3) %}{{ i }}{% endfor %}')
'012'
>>> render("{{ lipsum.__globals__ }}")
Traceback (most recent call last):
...
jinja2.exceptions.UndefinedError: 'lipsum' is undefined
>>> render('{{ "x" * 10**9 }}')
Traceback (most recent call last):
...
exports.template_sandbox.TemplateLimitError: 结果过大
"""
from __future__ import annotations

import ctypes
import re
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT_CHARS = 50_000_000   # one part of the document, as XML text
MAX_VALUE_CHARS = 1_000_000     # a string or list made inside the template
MAX_ARGUMENT_CHARS = 1_000      # a text passed to a filter
MAX_LOOP_STEPS = 200_000        # all ``range`` steps of one document
MAX_NUMBER = 100_000            # an operand or a filter argument
MAX_SECONDS = 60.0


class TemplateLimitError(jinja2.TemplateError):
    """A template that asks for more than a document needs (huge loops, output or numbers)."""


class _Budget(threading.local):
    deadline = float("inf")
    steps = 0


_budget = _Budget()


def _check_time() -> None:
    if time.monotonic() > _budget.deadline:
        raise TemplateLimitError("填写时间超过限制")


def _limited_range(*args) -> Iterator[int]:
    for value in args:
        if not isinstance(value, int) or abs(value) > MAX_NUMBER:
            raise TemplateLimitError("循环次数过多")
    for number in range(*args):
        _budget.steps += 1
        if _budget.steps > MAX_LOOP_STEPS:
            raise TemplateLimitError("循环次数过多")
        if not _budget.steps % 10_000:
            _check_time()
        yield number


def _size(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _check_number(value) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise TemplateLimitError("数值过大")


_FORMAT_WIDTH = re.compile(r"\d{5,}")
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")  # a width or precision given as an argument


def _check_format(text: str, arguments) -> None:
    """``str.format`` and ``%`` refuse widths and precisions that would build huge text, whether
    typed (``{:>999999999}``) or passed in (``{:>{}}``, ``%*s``)."""
    if _FORMAT_WIDTH.search(text):
        raise TemplateLimitError("格式宽度过大")
    if "*" not in text and not _NESTED_FIELD.search(text):
        return
    for value in arguments:
        for item in value.values() if isinstance(value, dict) else (
                value if isinstance(value, (tuple, list)) else (value,)):
            _check_number(item)
            if isinstance(item, str) and _FORMAT_WIDTH.search(item):
                raise TemplateLimitError("格式宽度过大")


def _limited_join(join, items: tuple) -> str:
    """``a ~ b``: refused before joining when the pieces would make a huge text."""
    if sum(len(item) for item in items if isinstance(item, str)) > MAX_VALUE_CHARS:
        raise TemplateLimitError("结果过大")
    result = join(items)
    if len(result) > MAX_VALUE_CHARS:  # lists and the like turned into text
        raise TemplateLimitError("结果过大")
    return result


class _CodeGenerator(CodeGenerator):
    """Compiles ``~`` to a join under the size limit (Jinja2 joins without asking the sandbox)."""

    def visit_Concat(self, node, frame) -> None:
        join = "markup_join" if frame.eval_ctx.volatile or frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.limited_join({join}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _SandboxTemplate(jinja2.Template):
    """A template whose output is gathered piece by piece, under the size and time limits."""

    def render(self, *args, **kwargs) -> str:
        context = self.new_context(dict(*args, **kwargs))
        pieces, total = [], 0
        try:
            for piece in self.root_render_func(context):
                total += len(piece)
                if total > MAX_OUTPUT_CHARS:
                    raise TemplateLimitError("填写结果过大")
                if len(pieces) % 1000 == 999:
                    _check_time()
                pieces.append(piece)
        except Exception:
            self.environment.handle_exception()
        return "".join(pieces)


class _Sandbox(ImmutableSandboxedEnvironment):
    template_class = _SandboxTemplate
    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset(["*", "**", "%", "+"])
    limited_join = staticmethod(_limited_join)

    def wrap_str_format(self, value):
        """``'…'.format(…)`` and ``format_map`` under the width limits of ``_check_format``."""
        format_function = super().wrap_str_format(value)
        if format_function is None:
            return None
        text = value.__self__

        def limited(*args, **kwargs):
            _check_format(text, list(args) + list(kwargs.values()))
            return format_function(*args, **kwargs)

        return limited

    def call_binop(self, context, op, left, right):
        if op == "**":
            _check_number(left)
            if not isinstance(right, (int, float)) or right > 64:
                raise TemplateLimitError("数值过大")
        elif op == "*":
            for a, b in ((left, right), (right, left)):
                if _size(a) and isinstance(b, int) and _size(a) * b > MAX_VALUE_CHARS:
                    raise TemplateLimitError("结果过大")
        elif op == "+":
            if _size(left) and _size(right) and _size(left) + _size(right) > MAX_VALUE_CHARS:
                raise TemplateLimitError("结果过大")
        elif op == "%" and isinstance(left, str):
            _check_format(left, [right])
        result = super().call_binop(context, op, left, right)
        if isinstance(result, int) and not isinstance(result, bool) and abs(result) > 10 ** 30:
            raise TemplateLimitError("数值过大")
        return result


def _guarded_filter(function):
    """A filter that refuses huge numeric arguments (``center(10**9)``, ``indent(10**9)``)."""

    skip = 2 if hasattr(function, "jinja_pass_arg") else 1  # the context and the value itself

    def guarded(*args, **kwargs):
        for value in list(args[skip:]) + list(kwargs.values()):
            _check_number(value)
            if _size(value) > MAX_ARGUMENT_CHARS:
                raise TemplateLimitError("参数过长")
        value = args[skip - 1] if len(args) >= skip else None
        if function.__name__ == "do_format" and isinstance(value, str) and _FORMAT_WIDTH.search(value):
            raise TemplateLimitError("格式宽度过大")
        if function.__name__ == "do_join" and isinstance(value, (list, tuple)) and sum(
                _size(item) for item in value) > MAX_OUTPUT_CHARS:
            raise TemplateLimitError("结果过大")
        if function.__name__ == "do_replace" and len(args) > skip + 1 and _size(value) * max(
                1, _size(args[skip + 1])) > MAX_VALUE_CHARS * max(1, _size(args[skip])):
            raise TemplateLimitError("结果过大")
        return function(*args, **kwargs)

    for attribute in ("jinja_pass_arg",):
        if hasattr(function, attribute):
            setattr(guarded, attribute, getattr(function, attribute))
    guarded.__name__ = function.__name__
    return guarded


def sandbox_environment() -> jinja2.Environment:
    """The environment for filling an outside template: autoescaped XML, strict about unknown fields."""
    environment = _Sandbox(autoescape=True, undefined=jinja2.StrictUndefined, loader=jinja2.DictLoader({}))
    environment.globals.clear()
    environment.globals["range"] = _limited_range
    environment.filters = {name: _guarded_filter(f) for name, f in environment.filters.items()}
    environment.tests = dict(environment.tests)
    return environment


def _raise_in(thread_id: int, exception: type | None) -> None:
    """Raise ``exception`` in another thread at its next bytecode (``None`` cancels a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


class TemplateTimeout(Exception):
    """Raised into the filling thread when the time limit passes inside one long step."""


@contextmanager
def limits(seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Run the block under the time and loop limits; a step that overruns is interrupted."""
    _budget.deadline, _budget.steps = time.monotonic() + seconds, 0
    thread_id = threading.get_ident()
    done = threading.Event()
    lock = threading.Lock()
    fired = []

    def watch() -> None:
        if not done.wait(seconds + 1):
            with lock:
                if not done.is_set():
                    fired.append(True)
                    _raise_in(thread_id, TemplateTimeout)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    except TemplateTimeout:
        raise TemplateLimitError("填写时间超过限制") from None
    finally:
        with lock:
            done.set()
        if fired:  # the exception may still be pending: cancel it
            _raise_in(thread_id, None)
        _budget.deadline, _budget.steps = float("inf"), 0
