"""requirements.lock agrees with pyproject.toml: every runtime and dev dependency (and what its extras bring) is
pinned there at a version its specifier accepts, with hashes, and this environment was installed from it."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
FIX = "run `make lock` (then `make install`) after changing dependencies in pyproject.toml"


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(spec) for spec in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def _locked() -> dict[str, str]:
    """name → pinned version, from the `name==version \\` lines (hash and comment lines follow each)."""
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith(("#", "-")):
            name, _, version = line.split(" ")[0].partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def _extras_bring(requirement: Requirement) -> list[Requirement]:
    """What `name[extra]` adds, read from the installed distribution's metadata."""
    brought = []
    for spec in metadata.requires(requirement.name) or []:
        extra_requirement = Requirement(spec)
        marker = extra_requirement.marker
        if marker is not None and any(marker.evaluate({"extra": extra}) for extra in requirement.extras):
            brought.append(extra_requirement)
    return brought


def test_every_declared_dependency_is_pinned_at_an_accepted_version() -> None:
    pins = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is in pyproject.toml but not in requirements.lock: {FIX}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside pyproject's {requirement}: {FIX}"
        )
        for brought in _extras_bring(requirement):
            assert canonicalize_name(brought.name) in pins, f"{brought.name} (from {requirement}) is not locked: {FIX}"


def test_every_pin_has_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    blocks = [block for block in text.split("\n") if block and not block[0].isspace() and "==" in block]
    assert blocks and all(block.endswith("\\") for block in blocks), "each pin is followed by its --hash lines"
    assert text.count("--hash=sha256:") >= len(blocks)


def test_this_environment_was_installed_from_the_lock() -> None:
    for name, version in _locked().items():
        installed = metadata.version(name)
        assert installed == version, f"{name} {installed} is installed, the lock pins {version}: run `make install`"
