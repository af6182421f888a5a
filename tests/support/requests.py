"""Complete example values for every request type, for tests and the demo's sample data."""

from __future__ import annotations

COMMON = {"customer": "Contoso Ltd", "tenant": "contoso.onmicrosoft.com",
          "segment": "enterprise", "region": "NA", "country": "US",
          "workloads": "exchange,teams", "seats": "5000", "atu_contact": "ae@contoso.com",
          "csu_contact": "csam@contoso.com", "notes": ""}
LINKS = {"sow": "https://contoso.sharepoint.com/sites/deal/SOW.docx",
         "staffing": "https://contoso.sharepoint.com/sites/deal/Staffing.xlsx",
         "cost": "https://contoso.sharepoint.com/sites/deal/Cost.xlsx"}

COMPLETE: dict[str, dict[str, str]] = {
    "discovery_workshop": {**COMMON, **LINKS},
    "ecif_review": {**COMMON, **LINKS},
    "migration_exception": {
        **COMMON, "source": "domino", "mailbox_count": "1200",
        "mailbox_details": "1,200 mailboxes, 2 GB average, archives in NSF files",
        "domino_details": "Domino 9.0.1, two clustered servers in Frankfurt",
        "justification": "Customer retires Domino by June and needs mail moved with calendars",
        "local_migration": "false"},
    "engage_before_license": {
        **COMMON, "engagement_details": "Planning workshop for Teams Phone before the EA",
        "approvals": "Approved by the ATU lead, 2026-11-20"},
    "land_ftc_benefit": {
        **COMMON, "workloads": "", "seats": "", "atu_contact": "",
        "csp": "https://contoso.sharepoint.com/sites/deal/CSP.docx",
        "csp_sections": "outcomes,kpis,stakeholders,plan,risks"},
    "sales_support": {
        **COMMON, "topic": "eligibility", "impact": "medium", "customer_type": "existing",
        "deployment_status": "planning", "question": "Are 140 E3 plus 20 F3 seats eligible?"},
}
