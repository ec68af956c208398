"""The dashboard in a real browser: the analyst opens «Аналитика», the charts are drawn (Chart.js canvases), a
click on a bar opens the list of appeals behind it with the bar's count; the district moderator's dashboard
covers their district only; the league table opens from its tab. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Profiles, shot, sign_in
from staff_support import SHARYA, StaffTeam

pytestmark = pytest.mark.db

TEXTS = (
    ("Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса", 3),
    ("Не горят фонари во дворе на улице Советской в Галиче, темно", 2),
)


def register(base_url: str, staff_team: StaffTeam) -> int:
    """Portal appeals as the admin posts them; returns how many are in Шарья (from the place the machine found)."""
    in_sharya = 0
    with httpx.Client(base_url=base_url, timeout=20, headers=staff_team.headers("admin")) as http:
        for text, copies in TEXTS:
            for n in range(copies):
                posted = http.post("/api/v1/appeals", json={"text": f"{text} ({n + 1})", "citizen": {"name": "Анна"}})
                assert posted.status_code == 201, posted.text
                in_sharya += posted.json()["municipality_id"] == SHARYA
    return in_sharya


def click_first_bar(page: Page, canvas_id: str) -> None:
    """Clicks the middle of the chart's first bar, where a person would."""
    page.locator(f"#{canvas_id}").scroll_into_view_if_needed()
    point = page.evaluate(
        """(id) => { const bar = document.getElementById(id).chart.getDatasetMeta(0).data[0];
                     const p = bar.getCenterPoint(); return {x: p.x, y: p.y}; }""",
        canvas_id,
    )
    box = page.locator(f"#{canvas_id}").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_the_analyst_reads_the_dashboard_and_opens_a_bar(
    profiles: Profiles, live_server: str, staff_team: StaffTeam
) -> None:
    in_sharya = register(live_server, staff_team)
    page = sign_in(profiles.new(), "analyst")
    page.get_by_test_id("nav-analytics").click()
    expect(page).to_have_url(re.compile(r"/ui/analytics$"))
    expect(page.locator("html")).to_have_attribute("data-analytics-ready", "true")
    for key in ("by_period", "by_group", "by_municipality", "by_channel", "backlog"):
        expect(page.get_by_test_id(f"chart-{key}")).to_be_visible()
    expect(page.get_by_test_id("tile-total")).to_contain_text("5")
    shot(page, "analytics-01-dashboard")

    first_bar = page.evaluate(
        "() => JSON.parse(document.getElementById('analytics-data').textContent).volumes.by_municipality[0]"
    )
    click_first_bar(page, "chart-by_municipality")
    expect(page).to_have_url(re.compile(r"/ui/analytics/appeals\?.*municipality="))
    expect(page.get_by_test_id("drilldown-total")).to_have_text(str(first_bar["count"]["value"]))
    expect(page.get_by_test_id("drilldown")).not_to_contain_text("Анна")  # masked text only, no names
    shot(page, "analytics-02-drilldown")

    page.goto("/ui/analytics/league")
    expect(page.get_by_test_id("league")).to_be_visible()
    shot(page, "analytics-03-league")

    district = sign_in(profiles.new(), "sharya.mod")
    district.goto("/ui/analytics")
    expect(district.get_by_test_id("tile-total")).to_contain_text(str(in_sharya))
    shot(district, "analytics-04-district")
