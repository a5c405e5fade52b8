"""Each library default is written once: in its settings class. Outside the settings classes, no code reads a
setting with a fallback (`spec.get("seed", 0)`) or gives a parameter named after a setting a default of its own."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from pydantic_core import PydanticUndefined

import styledistill
from styledistill.settings import Settings

SRC = Path(styledistill.__file__).resolve().parent


def _settings_classes() -> list[type[Settings]]:
    for module in pkgutil.walk_packages([str(SRC)], prefix="styledistill."):
        if ".cli." in module.name or module.name.endswith("vllm_worker"):
            continue
        importlib.import_module(module.name)
    found, todo = [], [Settings]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("styledistill.")]


def _defaults() -> dict[str, set]:
    """Setting name -> the defaults settings classes give it (as Python literals)."""
    out: dict[str, set] = {}
    for cls in _settings_classes():
        for name, field in cls.model_fields.items():
            if field.default is not PydanticUndefined and field.default is not None and field.default_factory is None:
                out.setdefault(name, set()).add(repr(field.default))
    return out


def _literal(node: ast.AST) -> str | None:
    try:
        return repr(ast.literal_eval(node))
    except (ValueError, SyntaxError):
        return None


def _offences(defaults: dict[str, set]) -> list[str]:
    settings_files = {Path(importlib.import_module(cls.__module__).__file__).resolve() for cls in _settings_classes()}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.resolve() in settings_files:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in defaults and _literal(node.args[1]) not in (None, "None")):
                found.append(f"{where}:{node.lineno}: .get({node.args[0].value!r}, {_literal(node.args[1])})")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                values = [None] * (len(node.args.posonlyargs + node.args.args) - len(node.args.defaults))
                values += node.args.defaults + node.args.kw_defaults
                for arg, value in zip(args, values):
                    if value is not None and arg.arg in defaults and _literal(value) in defaults[arg.arg]:
                        found.append(f"{where}:{node.lineno}: {node.name}({arg.arg}={_literal(value)})")
    return found


def test_no_setting_has_a_second_default():
    defaults = _defaults()
    assert {"seed", "batch_size", "max_new_tokens", "bootstrap", "n_samples", "hidden_size"} <= set(defaults)
    assert _offences(defaults) == []


def test_the_check_finds_a_second_default(tmp_path, monkeypatch):
    """The check is real: a fallback default or a parameter default of a setting's value is reported."""
    code = "def f(spec, batch_size=16):\n    return spec.get('bootstrap', 2000)\n"
    probe = SRC / "_probe_second_default.py"
    probe.write_text(code)
    try:
        offences = _offences(_defaults())
    finally:
        probe.unlink()
    assert any("f(batch_size=16)" in o for o in offences) and any(".get('bootstrap', 2000)" in o for o in offences)
