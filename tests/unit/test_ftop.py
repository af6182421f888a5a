"""The Enterprise Assignment: tasks per request type, placeholder tenants, decisions recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.ftop import (
    APPROVE_ENGAGEMENT,
    FIRST_CONTACT,
    EnterpriseAssignment,
    FtopError,
    TaskState,
)
from domain.requests import FtaRequest, Requester
from tests.support.requests import COMPLETE

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


def assignment(type_key: str, **values: str) -> EnterpriseAssignment:
    request = FtaRequest(Requester("aad-1", "Sam", "UTC", "US"), NOW, id=42)
    request.choose_type(type_key)
    request.fill({**COMPLETE[type_key], **values})
    request.submit(NOW, "FTA-2026-00042")
    return EnterpriseAssignment.open(request, "fta-1", "Alex", NOW)


def test_every_assignment_has_the_mandatory_first_contact_task() -> None:
    record = assignment("discovery_workshop")
    [task] = record.tasks
    assert (task.task_id, task.mandatory, task.state) == (FIRST_CONTACT, True, TaskState.OPEN)
    assert task.name == "Pre-Sales: First Account Team contact made"


def test_engaging_before_license_purchase_adds_the_optional_approval_task() -> None:
    record = assignment("engage_before_license")
    assert [(t.task_id, t.mandatory) for t in record.tasks] == [
        (FIRST_CONTACT, True), (APPROVE_ENGAGEMENT, False)]


def test_an_unknown_tenant_gets_a_marked_placeholder_that_the_fta_replaces() -> None:
    record = assignment("discovery_workshop", tenant="")
    assert record.tenant.placeholder
    assert record.tenant.value == "PLACEHOLDER for Contoso Ltd (FTA-2026-00042)"

    record.replace_tenant("contoso.onmicrosoft.com", "Alex", NOW)

    assert record.tenant.value == "contoso.onmicrosoft.com" and not record.tenant.placeholder
    assert [t.placeholder for t in record.tenants] == [True, False]


def test_a_replacement_tenant_must_look_like_one() -> None:
    with pytest.raises(FtopError, match="domain like"):
        assignment("discovery_workshop").replace_tenant("contoso", "Alex", NOW)


def test_rejecting_the_engagement_needs_a_reason_and_is_recorded() -> None:
    record = assignment("engage_before_license")
    with pytest.raises(FtopError, match="why"):
        record.decide_engagement(False, " ", "Alex", NOW)
    record.decide_engagement(False, "No approval from the ATU lead", "Alex", NOW)
    assert record.task(APPROVE_ENGAGEMENT).state is TaskState.REJECTED
    assert record.reviews[-1].outcome == "rejected" and record.reviews[-1].by == "Alex"
    with pytest.raises(FtopError, match="already rejected"):
        record.decide_engagement(True, "", "Alex", NOW)


def test_a_task_that_does_not_apply_is_refused() -> None:
    with pytest.raises(FtopError, match="does not apply"):
        assignment("ecif_review").decide_engagement(True, "", "Alex", NOW)


def test_each_request_type_has_its_own_review_and_some_outcomes_need_a_reason() -> None:
    from domain.reviews import record_review

    exception = assignment("migration_exception")
    with pytest.raises(FtopError, match="Write why it is rejected"):
        record_review(exception, "rejected", "", "Alex", NOW)
    review = record_review(exception, "rejected", "Mailbox count does not match", "Alex", NOW)
    assert (review.kind, review.outcome, review.by) == ("exception", "rejected", "Alex")
    with pytest.raises(FtopError, match="does not apply"):
        record_review(assignment("ecif_review"), "authorized", "", "Alex", NOW)
    assert record_review(assignment("ecif_review"), "approved", "", "Alex", NOW).kind == "funding"
    with pytest.raises(FtopError, match="proposed dates"):
        record_review(assignment("discovery_workshop"), "proposed", "", "Alex", NOW)


def test_no_decision_applies_after_a_final_one() -> None:
    from domain.reviews import open_options, record_review

    record = assignment("ecif_review")
    record_review(record, "approved", "", "Alex", NOW)

    assert open_options(record) == ()
    with pytest.raises(FtopError, match="already approved for funding"):
        record_review(record, "declined", "Too late", "Alex", NOW)


def test_needs_changes_can_be_asked_again_once_the_seller_has_answered() -> None:
    from domain.reviews import SELLER_ANSWER, awaiting_answer, open_options, record_review

    record = assignment("ecif_review")
    asked = record_review(record, "needs_changes", "Rates missing", "Alex", NOW)
    waiting = [o.outcome for o in open_options(record)]
    with pytest.raises(FtopError, match="not answered"):
        record_review(record, "needs_changes", "Still missing", "Alex", NOW)
    record.record(*SELLER_ANSWER, "Sam", NOW, "Rates added")

    assert awaiting_answer(record) is None and waiting == ["approved", "declined"]
    assert [o.outcome for o in open_options(record)] == ["approved", "needs_changes", "declined"]
    assert record_review(record, "needs_changes", "Still missing", "Alex", NOW) != asked


def test_every_recorded_entry_reads_as_words() -> None:
    from domain.ftop import Review
    from domain.reviews import ENTRY_LABELS, entry_label

    unknown = entry_label(Review("key_outputs", "half_done", "Alex", NOW))

    assert all("_" not in label.heading + label.title for label in ENTRY_LABELS.values())
    assert (unknown.heading, unknown.title) == ("Key outputs", "half done")
