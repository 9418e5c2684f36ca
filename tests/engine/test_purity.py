"""The engine is pure Python: no module of ``onemind.engine`` imports Django or another part of OneMind."""

from __future__ import annotations

import ast
from pathlib import Path

import onemind.engine

ENGINE = Path(onemind.engine.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_engine_module_imports_django_or_the_apps() -> None:
    modules = sorted(ENGINE.glob("*.py"))
    assert len(modules) >= 9
    for path in modules:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top != "django" and top != "django_scopes", f"{path.name} imports {name}"
            if top == "onemind":
                assert name.startswith("onemind.engine"), f"{path.name} imports {name}"
