"""Dependencies: floors above releases with known vulnerabilities, and a lock
file with hashes that ./dev installs from, so a fresh machine gets what CI tested."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from portal.settings import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
LOCK_TEXT = (PROJECT_DIR / "requirements.lock").read_text()

# The last vulnerable release of each; the floor must leave it out.
VULNERABLE = {
    "jinja2": "3.1.5",  # CVE-2025-27516
    "cryptography": "46.0.4",  # CVE-2024-12797 (fixed 44.0.1), CVE-2026-26007 (fixed 46.0.5)
    "python-multipart": "0.0.21",  # CVE-2024-53981 (fixed 0.0.18), CVE-2026-24486 (fixed 0.0.22)
    "h11": "0.15.0",  # CVE-2025-43859, reached through uvicorn
    "setuptools": "78.1.0",  # CVE-2025-47273, the build backend
}


def requirements() -> dict[str, Requirement]:
    texts = [*PYPROJECT["project"]["dependencies"], *PYPROJECT["project"]["optional-dependencies"]["test"],
             *PYPROJECT["build-system"]["requires"]]
    return {canonicalize_name(req.name): req for req in map(Requirement, texts)}


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from requirements.lock."""
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK_TEXT):
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;\\]+)", block)
        if match:
            pins[canonicalize_name(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return pins


@pytest.mark.parametrize(("name", "vulnerable"), sorted(VULNERABLE.items()))
def test_floors_leave_out_vulnerable_releases(name: str, vulnerable: str) -> None:
    requirement = requirements()[name]
    assert requirement.specifier, f"{name} has no floor"
    assert not requirement.specifier.contains(vulnerable, prereleases=True)


def test_every_dependency_is_locked_with_hashes_within_its_range() -> None:
    pins = locked()
    runtime = {name: req for name, req in requirements().items() if name != "setuptools"}
    for name, requirement in runtime.items():
        assert name in pins, f"{name} is not in requirements.lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), f"{name}=={version} outside {requirement}"
        assert hashes, f"{name} has no hash"
    assert all(hashes for _version, hashes in pins.values())


def test_the_environment_is_what_the_lock_file_says() -> None:
    """./dev installs from the lock: the versions the tests run on are the locked ones."""
    environment = default_environment()
    differ = []
    for name, (version, _hashes) in locked().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            marker = re.search(rf"^{re.escape(name)}==\S+ \\?\s*;\s*([^\\\n]+)", LOCK_TEXT, re.MULTILINE | re.IGNORECASE)
            if marker and not Marker(marker.group(1).strip()).evaluate(environment):
                continue  # for another platform
            differ.append((name, version, None))
            continue
        if installed != version:
            differ.append((name, version, installed))
    assert differ == []


def test_dev_installs_from_the_lock_file() -> None:
    script = (PROJECT_DIR / "dev").read_text()
    assert "--require-hashes -r requirements.lock" in script
    assert "--no-deps -e ." in script
    assert '-e ".[test]"' not in script
