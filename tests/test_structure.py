"""The shape of the package: layers, no import cycles, small modules and functions.

Drawn from the code itself (module-level imports), so the picture in the
README cannot drift from what the modules do.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
PACKAGE = TESTS.parent / "custom_components" / "websocket_client"
# The socket layer: a library inside the integration
SOCKET_LAYER = "connection"

# Bottom up. A module imports only from its own layer or the ones below.
LAYERS: tuple[frozenset[str], ...] = (
    # The socket layer: plain asyncio and aiohttp, a package of its own
    frozenset({SOCKET_LAYER}),
    # Values and helpers every layer above may use
    frozenset(
        {"const", "errors", "payload", "protocol_options", "options", "options_form"}
        | {"advanced"}
        | {"message", "message_filter", "consent", "session", "device"}
        | {"repair_issues", "listeners", "statistics", "outage_log"}
        | {"recent_messages", "message_value", "subentry", "entity_form"}
        | {"command_form", "platform_form", "platform_state", "entity_preview"}
    ),
    # What the client is made of
    frozenset({"bus", "request", "sender"}),
    # The per-entry client: life cycle and the one gate
    frozenset({"client"}),
    # From a config entry id to the entry or its client, with translated errors
    frozenset({"entries"}),
    # Subscribers of the fan-out, platforms, actions, flows
    frozenset(
        {"entity", "event", "sensor", "binary_sensor", "switch", "button"}
        | {"message_entity", "command_entity", "entity_flow", "number", "select"}
        | {"trigger", "device_trigger", "device_condition", "device_action"}
        | {"services", "recorder_advice", "repairs", "diagnostics", "config_flow"}
        | {"__init__"}
    ),
)


def module_name(path: Path) -> str:
    """`client` for client.py, `connection.handshake` inside the socket layer."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    """Every module of the package and its subpackage, parsed."""
    return {
        module_name(path): ast.parse(path.read_text())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def package_parts(module: str) -> list[str]:
    """The package a module's relative imports start from."""
    if module == "__init__":
        return []
    parts = module.split(".")
    return parts if module == SOCKET_LAYER else parts[:-1]


def imports_of(module: str, tree: ast.Module) -> set[str]:
    """Package modules a module imports at module level, by their full names.

    `from .connection import X` names the socket layer's package; inside it,
    `from .handshake import X` names `connection.handshake`. An import that
    climbs out of the integration is named `..` (and fails the layer checks).
    """
    found: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        start = package_parts(module)
        if node.level - 1 > len(start):
            found.add("..")
            continue
        base = start[: len(start) - (node.level - 1)]
        targets = [node.module] if node.module else [a.name for a in node.names]
        found |= {".".join([*base, target]) for target in targets}
    return found


def graph() -> dict[str, set[str]]:
    """Module → the package modules it imports."""
    return {name: imports_of(name, tree) for name, tree in modules().items()}


def top_level(module: str) -> str:
    """The top-level module (or the socket-layer package) a module belongs to."""
    return module.split(".", maxsplit=1)[0]


def layer_of(module: str) -> int:
    """The layer a module belongs to."""
    for index, layer in enumerate(LAYERS):
        if top_level(module) in layer:
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


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


def socket_layer() -> dict[str, ast.Module]:
    """The socket layer's modules."""
    return {
        name: tree
        for name, tree in modules().items()
        if top_level(name) == SOCKET_LAYER
    }


def absolute_imports(tree: ast.Module) -> set[str]:
    """Top-level names of everything a module imports absolutely, anywhere."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
    return names


def test_socket_layer_is_a_package() -> None:
    """The socket layer is a subpackage with modules of its own."""
    assert (PACKAGE / SOCKET_LAYER / "__init__.py").is_file()
    assert len(socket_layer()) > 5


def test_socket_layer_knows_nothing_of_home_assistant() -> None:
    """Nothing in the socket layer imports homeassistant or the integration."""
    offending = {
        name: sorted(absolute_imports(tree) & {"homeassistant", "custom_components"})
        for name, tree in socket_layer().items()
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_socket_layer_imports_nothing_from_outside_it() -> None:
    """Relative imports in the socket layer stay inside it, wherever they are."""
    outside = {
        name: sorted(
            imported
            for imported in imports_of(name, tree)
            if top_level(imported) != SOCKET_LAYER
        )
        for name, tree in socket_layer().items()
    }
    assert {name: found for name, found in outside.items() if found} == {}
    nested = [
        f"{name}: line {node.lineno}"
        for name, tree in socket_layer().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level > 1
    ]
    assert nested == []


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
        module_name(path): len(path.read_text().splitlines())
        for path in PACKAGE.rglob("*.py")
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


def where_tested(module: str) -> Path:
    """Where a module's tests live.

    tests/test_<name>.py; the socket layer's in tests/connection/, the
    package's own __init__ in tests/test_init.py.
    """
    parts = module.split(".")
    if parts == ["__init__"]:
        parts = ["init"]
    return TESTS.joinpath(*parts[:-1]) / f"test_{parts[-1]}.py"


def test_every_module_has_its_test_module() -> None:
    """Each module has a test module of its own, and the other way round.

    All but the constants and the socket layer's package; every test module in
    tests/connection/ is named after a socket-layer module.
    """
    tested = {name for name in modules() if name not in {"const", SOCKET_LAYER}}
    socket_modules = {
        name.split(".")[1] for name in tested if top_level(name) == SOCKET_LAYER
    }
    assert "__init__" in tested
    assert len(socket_modules) > 5
    missing = sorted(
        f"{name} → {where_tested(name).relative_to(TESTS.parent)}"
        for name in tested
        if not where_tested(name).is_file()
    )
    assert missing == []
    socket_layer_tests = {
        path.stem.removeprefix("test_")
        for path in (TESTS / SOCKET_LAYER).glob("test_*.py")
    }
    assert sorted(socket_layer_tests - socket_modules) == []
