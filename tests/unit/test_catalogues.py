"""Every sentence comes from the catalogues: none inline in handlers, none missing in a language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from core.i18n import LANGUAGES, catalogue

REPO = Path(__file__).resolve().parents[2]
SCANNED = [*sorted((REPO / "handlers").glob("*.py")), REPO / "bot" / "cli.py",
           REPO / "bot" / "report_command.py", *sorted((REPO / "shell").glob("*.py"))]
# A sentence has a letter and either two words or a non-ASCII letter. Keys, command names,
# callback prefixes, regular expressions and separators like ", " are not sentences.
WORDS = re.compile(r"[^\W\d_]+\s+[^\W\d_]+")


def _is_sentence(text: str) -> bool:
    if len(text.strip()) <= 1:  # a single letter (the shell folds "đ" to "d") is not prose
        return False
    return bool(WORDS.search(text)) or any(ch.isalpha() and not ch.isascii() for ch in text)

# Command-line syntax, not prose: the program name argparse prints in its usage line.
SYNTAX = {"python -m bot"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
TRANSLATE_CALLS = {"tr", "t", "Translator"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _log_call_strings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in LOG_METHODS):
            ids.update(id(arg) for arg in node.args if isinstance(arg, ast.Constant))
    return ids


def _lookups(tree: ast.AST) -> list[tuple[ast.Call, ast.expr | None]]:
    """Every catalogue lookup (``t(lang, key)``, ``tr(key)``) with its key argument."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", "")
        if name not in TRANSLATE_CALLS or name == "Translator":
            continue
        key_arg = node.args[1] if name == "t" and len(node.args) > 1 else (
            node.args[0] if node.args else None)
        found.append((node, key_arg))
    return found


def _message_keys(tree: ast.AST) -> list[tuple[str, bool]]:
    """(key or key prefix, is_prefix) for every catalogue lookup with a literal key."""
    found = []
    for _node, key_arg in _lookups(tree):
        if isinstance(key_arg, ast.Constant) and isinstance(key_arg.value, str):
            found.append((key_arg.value, False))
        elif (isinstance(key_arg, ast.BinOp) and isinstance(key_arg.left, ast.Constant)
              and isinstance(key_arg.left.value, str)):
            found.append((key_arg.left.value, True))
    return found


def _literal_sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _log_call_strings(tree)
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in skip and _is_sentence(node.value)
        and node.value not in SYNTAX
    ]


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_no_user_facing_literal_in_handlers(path):
    assert _literal_sentences(path) == []


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_every_message_key_used_exists(path):
    keys = catalogue("vi")
    for key, is_prefix in _message_keys(ast.parse(path.read_text(encoding="utf-8"))):
        if is_prefix:
            assert any(k.startswith(key) for k in keys), f"{path.name}: no key starts with {key}"
        else:
            assert key in keys, f"{path.name}: unknown message key {key}"


def test_the_scanner_catches_an_inline_sentence(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('async def f(m):\n    await m.reply_text("Xin chào")\n', encoding="utf-8")
    assert _literal_sentences(bad) == ["Xin chào"]
    tree = ast.parse('tr("no.such.key")')
    assert _message_keys(tree) == [("no.such.key", False)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_key(language):
    assert set(catalogue(language)) == set(catalogue("vi"))


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_placeholders_match_across_languages():
    vi, en = catalogue("vi"), catalogue("en")
    mismatched = [key for key in vi if _placeholders(vi[key]) != _placeholders(en[key])]
    assert mismatched == []


def test_every_default_category_and_outcome_has_a_label():
    from core.config_model import DEFAULT_CATEGORIES, DEFAULT_OUTCOME_KINDS

    for language in LANGUAGES:
        keys = catalogue(language)
        assert all(f"categories.{k}" in keys for k in DEFAULT_CATEGORIES)
        assert all(f"outcomes.{k}" in keys for k in DEFAULT_OUTCOME_KINDS)


# Every package that may look a message up, not only the handlers.
LOOKUP_SOURCES = sorted(
    path for folder in ("bot", "core", "handlers", "tips", "broadcasts", "reports", "channels",
                        "org", "shell", "emulators")
    for path in (REPO / folder).rglob("*.py"))


def _lookups_missing_params(tree: ast.AST) -> list[tuple[str, set[str]]]:
    """(key, placeholders not filled) for each literal-key lookup that leaves one empty: ``t``
    returns such a template unformatted, so a person would read ``#{id}``."""
    keys = catalogue("vi")
    found = []
    for node, key_arg in _lookups(tree):
        if not (isinstance(key_arg, ast.Constant) and isinstance(key_arg.value, str)):
            continue
        if key_arg.value not in keys or any(kw.arg is None for kw in node.keywords):
            continue  # unknown keys fail elsewhere; **params cannot be checked statically
        missing = _placeholders(keys[key_arg.value]) - {kw.arg for kw in node.keywords}
        if missing:
            found.append((key_arg.value, missing))
    return found


@pytest.mark.parametrize("path", LOOKUP_SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_lookup_fills_its_placeholders(path):
    assert _lookups_missing_params(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_placeholder_check_catches_an_empty_one():
    tree = ast.parse('t(language, "bulletins.button.approve")')
    assert _lookups_missing_params(tree) == [("bulletins.button.approve", {"id"})]
