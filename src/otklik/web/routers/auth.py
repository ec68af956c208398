"""Staff sign-in for the API: OAuth2 password flow → a bearer token; who am I; sign out; change the password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from otklik.domain.access import PERMISSIONS, ROLE_RU, Action
from otklik.services import staff
from otklik.web.auth import StaffPrincipal, bearer_token, client_address
from otklik.web.dependencies import Ctx

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds until the token expires")


class MeOut(BaseModel):
    login: str | None
    name: str
    role: str | None
    role_ru: str | None
    municipality_id: str | None
    agency_id: str | None
    actions: list[str] = Field(description="what this person may do (within their scope)")


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


@router.post("/token", response_model=TokenOut)
def issue_token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], ctx: Ctx) -> TokenOut:
    """OAuth2 password grant (form fields `username`, `password`): a bearer token for the staff API."""
    session = staff.sign_in(ctx, form.username, form.password, client=client_address(request), kind="bearer")
    return TokenOut(access_token=session.token, expires_in=ctx.settings.access_token_minutes * 60)


@router.get("/me", response_model=MeOut)
def me(principal: StaffPrincipal) -> MeOut:
    role = principal.role
    return MeOut(
        login=principal.login,
        name=principal.name,
        role=role.value if role else None,
        role_ru=ROLE_RU.get(role) if role else None,
        municipality_id=principal.municipality_id,
        agency_id=principal.agency_id,
        actions=[a.value for a in Action if role is not None and role in PERMISSIONS[a]],
    )


@router.post("/logout", status_code=204)
def logout(request: Request, principal: StaffPrincipal, ctx: Ctx) -> None:
    token = bearer_token(request)
    if token:
        staff.sign_out(ctx, token)


@router.post("/password", status_code=204)
def change_password(request: Request, body: PasswordChangeIn, principal: StaffPrincipal, ctx: Ctx) -> None:
    """Change one's own password; every other session of the person ends."""
    staff.change_password(
        ctx, principal, body.current_password, body.new_password, keep_token=bearer_token(request) or ""
    )
