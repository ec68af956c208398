"""The map and the spike alerts in a real browser with no internet: every request that is not to the loopback
server is blocked and recorded (none may be attempted); the 29 municipalities are drawn from our own GeoJSON,
clicking one shows its figures and leads to its appeals; a district moderator sees the alert's badge, the banner
on the queue and acknowledges it on /ui/alerts. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from browser.conftest import Profiles, shot, sign_in
from integration.map_support import add_appeal
from otklik.services.context import ServiceContext
from otklik.services.spike_alerts import scan_spikes
from staff_support import GALICH, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db
KOSTROMA = "34701000"
LIGHTEST, NO_DATA = "#ffffcc", "#d9d9d9"  # map.js: the «no appeals» class and «outside your scope»


def offline(context: BrowserContext) -> list[str]:
    """Aborts every request that leaves 127.0.0.1 and returns the list of those attempted."""
    attempted: list[str] = []

    def guard(route: Route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return attempted


def test_the_map_draws_the_region_offline_and_drills_down(
    ctx: ServiceContext, profiles: Profiles, staff_team: StaffTeam
) -> None:
    staff_team.token("admin")
    now = datetime.now(UTC)
    for i in range(2):
        add_appeal(
            ctx,
            municipality_id=SHARYA,
            group="ЖКХ",
            created_at=now - timedelta(minutes=i + 1),
            agency_id=SHARYA_ADMIN,
            lat=58.37 + i / 100,
            lon=45.51,
        )
    add_appeal(
        ctx,
        municipality_id=GALICH,
        group="Дороги",
        created_at=now,
        lat=58.38,
        lon=42.36,
        due_at=now - timedelta(hours=1),
    )
    context = profiles.new()
    attempted = offline(context)
    page = sign_in(context, "analyst")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/ui/map")
    page.wait_for_load_state("networkidle")
    assert errors == [], errors
    expect(page.locator("#map[data-ready=true]")).to_be_visible()
    polygons = page.locator("#map path.leaflet-interactive")
    assert polygons.count() >= 29  # one SVG path per municipality (plus none from tiles: there are none)
    assert page.locator("img.leaflet-tile").count() == 0
    expect(page.locator(".marker-cluster, .map-point").first).to_be_visible()
    expect(page.get_by_test_id("map-sources")).to_contain_text("OpenStreetMap")
    expect(page.get_by_test_id("map-legend")).to_contain_text("нет данных")
    page.locator(f"path.muni-{SHARYA}").dispatch_event("click")
    info = page.get_by_test_id("map-info")
    expect(info).to_contain_text("Шарья")
    expect(page.get_by_test_id("map-info-figures")).to_contain_text("Обращений2")
    shot(page, "map-01-per-1000")
    page.get_by_test_id("measure-overdue").check()
    expect(page.locator("#legend-title")).to_have_text("Доля просроченных")
    shot(page, "map-02-overdue-share")
    page.get_by_test_id("map-info-list").click()
    expect(page.get_by_test_id("map-appeals-total")).to_have_text("2")
    expect(page.get_by_test_id("map-appeals")).not_to_contain_text("+7 900")
    shot(page, "map-03-drill-down")
    assert attempted == [], attempted


def fill(page: Page, municipality_id: str) -> str | None:
    return page.locator(f"path.muni-{municipality_id}").get_attribute("fill")


def test_the_map_colours_by_scope(ctx: ServiceContext, profiles: Profiles, staff_team: StaffTeam) -> None:
    """Quiet districts take the lightest class; a district office sees other districts as «no data» (grey)."""
    staff_team.token("admin")
    now = datetime.now(UTC)
    add_appeal(ctx, municipality_id=SHARYA, group="ЖКХ", created_at=now, agency_id=SHARYA_ADMIN)
    add_appeal(ctx, municipality_id=GALICH, group="ЖКХ", created_at=now)
    analyst = sign_in(profiles.new(), "analyst")
    analyst.goto("/ui/map")
    expect(analyst.locator("#map[data-ready=true]")).to_be_visible()
    assert fill(analyst, KOSTROMA) == LIGHTEST and fill(analyst, SHARYA) not in (LIGHTEST, NO_DATA)
    district = sign_in(profiles.new(), "sharya.mod")
    district.goto("/ui/map")
    expect(district.locator("#map[data-ready=true]")).to_be_visible()
    assert fill(district, GALICH) == NO_DATA and fill(district, KOSTROMA) == NO_DATA
    assert fill(district, SHARYA) not in (LIGHTEST, NO_DATA)
    shot(district, "map-04-district-office")


def test_a_district_moderator_sees_and_acknowledges_a_spike(
    ctx: ServiceContext, profiles: Profiles, staff_team: StaffTeam
) -> None:
    staff_team.token("admin")
    now = datetime.now(UTC)
    for i in range(12):
        add_appeal(
            ctx,
            municipality_id=SHARYA,
            group="ЖКХ",
            created_at=now - timedelta(minutes=5 * i + 1),
            agency_id=SHARYA_ADMIN,
        )
    assert len(scan_spikes(ctx).raised) == 1
    context = profiles.new()
    attempted = offline(context)
    page = sign_in(context, "sharya.mod")  # lands on the moderation queue
    expect(page.get_by_test_id("spike-badge")).to_have_text("1")
    expect(page.get_by_test_id("spike-banner")).to_contain_text("Всплески обращений")
    shot(page, "alerts-01-banner-on-queue")
    page.get_by_test_id("nav-alerts").click()
    expect(page.get_by_test_id("alerts-open")).to_contain_text("Шарья · ЖКХ: 12 обращений за 3 часа")
    shot(page, "alerts-02-open")
    page.locator("[data-testid^=alert-acknowledge-]").click()
    expect(page.get_by_test_id("flash")).to_contain_text("отмечено как просмотренное")
    expect(page.locator("[data-testid^=alert-ack-]")).to_contain_text("sharya.mod")
    expect(page.get_by_test_id("spike-badge")).to_be_hidden()
    shot(page, "alerts-03-acknowledged")
    other = sign_in(profiles.new(), "galich.mod")
    other.goto("/ui/alerts")
    expect(other.get_by_test_id("alerts-none")).to_be_visible()
    assert attempted == [], attempted
