"""The FTA's review per request type, which decisions still apply, and the words people read
for every entry recorded on the Enterprise Assignment (the codes stay in storage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ftop import EnterpriseAssignment, FtopError, Review


@dataclass(frozen=True)
class ReviewOption:
    outcome: str
    label: str  # the FTA's button
    title: str  # what was decided, in words: the seller's notice and the record say this
    needs_detail: str = ""  # what the FTA must write for this outcome, if anything
    seller_may_answer: bool = False
    final: bool = False  # once recorded, no other decision of this review applies


@dataclass(frozen=True)
class ReviewKind:
    code: str  # Review.kind
    heading: str
    options: tuple[ReviewOption, ...]


# The playbook's objectives; engagement before license purchase is decided through FTOP
# task 3286 instead.
REVIEWS: dict[str, ReviewKind] = {
    "migration_exception": ReviewKind("exception", "Exception review", (
        ReviewOption("authorized", "Authorize the exception", "exception authorized",
                     final=True),
        ReviewOption("rejected", "Reject the exception", "exception rejected",
                     "why it is rejected", seller_may_answer=True))),
    "ecif_review": ReviewKind("funding", "Funding review", (
        ReviewOption("approved", "Approve for funding", "approved for funding", final=True),
        ReviewOption("needs_changes", "Needs changes", "needs changes", "what is missing",
                     seller_may_answer=True),
        ReviewOption("declined", "Decline", "declined for funding", "why it is declined",
                     final=True))),
    "discovery_workshop": ReviewKind("workshop", "Discovery Workshop", (
        ReviewOption("proposed", "Propose the workshop", "workshop proposed",
                     "the proposed dates and agenda", final=True),)),
}
SELLER_ANSWER = ("seller", "more_details")  # (kind, outcome) of the seller's answer


@dataclass(frozen=True)
class EntryLabel:
    heading: str
    title: str
    detail_is_time: bool = False  # the detail is an ISO time, shown in the reader's time zone


ENTRY_LABELS: dict[tuple[str, str], EntryLabel] = {
    **{(kind.code, o.outcome): EntryLabel(kind.heading, o.title)
       for kind in REVIEWS.values() for o in kind.options},
    ("engagement", "approved"): EntryLabel("Engagement review",
                                           "engagement before license purchase approved"),
    ("engagement", "rejected"): EntryLabel("Engagement review",
                                           "engagement before license purchase rejected"),
    ("key_outputs", "done"): EntryLabel("Key outputs", "met"),
    ("internal_call", "scheduled"): EntryLabel("Internal call", "booked", detail_is_time=True),
    ("internal_call", "moved"): EntryLabel("Internal call", "moved", detail_is_time=True),
    ("internal_call", "held"): EntryLabel("Internal call", "held"),
    ("internal_call", "cancelled"): EntryLabel("Internal call", "cancelled",
                                               detail_is_time=True),
    ("request", "withdrawn"): EntryLabel("Request", "withdrawn"),
    SELLER_ANSWER: EntryLabel("Seller's answer", "more details"),
}


def entry_label(review: Review) -> EntryLabel:
    """The words for a recorded entry; a code missing here still reads as words, not a code."""
    return ENTRY_LABELS.get((review.kind, review.outcome), EntryLabel(
        review.kind.replace("_", " ").capitalize(), review.outcome.replace("_", " ")))


def review_option(request_type: str, outcome: str) -> ReviewOption:
    found = _option(request_type, outcome)
    if found is None:
        raise FtopError("That decision does not apply to this request.")
    return found


def open_options(assignment: EnterpriseAssignment) -> tuple[ReviewOption, ...]:
    """The decisions that still apply: none after a final one, and not the one the seller
    has yet to answer (it can be made again once they have)."""
    kind = REVIEWS.get(assignment.request_type)
    if kind is None or final_decision(assignment) is not None:
        return ()
    waiting = awaiting_answer(assignment)
    return tuple(o for o in kind.options if waiting is None or o.outcome != waiting.outcome)


def final_decision(assignment: EnterpriseAssignment) -> Review | None:
    return next((r for r in _decisions(assignment)
                 if getattr(_option(assignment.request_type, r.outcome), "final", False)), None)


def awaiting_answer(assignment: EnterpriseAssignment) -> Review | None:
    """The FTA's latest decision if it asks the seller for more and they have not answered."""
    kind = REVIEWS.get(assignment.request_type)
    codes = {kind.code if kind else "", SELLER_ANSWER[0]}
    latest = next((r for r in reversed(assignment.reviews) if r.kind in codes), None)
    if latest is None or latest.kind == SELLER_ANSWER[0]:
        return None
    option = _option(assignment.request_type, latest.outcome)
    return latest if option is not None and option.seller_may_answer else None


def record_review(assignment: EnterpriseAssignment, outcome: str, detail: str, by: str,
                  now: datetime) -> Review:
    """The FTA's decision for the request's type, if it still applies; some outcomes need a
    written detail."""
    option = review_option(assignment.request_type, outcome)
    final = final_decision(assignment)
    if final is not None:
        raise FtopError(f"This request is already {entry_label(final).title}; that decision "
                        "no longer applies.")
    if option not in open_options(assignment):
        raise FtopError(f"The seller has not answered “{option.title}” yet.")
    if option.needs_detail and not detail.strip():
        raise FtopError(f"Write {option.needs_detail}.")
    assignment.record(REVIEWS[assignment.request_type].code, outcome, by, now, detail[:2000])
    return assignment.reviews[-1]


def record_answer(assignment: EnterpriseAssignment, details: str, by: str,
                  now: datetime) -> Review:
    """The seller's more details, recorded only while a decision of the FTA asks for them:
    otherwise they would land on the FTA's desk unasked, after an approval say."""
    answered = awaiting_answer(assignment)
    if answered is None:
        raise FtopError("The FTA has not asked for more details on this request, so there is "
                        "nothing to answer.")
    assignment.record(*SELLER_ANSWER, by, now, details)
    return answered


def _decisions(assignment: EnterpriseAssignment) -> list[Review]:
    kind = REVIEWS.get(assignment.request_type)
    return [r for r in assignment.reviews if kind is not None and r.kind == kind.code]


def _option(request_type: str, outcome: str) -> ReviewOption | None:
    kind = REVIEWS.get(request_type)
    return next((o for o in kind.options if o.outcome == outcome), None) if kind else None
