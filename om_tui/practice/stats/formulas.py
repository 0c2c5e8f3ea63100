"""Formulas: a stat computed from others by + - * / and names, checked for cycles."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from om_tui.practice.stats.values import StatError

_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def formula_names(text: str) -> set[str]:
    """The stats a formula uses (by short name). Raises StatError if it is not arithmetic."""
    return set(_parsed(text)[1])


@lru_cache(maxsize=256)
def _parsed(text: str) -> tuple[ast.Expression, frozenset[str]]:
    """A formula's tree and the names it uses, checked: parsed once, not once a week."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise StatError(
            f"Not a formula: {text!r}. Use stat short names, numbers, + - * / ( )."
        ) from None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.BinOp | ast.UnaryOp):
            if isinstance(node, ast.BinOp) and type(node.op) not in _OPERATORS:
                raise StatError("A formula may use + - * / only.")
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise StatError("A formula may use + - * / only.")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise StatError("A formula's constants are numbers.")
        elif not isinstance(node, ast.Expression | ast.Load | ast.operator | ast.unaryop):
            raise StatError("A formula may use stat short names, numbers, + - * / and ( ) only.")
    return tree, frozenset(names)


@dataclass(frozen=True)
class FormulaResult:
    value: float | None
    problem: str = ""  # why there is no value: "÷ 0", "missing: visits"


def evaluate(text: str, values: dict[str, float | None]) -> FormulaResult:
    """A formula's value; a division by zero or a missing input gives no value, said why."""
    tree, names = _parsed(text)
    missing = sorted(name for name in names if values.get(name) is None)
    if missing:
        return FormulaResult(None, "missing: " + ", ".join(missing))

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)  # type: ignore[arg-type]  # numbers only, checked above
        if isinstance(node, ast.Name):
            found = values[node.id]
            assert found is not None
            return found
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand) if isinstance(node.op, ast.USub) else walk(node.operand)
        if isinstance(node, ast.BinOp):
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        raise StatError("unreachable")

    try:
        return FormulaResult(walk(tree))
    except ZeroDivisionError:
        return FormulaResult(None, "÷ 0")


def check_formulas(formulas: dict[str, str], known: Iterable[str]) -> None:
    """Refuse unknown names and formulas that reach back to themselves."""
    known_names = set(known) | set(formulas)
    uses = {name: formula_names(text) for name, text in formulas.items()}
    for name, names in uses.items():
        unknown = sorted(names - known_names)
        if unknown:
            raise StatError(f"{name}: no stat is called {', '.join(unknown)}.")

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            loop = " → ".join((*path[path.index(name) :], name))
            raise StatError(f"A formula cannot use itself: {loop}.")
        for used in uses.get(name, ()):
            visit(used, (*path, name))

    for name in uses:
        visit(name, ())


def _formula_order(formulas: dict[str, str]) -> list[str]:
    """Formula stats in an order where each comes after the formulas it uses."""
    done: list[str] = []

    def visit(name: str, path: frozenset[str]) -> None:
        if name in done or name in path or name not in formulas:
            return
        for used in sorted(formula_names(formulas[name])):
            visit(used, path | {name})
        done.append(name)

    for name in sorted(formulas):
        visit(name, frozenset())
    return done
