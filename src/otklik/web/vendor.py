"""Front-end libraries served at /ui/vendor/<name>/ from the npm packages `make install` puts in frontend/.

Nothing third-party is committed: `frontend/package.json` pins the versions, `npm ci` installs them, and only each
package's `dist/` folder is exposed (not the whole node_modules tree). A folder that is missing (npm not run) is
reported at start-up and its URLs answer 404, so the workplace still works without charts and maps.
"""

from __future__ import annotations

import os
from pathlib import Path

import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

log = structlog.get_logger(__name__)

# URL name → folder inside node_modules that holds the browser build.
PACKAGES: dict[str, str] = {
    "chart.js": "chart.js/dist",
    "leaflet": "leaflet/dist",
    "leaflet.markercluster": "leaflet.markercluster/dist",
}


def node_modules() -> Path:
    """OTKLIK_FRONTEND_DIR, else frontend/node_modules of the source checkout (the editable install)."""
    configured = os.environ.get("OTKLIK_FRONTEND_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "frontend" / "node_modules"


def mount_vendor(app: FastAPI, root: Path | None = None) -> None:
    base = root or node_modules()
    for name, folder in PACKAGES.items():
        directory = base / folder
        if not directory.is_dir():
            log.warning("vendor.missing", package=name, folder=str(directory), hint="run `make install`")
            continue
        app.mount(f"/ui/vendor/{name}", StaticFiles(directory=directory), name=f"vendor-{name}")
