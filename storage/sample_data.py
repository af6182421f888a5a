"""The demo's sample data: a few requests for the Agents Playground's user, Alex Wilber."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.requests import FtaRequest, Requester
from storage.database import Database
from storage.requests import SqlRequestRepository
from storage.roster import SqlRoster
from storage.roster_file import read_roster

# The Playground's current user (see .m365agentsplayground.yml).
ALEX = Requester("00000000-0000-0000-0000-0000000000020", "Alex Wilber", "America/New_York",
                 "US")
CUSTOMER = {"tenant": "", "segment": "enterprise", "region": "NA", "country": "US",
            "workloads": "exchange,teams", "seats": "12000", "atu_contact": "ae@fabrikam.com",
            "csu_contact": "", "notes": ""}
DEAL = "https://fabrikam.sharepoint.com/sites/deal/"
SAMPLES = (
    ("discovery_workshop", {**CUSTOMER, "customer": "Fabrikam Inc", "sow": DEAL + "SOW.docx",
                            "staffing": DEAL + "Staffing.xlsx", "cost": DEAL + "Cost.xlsx"}),
    # A topic the FAQ does not answer, so that, as when a seller submits it, it becomes a
    # ticket: the worker posts it in the FTCHelp channel once the bot can address it.
    ("sales_support", {**CUSTOMER, "customer": "Northwind Traders", "workloads": "",
                       "topic": "other", "impact": "high", "customer_type": "new",
                       "deployment_status": "not_started",
                       "question": "Can FastTrack help move Teams meeting recordings from "
                                   "another tenant after a merger?"}),
)


async def load(database: Database, now: datetime | None = None) -> tuple[int, int]:
    """Add the sample roster (if there is none) and requests (unless Alex has some): how
    many architects and requests were added."""
    roster, architects = SqlRoster(database), 0
    if not await roster.all():
        text = (Path(__file__).parent / "sample_roster.yaml").read_text(encoding="utf-8")
        architects = await roster.replace_all(read_roster(text, "yaml"))
    requests = SqlRequestRepository(database)
    if await requests.list_of(ALEX.id, limit=1, with_cancelled=True):
        return architects, 0
    now = now or datetime.now(UTC)
    for age, (type_key, values) in enumerate(SAMPLES, start=1):
        submitted = now - timedelta(days=age)
        request = await requests.add(FtaRequest(ALEX, submitted))
        request.choose_type(type_key)
        request.fill(values)
        request.submit(submitted, await requests.issue_number(submitted))
        await requests.save(request)
    return architects, len(SAMPLES)
