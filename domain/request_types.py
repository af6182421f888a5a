"""The six request types of the playbook, their families and the queue each one goes to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain import forms
from domain.forms import Field


class Queue(StrEnum):
    FTA = "fta"
    FTCHELP = "ftchelp"


@dataclass(frozen=True)
class RequestType:
    key: str
    title: str
    explanation: str
    family: str
    queue: Queue
    fields: tuple[Field, ...]

    def common_fields(self) -> tuple[Field, ...]:
        """Common fields, with the ones an FTA needs to prepare made required."""
        if self.queue is not Queue.FTA:
            return forms.COMMON
        return tuple(
            Field(**{**f.__dict__, "required": True}) if f.id in forms.FTA_COMMON_REQUIRED else f
            for f in forms.COMMON)

    def all_fields(self) -> tuple[Field, ...]:
        return self.common_fields() + self.fields


# Engaging FastTrack before license purchase is not funding, but approving it is the FTA's FTOP
# task 3286 (see the playbook's migration-exception inputs), so it goes to the FTA queue.
TYPES: tuple[RequestType, ...] = (
    RequestType("discovery_workshop", "Discovery Workshop",
                "An FTA runs a Discovery Workshop with the customer (needs SOW, staffing plan "
                "and cost breakdown).", "Funding", Queue.FTA, forms.FUNDING),
    RequestType("ecif_review", "ECIF / DWR review",
                "An FTA reviews an ECIF funding or Digital WinRoom request (needs SOW, staffing "
                "plan and cost breakdown).", "Funding", Queue.FTA, forms.FUNDING),
    RequestType("migration_exception", "Migration exception",
                "An FTA reviews and authorizes a migration outside the benefit standard "
                "(Domino/Notes, parallel mail or file migrations, local migrations).",
                "Migration exception", Queue.FTA, forms.MIGRATION),
    RequestType("engage_before_license", "Engage FastTrack before license purchase",
                "Approval for FastTrack to engage before licenses are purchased or assigned.",
                "Non-funding", Queue.FTA, forms.ENGAGE_BEFORE_LICENSE),
    RequestType("land_ftc_benefit", "Land FTC benefit",
                "FTCHelp lands the FastTrack benefit for a customer with a quality Customer "
                "Success Plan.", "Non-funding", Queue.FTCHELP, forms.LAND_FTC),
    RequestType("sales_support", "Sales support inquiry",
                "A question for FTCHelp: eligibility, Windows 10, partners, test tenants, "
                "GCC, marketing material or anything else.", "Non-funding", Queue.FTCHELP,
                forms.SALES_SUPPORT),
)
BY_KEY = {request_type.key: request_type for request_type in TYPES}


def request_type(key: str | None) -> RequestType | None:
    return BY_KEY.get(key) if key else None
