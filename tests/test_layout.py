"""The code's layout: imports flow downward only (README, "How the code is laid out").

The rules are read from the source with `ast` (every import, including those inside functions), so a
breach fails here before it reaches a user. `test_each_rule_fails_when_broken` shows each rule firing on
a synthetic module tree.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The stages in pipeline order; a stage may import an earlier one, never a later one.
STAGE_ORDER = (
    "frame",
    "trim",
    "segment",
    "issuers",
    "metadata",
    "citation_resolve",
    "citations",
    "periods",
    "cell_align",
    "task_tables",
    "task_prose",
    "task_records",
    "tasks",
    "units",
)
# What each folder may import of ours (besides itself); None: anything but the CLI.
ALLOWED: dict[str, set[str] | None] = {
    "models": set(),
    "base": set(),
    "vocab": {"base"},
    "readers": {"base", "vocab", "models"},
    "stages": {"base", "vocab", "models"},
    "pipeline": {"base", "vocab", "readers", "stages", "models", "package"},
    "commands": None,
    "package": None,
}


def _layer(module: str) -> str:
    """The layer of a dotted module name of ours: models, base, vocab, readers, stages, commands, ..."""
    parts = module.split(".")
    if parts[0] == "models":
        return "models"
    if len(parts) == 1:
        return "package"
    if parts[1] in ("base", "vocab", "readers", "stages", "commands"):
        return parts[1]
    return parts[1]  # pipeline, cli, __main__, ...


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, module: str, is_package: bool, modules: set[str]) -> list[tuple[int, str]]:
    """(line, imported module) for every import of ours: `from a import b` is a.b when b is a module,
    else a."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
            if len(submodules) < len(node.names):
                found.append((node.lineno, base))
            found += [(node.lineno, name) for name in submodules]
    return [(line, name) for line, name in found if name in modules]


def breaches(root: Path) -> list[str]:
    """Every import under `root` (holding extractor/ and models/) that breaks a layout rule."""
    modules = {
        _module_name(path, root): path
        for top in ("extractor", "models")
        for path in (root / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    found: list[str] = []
    for module, path in sorted(modules.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        source_layer = _layer(module)
        for line, imported in _imports(tree, module, path.name == "__init__.py", set(modules)):
            where = f"{path.relative_to(root)}:{line} imports {imported}"
            target_layer = _layer(imported)
            if target_layer == "cli" and module != "extractor.__main__":
                found.append(f"{where}: nothing imports the CLI")
                continue
            if target_layer == source_layer:
                if source_layer == "stages":
                    found += _stage_order(module, imported, where)
                continue
            allowed = ALLOWED.get(source_layer)
            if allowed is not None and target_layer not in allowed:
                found.append(f"{where}: {source_layer} may import only {sorted(allowed) or 'nothing of ours'}")
    return found


def _stage_order(module: str, imported: str, where: str) -> list[str]:
    source, target = module.split(".")[-1], imported.split(".")[-1]
    if source not in STAGE_ORDER or target not in STAGE_ORDER:
        return [] if target == "stages" else [f"{where}: stage not in the pipeline order"]
    if STAGE_ORDER.index(target) > STAGE_ORDER.index(source):
        return [f"{where}: a stage never imports a later stage"]
    return []


def test_the_tree_keeps_the_import_rules() -> None:
    assert breaches(ROOT) == []


def test_every_stage_is_in_the_pipeline_order() -> None:
    stages = {p.stem for p in (ROOT / "extractor" / "stages").glob("*.py") if p.stem != "__init__"}
    assert stages == set(STAGE_ORDER)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in ("extractor", "extractor/base", "extractor/vocab", "extractor/readers", "extractor/stages",
                   "extractor/commands", "models"):
        init = tmp_path / folder / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        init.touch()
    return tmp_path


LEGAL = {
    "extractor/base/errors.py": "import os\n",
    "extractor/vocab/dates.py": "from extractor.base import errors\n",
    "extractor/readers/text.py": "from extractor.vocab import dates\nfrom extractor.base.errors import X\n",
    "extractor/stages/frame.py": "from extractor.vocab.dates import Y\n",
    "extractor/stages/segment.py": "from extractor.stages.frame import Z\n",
    "extractor/pipeline.py": "from extractor.readers import text\nfrom extractor.stages import segment\n",
    "extractor/commands/batch.py": "from extractor.pipeline import extract\nfrom extractor.base.errors import X\n",
    "extractor/cli.py": "def main():\n    from extractor.commands import batch\n",
    "extractor/__main__.py": "from extractor.cli import main\n",
    "models/document.py": "import pydantic\n",
}


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("extractor/base/limits.py", "from extractor.vocab import dates\n", "base may import only"),
        ("models/extra.py", "from extractor.base import errors\n", "models may import only"),
        ("extractor/vocab/units.py", "from extractor.readers import text\n", "vocab may import only"),
        ("extractor/readers/html.py", "from extractor.stages import frame\n", "readers may import only"),
        ("extractor/readers/pdf.py", "def f():\n    from extractor import pipeline\n", "readers may import only"),
        ("extractor/stages/units.py", "from extractor.readers.text import read\n", "stages may import only"),
        ("extractor/stages/trim.py", "from extractor.stages.segment import parse\n", "never imports a later stage"),
        ("extractor/stages/tasks.py", "from extractor.commands import batch\n", "stages may import only"),
        ("extractor/commands/audit.py", "def f():\n    from extractor.cli import fail\n", "nothing imports the CLI"),
    ],
)
def test_each_rule_fails_when_broken(tmp_path: Path, name: str, text: str, rule: str) -> None:
    legal = _tree(tmp_path / "legal", LEGAL)
    assert breaches(legal) == []
    broken = _tree(tmp_path / "broken", {**LEGAL, name: text})
    found = breaches(broken)
    assert len(found) == 1 and rule in found[0], found
