"""The site's root: `/` leads to the workplace (`/ui/` sends each role to its screen; web/ui/screens_home.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=303)
