"""What each request type asks for, as plain data: one place per type, read by rules and cards."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    LINK = "link"
    TOGGLE = "toggle"


def whole_number(value: str, digits: int = 9) -> int | None:
    """The number a form's text holds, if it is ASCII digits and no longer than ``digits``.
    `str.isdigit` alone lets through superscripts, which `int` refuses, and numbers no card
    input can show."""
    if 0 < len(value) <= digits and value.isascii() and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    attachment: bool = False  # may be satisfied by a file sent to the bot instead of a link


SEGMENTS = (("enterprise", "Enterprise"), ("smc", "SMC (small, medium, corporate)"),
            ("public_sector", "Public sector"), ("education", "Education"))
REGIONS = (("NA", "North America"), ("LATAM", "Latin America"),
           ("EMEA", "Europe, Middle East, Africa"), ("APAC", "Asia Pacific"))
WORKLOADS = (("exchange", "Exchange"), ("sharepoint", "SharePoint / OneDrive"),
             ("teams", "Teams"), ("windows", "Windows"), ("intune", "Intune"),
             ("copilot", "Microsoft 365 Copilot"), ("viva", "Viva"))
SOURCES = (("domino", "Domino / Notes mail"),
           ("other_mail", "Another mail system (parallel migration)"),
           ("file_shares", "File shares (parallel OneDrive for Business migration)"),
           ("other", "Other non-Exchange exception"))
TOPICS = (("eligibility", "Eligibility"), ("windows10", "Windows 10"),
          ("ftr_partners", "FastTrack Ready Partners"),
          ("test_tenants", "Provision test / POC / demo tenants"),
          ("gcc", "GCC / GCC High tenant requirements"),
          ("marketing", "Marketing and promotional material"), ("other", "Something else"))
CSP_SECTIONS = (("outcomes", "Business outcomes the customer expects"),
                ("kpis", "Success measures (KPIs) with targets"),
                ("stakeholders", "Stakeholders and executive sponsor"),
                ("plan", "Deployment and adoption plan with milestones"),
                ("risks", "Risks and blockers with owners"))
IMPACT = (("low", "Low: a question, no deal at risk"), ("medium", "Medium: slows the deal"),
          ("high", "High: deal or deployment blocked"))
CUSTOMER_TYPES = (("new", "New customer"), ("existing", "Existing customer"),
                  ("partner_led", "Partner-led customer"))
DEPLOYMENT = (("not_started", "Not started"), ("planning", "Planning"),
              ("deploying", "Deploying"), ("deployed", "Deployed"))

LONG = 2000

COMMON = (
    Field("customer", "Customer name", required=True, max_length=120,
          placeholder="Contoso Ltd"),
    Field("tenant", "Production tenant (domain or tenant id; leave empty if not known yet)",
          max_length=120, placeholder="contoso.onmicrosoft.com"),
    Field("segment", "Segment", Kind.CHOICE, required=True, choices=SEGMENTS),
    Field("region", "Region", Kind.CHOICE, required=True, choices=REGIONS),
    Field("country", "Customer country (two-letter code)", required=True, max_length=10,
          placeholder="US"),
    Field("workloads", "Workloads in scope", Kind.MULTI_CHOICE, choices=WORKLOADS),
    Field("seats", "Seat count", Kind.NUMBER, placeholder="5000"),
    Field("atu_contact", "ATU contact (e-mail)", max_length=254,
          placeholder="ae@contoso.com"),
    Field("csu_contact", "CSU contact (e-mail)", max_length=254,
          placeholder="csam@contoso.com"),
    Field("notes", "Notes", Kind.LONG_TEXT, max_length=LONG),
)
FTA_COMMON_REQUIRED = frozenset({"workloads", "seats", "atu_contact"})

FUNDING = (
    Field("sow", "Statement of Work (SOW)", Kind.LINK, required=True, max_length=1000,
          attachment=True, placeholder="https://contoso.sharepoint.com/..."),
    Field("staffing", "Staffing plan / work breakdown structure", Kind.LINK, required=True,
          max_length=1000, attachment=True, placeholder="https://contoso.sharepoint.com/..."),
    Field("cost", "Cost breakdown", Kind.LINK, required=True, max_length=1000,
          attachment=True, placeholder="https://contoso.sharepoint.com/..."),
)
MIGRATION = (
    Field("source", "Source environment", Kind.CHOICE, required=True, choices=SOURCES),
    Field("mailbox_count", "Mailbox count", Kind.NUMBER),
    Field("mailbox_details", "Mailbox details", Kind.LONG_TEXT, max_length=LONG),
    Field("domino_details", "Domino / Notes environment details", Kind.LONG_TEXT,
          max_length=LONG),
    Field("source_mail_details", "Source mail environment details", Kind.LONG_TEXT,
          max_length=LONG),
    Field("file_details", "File environment details", Kind.LONG_TEXT, max_length=LONG),
    Field("justification", "Business justification", Kind.LONG_TEXT, required=True,
          max_length=LONG),
    Field("local_migration", "This is a local migration", Kind.TOGGLE),
    Field("local_justification", "Local migration justification", Kind.LONG_TEXT,
          max_length=LONG),
)
ENGAGE_BEFORE_LICENSE = (
    Field("engagement_details", "Engagement details", Kind.LONG_TEXT, required=True,
          max_length=LONG),
    Field("approvals", "Approvals (who approved, and when)", Kind.LONG_TEXT, required=True,
          max_length=LONG),
)
LAND_FTC = (
    Field("csp", "Customer Success Plan (link)", Kind.LINK, required=True, max_length=1000,
          placeholder="https://contoso.sharepoint.com/..."),
    Field("csp_sections", "Sections your CSP has", Kind.MULTI_CHOICE, required=True,
          choices=CSP_SECTIONS),
)
SALES_SUPPORT = (
    Field("topic", "Topic", Kind.CHOICE, required=True, choices=TOPICS),
    Field("impact", "Impact", Kind.CHOICE, required=True, choices=IMPACT),
    Field("customer_type", "Customer type", Kind.CHOICE, required=True,
          choices=CUSTOMER_TYPES),
    Field("deployment_status", "Deployment status", Kind.CHOICE, required=True,
          choices=DEPLOYMENT),
    Field("question", "Your question", Kind.LONG_TEXT, required=True, max_length=LONG),
)


def readable(field: Field, value: str) -> str:
    """A stored value as the form showed it: choices by their labels, a toggle as yes or no."""
    if field.kind is Kind.TOGGLE:
        return {"true": "Yes", "false": "No"}.get(value, value)
    if not field.choices:
        return value
    names = dict(field.choices)
    return ", ".join(names.get(part, part) for part in value.split(",") if part)


def segment_and_region(values: dict[str, str]) -> str:
    """"Enterprise / North America", as the form offered them, for a request's values."""
    segment = dict(SEGMENTS).get(values.get("segment", ""), values.get("segment") or "-")
    region = dict(REGIONS).get(values.get("region", ""), values.get("region") or "-")
    return f"{segment} / {region}"
