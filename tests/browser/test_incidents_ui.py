"""Incidents in the browser: the district moderator finds the incident of three channels, confirms it; the executor
answers once for all; every appeal card shows its incident. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from browser.conftest import Profiles, shot, sign_in
from integration.test_incidents import ANSWER, PIPE, assign_to_sharya, post
from staff_support import StaffTeam

pytestmark = pytest.mark.db


def test_confirm_and_answer_an_incident_in_the_workplace(
    client: TestClient, staff_team: StaffTeam, profiles: Profiles
) -> None:
    ids = [post(client, staff_team, *message)["appeal_id"] for message in PIPE]
    for appeal_id in ids:
        assign_to_sharya(client, appeal_id)

    moderator = sign_in(profiles.new(), "sharya.mod")
    moderator.get_by_test_id("nav-incidents").click()
    rows = moderator.get_by_test_id("incidents").locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(moderator.get_by_test_id("members").locator("li")).to_have_count(3)
    expect(moderator.get_by_test_id("incident-status")).to_have_text("предложен машиной")
    shot(moderator, "incident-01-proposed")
    moderator.get_by_test_id("confirm").click()
    expect(moderator.get_by_test_id("incident-status")).to_have_text("подтверждён")

    executor = sign_in(profiles.new(), "sharya.exec")
    executor.goto(moderator.url)
    executor.get_by_test_id("answer-text").fill(ANSWER)
    executor.get_by_test_id("answer").click()
    expect(executor.get_by_role("status").or_(executor.locator(".flash"))).to_contain_text("Ответ: опубликован")
    shot(executor, "incident-02-answered")

    executor.goto(f"/ui/appeals/{ids[1]}")
    expect(executor.get_by_test_id("incident")).to_contain_text("одно из 3 сообщений")
    shot(executor, "incident-03-appeal-card")
