"""The action matrix of `../shared/docs/roles.md`, transcribed by hand — the expected answers of the matrix test.

Deliberately NOT read from `otklik.domain.access.PERMISSIONS`: the test checks the product against the spec, so
the spec is copied here as its marks, one line per row, in the column order of roles.md's table. A new action is
one line here (the quoted row and its marks) and one probe in `test_access_matrix.py`.
"""

from __future__ import annotations

from typing import Final

# The columns of roles.md's table «Actions (✓ allowed within scope; — forbidden, 403)», left to right.
COLUMNS: Final = ("admin", "regional_moderator", "district_moderator", "executor", "agency_head", "analyst")

# action → the row's marks, as printed in roles.md («✓ (within the district's bodies …)» is a ✓).
MARKS: Final[dict[str, str]] = {
    # | list and open appeals (personal data masked) | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
    "list": "✓ ✓ ✓ ✓ ✓ ✓",
    "open": "✓ ✓ ✓ ✓ ✓ ✓",
    # | see the citizen's contacts unmasked (leaves an access event) | ✓ | ✓ | ✓ | ✓ | ✓ | — |
    "contacts": "✓ ✓ ✓ ✓ ✓ —",
    # | accept a machine decision, correct group / topic / place / body | ✓ | ✓ | ✓ | — | — | — |
    "correct": "✓ ✓ ✓ — — —",
    # | reject (spam, not an appeal, duplicate), merge duplicates, split | ✓ | ✓ | ✓ | — | — | — |
    "reject": "✓ ✓ ✓ — — —",
    # | turn a message judged «not an appeal» into an appeal | ✓ | ✓ | ✓ | — | — | — |
    "promote": "✓ ✓ ✓ — — —",  # POST /api/v1/moderation/not-appeals/{message_id}/promote
    # | assign to a body / route | ✓ | ✓ | ✓ (within the district's bodies and the regional bodies) | — | — | — |
    "route_district_body": "✓ ✓ ✓ — — —",  # to the district's own administration
    "route_regional_body": "✓ ✓ ✓ — — —",  # to a regional executive body ("transport")
    "route_foreign_body": "✓ ✓ — — — —",  # to another municipality's administration: not «within the district's»
    # | take into work, interim answer, draft a final answer | ✓ | — | — | ✓ | ✓ | — |
    "take": "✓ — — ✓ ✓ —",
    "interim": "✓ — — ✓ ✓ —",
    # | redirect to another body (with a justification; goes back to moderation) | ✓ | ✓ | ✓ | ✓ | ✓ | — |
    "redirect": "✓ ✓ ✓ ✓ ✓ —",
    # | ask the citizen for details | ✓ | ✓ | ✓ | ✓ | ✓ | — |
    "ask_details": "✓ ✓ ✓ ✓ ✓ —",
    # roles.md has no row for a rating given by phone (a citizen rates in their channel). Our choice, written in
    # docs/access.md: staff record it as the center's moderators do — like «accept a machine decision»; a body
    # must not grade its own answer. | ✓ | ✓ | ✓ | — | — | — |
    "rating": "✓ ✓ ✓ — — —",
    # --- the moderation queue, answers review, extensions, the body's backlog ---
    # | accept a machine decision, correct group / topic / place / body | ✓ | ✓ | ✓ | — | — | — |
    "accept": "✓ ✓ ✓ — — —",  # POST /api/v1/moderation/queue/{id}/accept
    # | take into work, interim answer, draft a final answer | ✓ | — | — | ✓ | ✓ | — |
    "take_endpoint": "✓ — — ✓ ✓ —",  # POST /api/v1/appeals/{id}/take
    "final_answer": "✓ — — ✓ ✓ —",  # POST /api/v1/appeals/{id}/answers
    # | approve or return a final answer before publication | ✓ | ✓ | ✓ | — | — | — |
    "approve_answer": "✓ ✓ ✓ — — —",
    "return_answer": "✓ ✓ ✓ — — —",
    # | request an extension (59-ФЗ) | ✓ | — | — | ✓ | ✓ | — |
    "request_extension": "✓ — — ✓ ✓ —",
    # | approve an extension | ✓ | ✓ | — | — | ✓ | — |
    "approve_extension": "✓ ✓ — — ✓ —",
    # | reassign within the body | ✓ | — | — | — | ✓ | — |
    "reassign": "✓ — — — ✓ —",
    # | ask the citizen for details | ✓ | ✓ | ✓ | ✓ | ✓ | — |
    "details_request": "✓ ✓ ✓ ✓ ✓ —",  # POST /api/v1/appeals/{id}/details-request
}


def _parse(marks: str) -> dict[str, bool]:
    cells = marks.split()
    assert len(cells) == len(COLUMNS) and set(cells) <= {"✓", "—"}, f"a row needs {len(COLUMNS)} marks: {marks!r}"
    return {role: cell == "✓" for role, cell in zip(COLUMNS, cells, strict=True)}


# role → action → allowed (within scope); outside scope every action is 404.
EXPECTED: Final[dict[str, dict[str, bool]]] = {
    role: {action: _parse(marks)[role] for action, marks in MARKS.items()} for role in COLUMNS
}


def allowed(role: str, action: str) -> bool:
    return EXPECTED[role][action]


# Aggregates have no appeal to be outside of: a refused role is 403, and the scope narrows the figures (an
# appeal outside it is not counted) instead of answering 404. Probed by `test_analytics_access.py`.
# | dashboards, league table, reports (aggregates, no personal data) | ✓ | ✓ | own district | own body | own body | ✓ |
AGGREGATE_MARKS: Final[dict[str, str]] = {
    "analytics_summary": "✓ ✓ ✓ ✓ ✓ ✓",  # GET /api/v1/analytics/summary
    "analytics_league": "✓ ✓ ✓ ✓ ✓ ✓",  # GET /api/v1/analytics/league
}
AGGREGATES_EXPECTED: Final[dict[str, dict[str, bool]]] = {
    role: {action: _parse(marks)[role] for action, marks in AGGREGATE_MARKS.items()} for role in COLUMNS
}
