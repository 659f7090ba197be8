"""The Home's workspace settings: the section (admins and owners may edit; reviewers read it) and its modal.

Every id shown is drawn from a checked id (a mention or a channel link), every domain escaped: nothing typed
reaches the Home as markup."""

from __future__ import annotations

from slack_sdk import WebClient

from ...config import WEEKDAYS
from ...workspaces.settings import CHANNEL, DIGEST_DAY, DOMAINS, GROUP, USERS, Effective, SettingsForm
from ..kit import ids
from ..kit.blocks import actions, button, channel_link, context, mention_owner, option, plain, safe, section
from ..kit.deps import Deps
from ..kit.inputs import MODAL_TITLE, element_state, input_block, text_input, typed_value

FROM_ENV = "env"  # the digest day option that leaves DIGEST_DAY in charge
# The core's field names, as the modal's blocks are named: its errors go back on the right block.
BLOCKS = {
    CHANNEL: ids.SETTINGS_CHANNEL,
    USERS: ids.SETTINGS_USERS,
    GROUP: ids.SETTINGS_GROUP,
    DIGEST_DAY: ids.SETTINGS_DAY,
    DOMAINS: ids.SETTINGS_DOMAINS,
}


def section_for(client: WebClient, deps: Deps, user_id: str) -> list[dict]:
    """The settings section of this person's Home: editable for an admin or owner, read-only for a reviewer,
    absent for everyone else (it names the reviewers and the channel, which are not everyone's business)."""
    editable = deps.admins.is_admin(client, user_id)
    if not editable and user_id not in deps.reviewers:
        return []
    return settings_section(deps.effective(), editable=editable)


def settings_section(effective: Effective, *, editable: bool) -> list[dict]:
    """What applies in this workspace; `editable` (an admin or owner) adds the button, else it is read-only."""

    def mark(name: str) -> str:  # where each value comes from: this Home, or the bot's environment
        return " _(set here)_" if name in effective.set_here else ""

    people = ", ".join(mention_owner(r) for r in effective.reviewers[:20]) or "none"
    lines = [
        f"*Requests channel:* {channel_link(effective.requests_channel) or 'none'}{mark(CHANNEL)}",
        f"*Reviewers:* {people}{mark(USERS)}",
        f"*Review digest:* {WEEKDAYS[effective.digest_day].capitalize()}s{mark(DIGEST_DAY)}",
        f"*Channel domains:* {_domains(effective)}",
    ]
    blocks = [{"type": "divider"}, section("*Workspace settings*"), section("\n".join(lines))]
    if not effective.someone_reviews:
        blocks.append(
            section(
                ":warning: *Set where term requests go.* Nobody reviews requests in this workspace yet: pick a "
                "requests channel and/or reviewers"
                + (" with *Edit settings*." if editable else " (a workspace admin or owner does it here).")
                + " Until then, requesters are told that nobody was notified."
            )
        )
    if editable:
        blocks.append(actions(button("Edit settings", ids.HOME_SETTINGS)))
        blocks.append(context("Shown to workspace admins and owners, and read-only to reviewers."))
    else:
        blocks.append(context("Read-only: a workspace admin or owner changes these."))
    return blocks


def _domains(effective: Effective) -> str:
    pairs = list(effective.channel_domains.items())[:10]
    shown = "; ".join(f"{channel_link(c)} → {safe(', '.join(d), 200)}" for c, d in pairs)
    return shown or "none set here (the glossary's terminology file decides)"


def settings_modal(form: SettingsForm, env_day: int) -> dict:
    """The modal, prefilled with what the workspace saved; every field may be left empty (the environment's)."""
    channel: dict = {
        "type": "conversations_select",
        "action_id": ids.INPUT,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if form.requests_channel:
        channel["initial_conversation"] = form.requests_channel
    users: dict = {"type": "multi_users_select", "action_id": ids.INPUT}
    if form.users:
        users["initial_users"] = list(form.users)
    days = [option(f"As DIGEST_DAY ({WEEKDAYS[env_day]})", FROM_ENV)]
    days += [option(day.capitalize(), str(n)) for n, day in enumerate(WEEKDAYS)]
    day: dict = {"type": "static_select", "action_id": ids.INPUT, "options": days}
    day["initial_option"] = next((o for o in days if o["value"] == (form.digest_day or FROM_ENV)), days[0])
    return {
        "type": "modal",
        "callback_id": ids.SETTINGS_VIEW,
        "title": plain("Workspace settings", MODAL_TITLE),
        "submit": plain("Save", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            input_block(ids.SETTINGS_CHANNEL, "Requests channel", channel, optional=True, hint=_CHANNEL_HINT),
            input_block(ids.SETTINGS_USERS, "Reviewers", users, optional=True, hint="They triage term requests."),
            input_block(
                ids.SETTINGS_GROUP,
                "Reviewer user group id",
                text_input(initial=form.group, max_length=40, placeholder="S0123ABCD"),
                optional=True,
                hint="Its members triage too. The group's page, ⋮ menu, Copy group ID.",
            ),
            input_block(ids.SETTINGS_DAY, "Review digest day", day, optional=True),
            input_block(
                ids.SETTINGS_DOMAINS,
                "Channel domains",
                text_input(initial=form.domains, multiline=True, placeholder="C0123ABCD: people, support"),
                optional=True,
                hint="One channel id a line, a colon, then the domains its cards' senses come from.",
            ),
        ],
    }


_CHANNEL_HINT = "Each request is posted here for the reviewers. Invite the bot to a private channel first."


def form_from_view(view: dict) -> SettingsForm:
    """The submitted modal, read defensively: anything missing or misshapen reads as an empty field."""
    channel = element_state(view, ids.SETTINGS_CHANNEL).get("selected_conversation")
    users = element_state(view, ids.SETTINGS_USERS).get("selected_users")
    day = (element_state(view, ids.SETTINGS_DAY).get("selected_option") or {}).get("value")
    return SettingsForm(
        requests_channel=channel if isinstance(channel, str) else "",
        users=tuple(u for u in users if isinstance(u, str)) if isinstance(users, list) else (),
        group=typed_value(view, ids.SETTINGS_GROUP),
        digest_day="" if not isinstance(day, str) or day == FROM_ENV else day,
        domains=typed_value(view, ids.SETTINGS_DOMAINS),
    )


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """The core's errors by field, as Slack wants them: by block id."""
    return {BLOCKS.get(name, ids.SETTINGS_CHANNEL): message for name, message in errors.items()}
