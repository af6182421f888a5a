"""E-mail the process sends (the playbook's assignment e-mail)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Mailer(Protocol):
    async def send_mail(self, sender: str, to: Sequence[str], cc: Sequence[str], subject: str,
                        body: str) -> None: ...


def assignment_mail(number: str, customer: str, fta: str, request_type: str,
                    next_step: str) -> tuple[str, str]:
    """Subject and body of the assignment e-mail to the requester."""
    return (f"{number}: FastTrack Architect assigned ({customer})",
            f"Your {request_type} request {number} for {customer} is assigned to {fta}.\n\n"
            f"Next: {next_step}\n\nThe FTA will set up the internal call with the ATU and CSU "
            "before the customer introductions.")
