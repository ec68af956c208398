"""Who may do what, and on which appeals: roles, actions, the principal behind a request, and its scope.

This is the one table of the access rules (`docs/access.md` explains it; `../shared/docs/roles.md` is the
specification the tests are written from). Services call `authorize` and read `scope_of`; nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from otklik.domain.errors import Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    REGIONAL_MODERATOR = "regional_moderator"
    DISTRICT_MODERATOR = "district_moderator"
    EXECUTOR = "executor"
    AGENCY_HEAD = "agency_head"
    ANALYST = "analyst"


ROLE_RU: dict[Role, str] = {
    Role.ADMIN: "администратор",
    Role.REGIONAL_MODERATOR: "модератор ЦУР",
    Role.DISTRICT_MODERATOR: "модератор района",
    Role.EXECUTOR: "исполнитель",
    Role.AGENCY_HEAD: "руководитель органа",
    Role.ANALYST: "аналитик",
}


class Action(StrEnum):
    READ = "read"  # list and open appeals, personal data masked
    SEE_CONTACTS = "see_contacts"  # the citizen's contacts unmasked; leaves an access event
    MODERATE = "moderate"  # accept a machine decision, correct group / topic / place / body
    REJECT = "reject"  # spam, not an appeal, duplicate; merge duplicates, split
    PROMOTE = "promote"  # turn a message judged «not an appeal» into an appeal
    ROUTE = "route"  # assign to a body
    WORK = "work"  # take into work, interim answer, draft a final answer
    REDIRECT = "redirect"  # to another body, with a justification
    REVIEW_ANSWER = "review_answer"  # approve or return a final answer before publication
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REASSIGN = "reassign"  # within the body
    ASK_DETAILS = "ask_details"
    ANALYTICS = "analytics"  # aggregates, no personal data
    ADMINISTER = "administer"  # accounts, tokens, competence matrix, deadline policies
    RETRAIN = "retrain"


R = Role
_STAFF = frozenset(Role)
_MODERATORS = frozenset({R.ADMIN, R.REGIONAL_MODERATOR, R.DISTRICT_MODERATOR})
_AGENCY = frozenset({R.ADMIN, R.EXECUTOR, R.AGENCY_HEAD})

# The action matrix of roles.md, row by row. Scope (which appeals) is a separate question: `scope_of`.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: _STAFF,
    Action.SEE_CONTACTS: _STAFF - {R.ANALYST},
    Action.MODERATE: _MODERATORS,
    Action.REJECT: _MODERATORS,
    Action.PROMOTE: _MODERATORS,
    Action.ROUTE: _MODERATORS,
    Action.WORK: _AGENCY,
    Action.REDIRECT: _MODERATORS | _AGENCY,
    Action.REVIEW_ANSWER: _MODERATORS,
    Action.REQUEST_EXTENSION: _AGENCY,
    Action.APPROVE_EXTENSION: frozenset({R.ADMIN, R.REGIONAL_MODERATOR, R.AGENCY_HEAD}),
    Action.REASSIGN: frozenset({R.ADMIN, R.AGENCY_HEAD}),
    Action.ASK_DETAILS: _STAFF - {R.ANALYST},
    Action.ANALYTICS: _STAFF,
    Action.ADMINISTER: frozenset({R.ADMIN}),
    Action.RETRAIN: frozenset({R.ADMIN}),
}

ACTION_RU: dict[Action, str] = {
    Action.READ: "просматривать обращения",
    Action.SEE_CONTACTS: "видеть контакты заявителя",
    Action.MODERATE: "подтверждать и исправлять решения машины",
    Action.REJECT: "отклонять обращения",
    Action.PROMOTE: "превращать сообщение в обращение",
    Action.ROUTE: "назначать ответственный орган",
    Action.WORK: "брать в работу и отвечать",
    Action.REDIRECT: "перенаправлять в другой орган",
    Action.REVIEW_ANSWER: "проверять ответы перед публикацией",
    Action.REQUEST_EXTENSION: "просить продления срока",
    Action.APPROVE_EXTENSION: "одобрять продление срока",
    Action.REASSIGN: "переназначать исполнителя",
    Action.ASK_DETAILS: "запрашивать у заявителя уточнения",
    Action.ANALYTICS: "смотреть аналитику",
    Action.ADMINISTER: "управлять учётными записями и справочниками",
    Action.RETRAIN: "переобучать модели",
}


class PrincipalKind(StrEnum):
    STAFF = "staff"  # a person of the center, a body or a district office, signed in
    TOKEN = "token"  # an integration (a channel gateway, a 112 system, an Open311 client)
    CITIZEN = "citizen"  # a citizen acting on their own appeal through their channel (ownership checked there)
    SYSTEM = "system"  # the pipeline, the demo stream, the schedulers


# What an integration token may be issued for. `messages:<channel>` posts messages of that channel only.
TOKEN_SCOPES = ("messages:<channel>", "messages:*", "open311", "hotline")


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    name: str  # how the person or token appears in an appeal's history
    login: str | None = None
    user_id: int | None = None
    role: Role | None = None
    municipality_id: str | None = None  # a district moderator's municipality
    agency_id: str | None = None  # an executor's or agency head's body
    scopes: frozenset[str] = field(default_factory=frozenset)  # an integration token's scopes

    @property
    def actor(self) -> str:
        """The actor written into events: the signed-in person or the token, never a name from a request body."""
        if self.kind is PrincipalKind.STAFF:
            return f"{self.name} ({self.login})" if self.login and self.login != self.name else self.name
        if self.kind is PrincipalKind.TOKEN:
            return f"token:{self.name}"
        return self.name

    def can(self, action: Action) -> bool:
        if self.kind is PrincipalKind.SYSTEM:
            return True
        if self.kind is PrincipalKind.CITIZEN:
            return action is Action.READ  # their own appeal, which the channel checked
        return self.role is not None and self.role in PERMISSIONS[action]

    def may_post(self, channel: str) -> bool:
        """An integration token posts only for the channels it was issued for; staff post nothing as a channel."""
        if self.kind is PrincipalKind.SYSTEM:
            return True
        return self.kind is PrincipalKind.TOKEN and (
            "messages:*" in self.scopes or f"messages:{channel}" in self.scopes
        )


SYSTEM = Principal(PrincipalKind.SYSTEM, "system")


def citizen(name: str) -> Principal:
    return Principal(PrincipalKind.CITIZEN, name)


def system(name: str) -> Principal:
    """A named automatic actor (the demo stream, a channel poller): allowed everything, shown by its name."""
    return Principal(PrincipalKind.SYSTEM, name)


def staff(
    login: str,
    role: Role,
    *,
    name: str | None = None,
    user_id: int | None = None,
    municipality_id: str | None = None,
    agency_id: str | None = None,
) -> Principal:
    return Principal(
        PrincipalKind.STAFF,
        name or login,
        login=login,
        user_id=user_id,
        role=role,
        municipality_id=municipality_id,
        agency_id=agency_id,
    )


# Statuses in which the body named on an appeal is only the machine's (or a redirecting body's) proposal.
AWAITING_MODERATION = frozenset({"new", "needs_moderation"})


@dataclass(frozen=True)
class AppealScope:
    """Which appeals a principal can see at all. Outside it an appeal does not exist for them (404)."""

    everything: bool = False
    municipality_id: str | None = None
    agency_id: str | None = None
    nothing: bool = False  # integration tokens read nothing

    def admits(self, municipality_id: str | None, agency_id: str | None, status: str | None = None) -> bool:
        """`status`: an appeal still waiting for a moderator carries only a proposed body, which is not yet
        the body's appeal (roles.md: «appeals assigned to their body»)."""
        if self.nothing:
            return False
        if self.everything:
            return True
        if self.municipality_id is not None:
            return municipality_id == self.municipality_id
        if status in AWAITING_MODERATION:
            return False
        return self.agency_id is not None and agency_id == self.agency_id


EVERYTHING = AppealScope(everything=True)
NOTHING = AppealScope(nothing=True)


def scope_of(principal: Principal) -> AppealScope:
    if principal.kind in (PrincipalKind.SYSTEM, PrincipalKind.CITIZEN):
        return EVERYTHING  # a citizen's ownership is checked by the channel before the service is called
    if principal.kind is PrincipalKind.TOKEN or principal.role is None:
        return NOTHING
    if principal.role is Role.DISTRICT_MODERATOR:
        return AppealScope(municipality_id=principal.municipality_id or "—")
    if principal.role in (Role.EXECUTOR, Role.AGENCY_HEAD):
        return AppealScope(agency_id=principal.agency_id or "—")
    return EVERYTHING


def authorize(principal: Principal, action: Action) -> None:
    """403 with the reason when the principal's role does not allow the action (scope is checked by the caller)."""
    if principal.can(action):
        return
    role = ROLE_RU.get(principal.role, str(principal.role)) if principal.role else "интеграция"
    raise Forbidden(f"роль «{role}» не может {ACTION_RU[action]}")
