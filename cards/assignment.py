"""After assignment: the FTA's work card (FTOP record, tasks, the review for the request's
type), the seller's notices, and the account team's post with its @mentions."""

from __future__ import annotations

from datetime import date
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    CardElement,
    Fact,
    FactSet,
    OpenUrlAction,
    TextInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.details import record_facts, request_details
from cards.first_contact import call_completed_button, call_date_input
from cards.text import inert, moment, zoned
from domain.forms import segment_and_region
from domain.ftop import (
    APPROVE_ENGAGEMENT,
    EnterpriseAssignment,
    InternalCall,
    Review,
    TaskState,
)
from domain.requests import FtaRequest
from domain.reviews import entry_label, open_options

NEXT_STEPS = {
    "discovery_workshop": "The ATU/CSU introduce the FTA to the customer; the FTA then "
                          "schedules and runs the Discovery Workshop.",
    "ecif_review": "The FTA reviews the ECIF / DWR request and categorizes it for funding.",
    "migration_exception": "The FTA reviews the exception against the details you gave and "
                           "authorizes or rejects it.",
    "engage_before_license": "The FTA decides on engaging FastTrack before license purchase "
                             "(FTOP task 3286).",
}
NO_BOOKING = ("The bot cannot book the internal call here (Microsoft Graph is not set up): "
              "book it with the ATU and CSU yourself, then press Call completed (3298).")
PLAYBOOKS = {"discovery_workshop": ("Discovery Workshop", "presales-discovery-workshop.md"),
             "ecif_review": ("ECIF DWR Review", "presales-ecif-dwr.md"),
             "migration_exception": ("Migration Exceptions", "presales-migration-exceptions.md"),
             "engage_before_license": ("Migration Exceptions",
                                       "presales-migration-exceptions.md")}


def create_seller_assigned_card(request: FtaRequest, playbook_base_url: str) -> Card:
    """The seller's notice: who has the request, what happens next, the next playbook."""
    name, page = PLAYBOOKS.get(request.type_key or "", ("", ""))
    actions = [OpenUrlAction(title=f"Playbook: {name}", url=playbook_base_url.rstrip("/") + "/"
                             + page)] if playbook_base_url and page else []
    return build([title(f"{request.number} is assigned to {inert(request.agent_name)}"),
                  FactSet(facts=[Fact(title="Type", value=request.type.title if request.type
                                      else "-"),
                                 Fact(title="Customer", value=inert(request.values.get("customer"))
                                      or "-"),
                                 Fact(title="FastTrack Architect",
                                      value=inert(request.agent_name))]),
                  paragraph("**Next:** " + NEXT_STEPS.get(request.type_key or "", "")),
                  paragraph(f"Next playbook: {name}." if name else "", is_subtle=True)],
                 actions)


def create_account_team_card(request: FtaRequest, fta: tuple[str, str],
                             seller: tuple[str, str]) -> Card:
    """The ATU channel post; @mentions the FTA and the seller (name, AAD object id)."""
    csu = inert(request.values.get("csu_contact")) or "not given"
    atu = inert(request.values.get("atu_contact")) or "not given"
    card = build([
        title(f"FTA assigned: {request.number}"),
        paragraph(f"<at>{_mention_name(fta[0])}</at> is the FastTrack Architect for "
                  f"**{inert(request.values.get('customer')) or '-'}** "
                  f"({request.type.title if request.type else '-'}), requested by "
                  f"<at>{_mention_name(seller[0])}</at>."),
        FactSet(facts=[Fact(title="ATU contact", value=atu), Fact(title="CSU contact", value=csu),
                       Fact(title="Segment / region", value=segment_and_region(request.values))]),
        paragraph("Next: the internal ATU / CSU / FTA call, then introductions to the customer.",
                  is_subtle=True)])
    card["msteams"] = {"entities": [_mention(*fta), _mention(*seller)]}
    return card


def create_work_card(request: FtaRequest, record: EnterpriseAssignment,
                     banner: str | None = None, problem: str | None = None,
                     can_schedule: bool = False, timezone: str = "UTC",
                     today: date | None = None) -> Card:
    """The FTA's card for an accepted request: FTOP record, tasks, and what to decide.
    ``today``, in the FTA's zone, is the call date Call completed (3298) proposes."""
    state = {"request_id": request.id}
    body: list[CardElement] = [title(f"{request.number}: "
                                     f"{inert(request.values.get('customer'))}"),
                               paragraph(f"{request.type.title if request.type else ''}, "
                                         f"assigned to you.", is_subtle=True)]
    if banner:
        body.append(paragraph(banner, color="Good"))
    if problem:
        body.append(paragraph(f"⚠ {problem}", color="Attention"))
    tenant = record.tenant
    body.append(FactSet(facts=[
        Fact(title="Production tenant",
             value=("⚠ " if tenant.placeholder else "") + inert(tenant.value)),
        *record_facts(record)]))
    call_actions = _call_actions(record, state, can_schedule, timezone)
    if record.call is not None:
        body.append(paragraph(f"**Internal call:** {moment(record.call.start)}"))
    elif not can_schedule and record.tasks[0].state is TaskState.OPEN:
        body.append(paragraph(NO_BOOKING, is_subtle=True))
    if call_actions:
        body.append(ActionSet(actions=call_actions))
    body += [paragraph("What the seller filed", weight="Bolder", separator=True),
             *request_details(request)]
    body.append(TextInput(id="detail", label="Reason or details for your decision",
                          is_multiline=True, max_length=2000))
    body.append(TextInput(id="tenant", label="Real production tenant (replaces the current one)",
                          max_length=120, placeholder="contoso.onmicrosoft.com"))
    if record.first_contact_open:
        body.append(call_date_input(today))
    return build(body, _work_actions(record, state))


def create_call_card(request: FtaRequest, call: InternalCall, heading: str,
                     timezone: str) -> Card:
    """Posted in the account team's thread: when the internal call is, and its Teams link."""
    return build([title(f"{heading}: {request.number}"),
                  FactSet(facts=[Fact(title="When", value=moment(call.start)),
                                 Fact(title="Customer", value=inert(request.values.get("customer"))
                                      or "-")]),
                  paragraph("ATU, CSU and FTA: the FTA explains the next steps before the "
                            "customer introductions.", is_subtle=True)],
                 [OpenUrlAction(title="Join the Teams call", url=call.join_url)]
                 if call.join_url.startswith("https://") else [])


def create_review_notice_card(request: FtaRequest, review: Review, can_answer: bool) -> Card:
    """The seller's notice of the FTA's decision, titled by what was decided."""
    body: list[CardElement] = [
        title(f"{request.number}: {entry_label(review).title}"),
        paragraph(f"{inert(review.by)} recorded this decision" + (":" if review.detail else ".")),
        *([paragraph(inert(review.detail))] if review.detail else [])]
    actions = []
    if can_answer:
        body.append(TextInput(id="more_details", label="More details for the FTA",
                              is_multiline=True, max_length=2000))
        body += replacement_inputs(request)
        actions = [execute("Send to the FTA", verbs.ANSWER_REVIEW, {"request_id": request.id},
                           style="positive")]
    return build(body, actions)


REPLACEMENT = "new_"  # the prefix of the inputs that replace a sales attachment's link


def replacement_inputs(request: FtaRequest) -> list[CardElement]:
    """One input per sales attachment, holding its link: the seller pastes a new one to
    replace it (a file sent earlier for it is named instead)."""
    slots = [f for f in request.type.fields if f.attachment] if request.type else []
    return [TextInput(id=f"{REPLACEMENT}{f.id}", label=f"{f.label} (a new link replaces it)",
                      value=request.values.get(f.id) or None, max_length=f.max_length,
                      placeholder=f"Now: {request.files[f.id].name}" if f.id in request.files
                      else f.placeholder) for f in slots]


def create_seller_answer_card(request: FtaRequest, record: EnterpriseAssignment,
                              answered: Review | None) -> Card:
    """The FTA's notice of the seller's answer (the record's latest entry), with the decisions
    that now apply: a request for more can be made again."""
    answer = record.reviews[-1]
    what = f" your decision “{entry_label(answered).title}”" if answered is not None else ""
    body: list[CardElement] = [title(f"{request.number}: {entry_label(answer).heading.lower()}"),
                               paragraph(f"{inert(answer.by)} answered{what}:"),
                               paragraph(inert(answer.detail))]
    state = {"request_id": request.id}
    decisions = _decision_actions(record, state)
    if decisions:
        body.append(TextInput(id="detail", label="Reason or details for your decision",
                              is_multiline=True, max_length=2000))
    return build(body, decisions)


def create_unreachable_channel_card(request: FtaRequest, what: str) -> Card:
    return build([title(f"Could not post {request.number} to {what}"),
                  paragraph("Check the channel id, and that the app is installed in that team.")])


def create_unreachable_person_card(name: str) -> Card:
    name = inert(name)
    return build([title(f"Could not reach {name}"),
                  paragraph(f"{name} has no chat with the bot yet (or removed the app); a "
                            "notice for them was not delivered. Ask them to open a chat with "
                            "the bot in Teams.")])


def _work_actions(record: EnterpriseAssignment, state: dict[str, Any]) -> list[Any]:
    actions = _decision_actions(record, state)
    engagement = [t for t in record.tasks if t.task_id == APPROVE_ENGAGEMENT]
    if engagement and engagement[0].state is TaskState.OPEN:
        actions += [execute("Approve engagement (3286)", verbs.DECIDE_ENGAGEMENT,
                            {**state, "approve": True}, style="positive"),
                    execute("Reject engagement (3286)", verbs.DECIDE_ENGAGEMENT,
                            {**state, "approve": False})]
    actions.append(execute("Replace tenant", verbs.REPLACE_TENANT, state))
    if record.first_contact_open:
        actions.append(call_completed_button(record.request_id))
    if not record.engagement_finished:  # frees the FTA's capacity for the next request
        actions.append(execute("Engagement finished", verbs.ENGAGEMENT_FINISHED, state))
    return actions


def _decision_actions(record: EnterpriseAssignment, state: dict[str, Any]) -> list[Any]:
    return [execute(option.label, verbs.RECORD_REVIEW, {**state, "outcome": option.outcome})
            for option in open_options(record)]


def _call_actions(record: EnterpriseAssignment, state: dict[str, Any], can_schedule: bool,
                  timezone: str) -> list[Any]:
    if record.call is None:
        open_first_contact = record.tasks[0].state is TaskState.OPEN
        return [execute("Schedule internal call", verbs.SCHEDULE_CALL, state,
                        associated_inputs="none")] if can_schedule and open_first_contact else []
    actions: list[Any] = []
    if record.call.join_url.startswith("https://"):
        actions.append(OpenUrlAction(title="Join the call", url=record.call.join_url))
    for slot in record.call.alternatives[:2]:
        actions.append(execute(f"Move to {zoned(slot, timezone)}",
                               verbs.MOVE_CALL, {**state, "slot": slot.isoformat()},
                               associated_inputs="none"))
    return actions


def _mention_name(name: str) -> str:
    """A display name inside the bot's own ``<at>``: no tag or Markdown of its own."""
    return inert(name).replace("\\<", "").replace("\\>", "")


def _mention(name: str, aad_id: str) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{_mention_name(name)}</at>",
            "mentioned": {"id": aad_id, "name": name}}


def create_engagement_check_card(request: FtaRequest) -> Card:
    """The FTA's question once an engagement's estimated duration has passed."""
    state = {"request_id": request.id}
    kind = request.type.title if request.type else "engagement"
    return build([title(f"Has {request.number} ({inert(request.values.get('customer'))}) "
                        "finished?"),
                  paragraph(f"The estimated duration of this {kind} has passed, so the "
                            "capacity it held counts as free for new requests. If the work "
                            "goes on, keep it held a while longer.")],
                 [execute("Engagement finished", verbs.ENGAGEMENT_FINISHED, state,
                          style="positive"),
                  execute("Still working on it", verbs.ENGAGEMENT_CONTINUES, state)])
