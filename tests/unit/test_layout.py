"""The shape of the code (issue 23): one folder per area.

An area is a package in portal/ with a `routes` module or package. Inside
it only the routes (and the forms) know of HTTP: its domain modules import
neither Starlette nor portal.web. portal/web/ is the shared HTTP machinery
and holds no page routes; every area's route modules are in app.py's list.
Read from the source files (ast), so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
HTTP = ("starlette", "portal.web")

# Domain modules that may import HTTP anyway, each with the reason (path
# relative to portal/: why). Keep it short: move the HTTP part to routes/.
ALLOWED: dict[str, str] = {}


def _areas() -> list[Path]:
    return sorted(path for path in PORTAL.iterdir()
                  if (path / "__init__.py").is_file() and ((path / "routes.py").is_file() or (path / "routes").is_dir()))


def _domain_modules(area: Path) -> list[Path]:
    return sorted(path for path in area.rglob("*.py")
                  if path.name != "forms.py" and path.name != "routes.py"
                  and "routes" not in path.relative_to(area).parts[:-1])


def _imported(path: Path) -> set[str]:
    """Every module the file imports by name, at any depth (also under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # from portal import web
    return found


def _is_http(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in HTTP)


def _name(path: Path) -> str:
    return str(path.relative_to(PORTAL))


def _assigns_routes(path: Path) -> bool:
    """The module has a module-level `routes = …` (an area's list of routes)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(target, ast.Name) and target.id == "routes" for target in targets):
            return True
    return False


def test_the_areas_are_found() -> None:
    names = {area.name for area in _areas()}
    assert {"auth", "clients", "home", "public", "attendance", "messages"} <= names


@pytest.mark.parametrize("area", _areas(), ids=lambda area: area.name)
def test_domain_modules_know_no_http(area: Path) -> None:
    found = {
        _name(path): sorted(module for module in _imported(path) if _is_http(module))
        for path in _domain_modules(area)
    }
    offending = {name: modules for name, modules in found.items() if modules and name not in ALLOWED}
    assert offending == {}, "move the HTTP part into the area's routes (or forms.py)"


def test_the_allow_list_is_still_needed() -> None:
    for name in ALLOWED:
        assert any(_is_http(module) for module in _imported(PORTAL / name)), f"{name} no longer needs ALLOWED"


def test_web_holds_no_page_routes() -> None:
    with_routes = [_name(path) for path in sorted((PORTAL / "web").rglob("*.py")) if _assigns_routes(path)]
    assert with_routes == [], "page routes belong in portal/<area>/routes"


def test_app_mounts_every_area_routes_module() -> None:
    from portal.app import ROUTE_MODULES

    defined = {
        ".".join(("portal", *path.relative_to(PORTAL).with_suffix("").parts))
        for area in _areas() for path in area.rglob("*.py")
        if _assigns_routes(path)
    }
    assert len(ROUTE_MODULES) == len(set(ROUTE_MODULES))
    assert set(ROUTE_MODULES) == defined


def test_an_areas_tables_are_in_its_models_module() -> None:
    """portal/models/ keeps the shared tables only (people, units, rate
    limits) and imports every area's models.py; the area's package imports
    nothing on import, or portal.models would run its domain half-way (the
    access log's package is its API, and its modules import their own tables
    from portal.access_log.models, after everything else in portal.models)."""
    assert sorted(path.name for path in (PORTAL / "models").glob("*.py")) == ["__init__.py", "organisation.py", "rate_limit.py"]
    registry = _imported(PORTAL / "models" / "__init__.py")
    for models in sorted(PORTAL.glob("*/models.py")):
        area = models.parent.name
        assert f"portal.{area}.models" in registry, f"portal/models/__init__.py must import portal.{area}.models"
        if area != "access_log":
            assert _imported(models.parent / "__init__.py") == set(), f"portal/{area}/__init__.py imports on import"
