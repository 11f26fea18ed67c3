"""The shape of the package: layers, no import cycles, small modules and functions.

Drawn from the code itself (module-level imports), so the picture in the
README cannot drift from what the modules do.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "custom_components" / "websocket_client"

# Bottom up. A module imports only from its own layer or the ones below.
LAYERS: tuple[frozenset[str], ...] = (
    # The socket: plain asyncio and aiohttp
    frozenset(
        {"keepalive", "handshake", "matching", "closing", "writing", "connection"}
    ),
    # Values and helpers every layer above may use
    frozenset(
        {"const", "url", "headers", "tls", "errors", "payload", "protocol"}
        | {"options", "message", "advanced"}
        | {"consent", "session", "outbox", "health", "device"}
    ),
    # What the client is made of
    frozenset({"bus", "request", "sender"}),
    # The per-entry client: life cycle and the one gate
    frozenset({"client"}),
    # Subscribers of the fan-out, platforms, actions, flows
    frozenset(
        {"entity", "event", "sensor", "binary_sensor", "switch", "button"}
        | {"trigger", "device_trigger", "device_condition", "device_action"}
        | {"services", "advisory", "repairs", "diagnostics", "config_flow"}
        | {"__init__"}
    ),
)
NO_HOME_ASSISTANT = (
    "connection",
    "handshake",
    "keepalive",
    "matching",
    "closing",
    "writing",
)


def modules() -> dict[str, ast.Module]:
    """Every module of the package, parsed."""
    return {path.stem: ast.parse(path.read_text()) for path in PACKAGE.glob("*.py")}


def imports_of(tree: ast.Module) -> set[str]:
    """Sibling modules a module imports at module level (not for type checking)."""
    found: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.level != 1:
            continue
        if node.module:
            found.add(node.module.split(".")[0])
        else:
            found |= {alias.name for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    """Module → the sibling modules it imports."""
    return {name: imports_of(tree) for name, tree in modules().items()}


def layer_of(module: str) -> int:
    """The layer a module belongs to."""
    for index, layer in enumerate(LAYERS):
        if module in layer:
            return index
    raise AssertionError(f"{module}.py belongs to no layer: add it to LAYERS")


def test_every_import_goes_down_or_sideways() -> None:
    """No module imports from a layer above its own."""
    upward = [
        f"{module} → {imported}"
        for module, imported_modules in graph().items()
        for imported in imported_modules
        if layer_of(imported) > layer_of(module)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    """The import graph is acyclic."""
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " → ".join((*path, module))
        if module in done:
            return
        for imported in edges[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in edges:
        visit(module, ())


def test_socket_layer_knows_nothing_of_home_assistant() -> None:
    """The connection modules import neither homeassistant nor the package."""
    for name in NO_HOME_ASSISTANT:
        tree = modules()[name]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("homeassistant"), name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("homeassistant") for a in node.names)


def test_config_flow_does_not_need_the_client() -> None:
    """Nothing the config flow imports, directly or not, is the client."""
    edges = graph()
    reached: set[str] = set()
    pending = ["config_flow"]
    while pending:
        for imported in edges[pending.pop()] - reached:
            reached.add(imported)
            pending.append(imported)
    assert "client" not in reached


def test_sizes() -> None:
    """The client under 250 lines, every module under 400, every function ≤ 40."""
    lengths = {
        path.stem: len(path.read_text().splitlines()) for path in PACKAGE.glob("*.py")
    }
    assert lengths["client"] < 250
    assert {name: n for name, n in lengths.items() if n > 400} == {}
    long_functions = [
        f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for name, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 40
    ]
    assert long_functions == []
