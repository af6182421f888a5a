"""The internal call goes in the first slot free for everyone, in working hours, on a
business day of the FTA's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from domain.scheduling import (
    Availability,
    WorkingHours,
    first_common_slots,
    next_slot_start,
    working_hours,
)

MONDAY_9_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 in New York
FREE_DAY = "0" * 48


def test_the_first_slots_free_for_everyone_are_chosen() -> None:
    fta = Availability("fta@contoso.com", "22" + "0" * 46)
    atu = Availability("atu@contoso.com", "0002" + "0" * 44)
    slots = first_common_slots([fta, atu], MONDAY_9_NY, "America/New_York", "US")
    # FTA busy 09:00-10:00, ATU busy 10:30-11:00 (New York): 10:00, 11:00 and 11:30 are left.
    assert [s.astimezone(UTC).hour * 60 + s.minute for s in slots] == [
        15 * 60, 16 * 60, 16 * 60 + 30]


def test_slots_stay_inside_each_attendees_working_hours() -> None:
    paris = WorkingHours(frozenset(range(5)), time(9), time(17), "Europe/Paris")
    fta = Availability("fta@contoso.com", FREE_DAY)
    csu = Availability("csu@contoso.com", FREE_DAY, paris)
    slots = first_common_slots([fta, csu], MONDAY_9_NY, "America/New_York", "US")
    assert slots[0] == MONDAY_9_NY and slots[-1].astimezone(UTC).hour == 15  # ends 17:00 Paris


def test_weekends_holidays_and_evenings_of_the_fta_are_skipped() -> None:
    thanksgiving_eve_4pm = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # 16:00 in New York
    slots = first_common_slots([Availability("fta", "0" * 200)], thanksgiving_eve_4pm,
                               "America/New_York", "US")
    local = [s.astimezone(ZoneInfo("America/New_York")) for s in slots]
    assert [(d.day, d.hour, d.minute) for d in local] == [(25, 16, 0), (25, 16, 30), (27, 9, 0)]


def test_nobody_free_means_no_slot() -> None:
    assert first_common_slots([Availability("a", "2" * 48)], MONDAY_9_NY, "UTC", "US") == []


def test_graph_working_hours_with_a_windows_time_zone_are_read() -> None:
    hours = working_hours(["monday", "friday"], "08:00:00.0000000", "16:30:00.0000000",
                          "Pacific Standard Time")
    assert hours == WorkingHours(frozenset({0, 4}), time(8), time(16, 30), "America/Los_Angeles")
    assert working_hours(["monday"], "08:00:00", "16:00:00", "Customized Time Zone") is None


def test_every_windows_time_zone_name_graph_may_report_is_read() -> None:
    hours = working_hours(["sunday"], "09:00:00", "17:00:00", "Arabian Standard Time")
    assert hours is not None and hours.timezone == "Asia/Dubai"


def test_slots_start_on_the_half_hour() -> None:
    assert next_slot_start(datetime(2026, 11, 23, 14, 7, 31, tzinfo=UTC)).minute == 30
    assert next_slot_start(datetime(2026, 11, 23, 14, 31, tzinfo=UTC)).hour == 15
