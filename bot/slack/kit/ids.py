"""Every command, action_id, callback_id and block_id the app uses. A test checks them against manifest.yml."""

from __future__ import annotations

import re

COMMAND = "/define"

# Buttons on term cards and lookup results. Several "open term" buttons can share one actions block,
# where Slack wants distinct action_ids, so they are numbered: open_term:0, open_term:1 …
OPEN_TERM = "open_term"
OPEN_TERM_PATTERN = re.compile(r"^open_term(:\d+)?$")
SWITCH_FRAMING = "switch_framing"
SAVE_FRAMING = "save_framing"
SAVE_FRAMING_PATTERN = re.compile(r"^save_framing(:\w+)?$")
SHARE = "share_card"
MORE = "toggle_more"

# Events the app subscribes to (manifest: settings.event_subscriptions.bot_events).
EVENTS = (
    "app_mention",
    "message.im",
    "app_home_opened",
    "app_context_changed",
    "link_shared",
    "entity_details_requested",
    "function_executed",  # a Workflow Builder step of ours runs; Bolt routes it by callback_id (app.function)
    "message_metadata_posted",  # Slack's echo of an outbox post: where it landed (bot/slack/outbox/echo.py)
)

# A card's other senses and other languages (the terminology sidecar): numbered, several share a block.
SWITCH_SENSE = "switch_sense"
SWITCH_SENSE_PATTERN = re.compile(r"^switch_sense(:\d+)?$")
SWITCH_LANGUAGE = "switch_language"
SWITCH_LANGUAGE_PATTERN = re.compile(r"^switch_language(:\d+)?$")

ACTIONS: tuple = (
    OPEN_TERM_PATTERN,
    SWITCH_FRAMING,
    SAVE_FRAMING_PATTERN,
    SHARE,
    MORE,
    SWITCH_SENSE_PATTERN,
    SWITCH_LANGUAGE_PATTERN,
)


def open_term_id(index: int) -> str:
    return f"{OPEN_TERM}:{index}"


# --- Term requests --------------------------------------------------------------------------------
REQUEST_TERM = "request_term"  # "Request this term" on a miss or suggestions
# A card's related names the glossary lacks: one request button each, numbered like open_term.
REQUEST_TERM_PATTERN = re.compile(r"^request_term(:\d+)?$")
SUGGEST_CHANGE = "suggest_change"  # under More on a term card
REQUEST_SHORTCUT = "request_glossary_term"  # global shortcut "Request a glossary term"
REQUEST_VIEW = "term_request"  # the request modal

# Input blocks of the request modal; each holds one element whose action_id is INPUT.
INPUT = "value"
REQ_TERM = "req_term"
REQ_ALIASES = "req_aliases"
REQ_WHERE = "req_where"
REQ_WHY = "req_why"
REQ_AUDIENCE = "req_audience"
REQ_URGENCY = "req_urgency"
REQ_LINKS = "req_links"
REQ_ANONYMOUS = "req_anonymous"
# Above the request form's fields: a term the glossary already has (Show, numbered like open_term) and an
# open request for the same thing (Vote, instead of filing a duplicate).
REQUEST_HINT_TERM = "request_hint_term"
REQUEST_HINT_TERM_PATTERN = re.compile(r"^request_hint_term(:\d+)?$")
REQUEST_VOTE = "request_vote"
REQUEST_VOTE_PATTERN = re.compile(r"^request_vote(:\d+)?$")

# Triage buttons on the requests-channel message: triage:<operation>, the request number as value.
TRIAGE_PATTERN = re.compile(r"^triage:(assign|open|drafting|in_review|published|declined|duplicate)$")
DECLINE_VIEW = "decline_request"
DUPLICATE_VIEW = "mark_duplicate"
PUBLISHED_VIEW = "mark_published"
DECLINE_REASON = "decline_reason"
DUPLICATE_TARGET = "duplicate_target"
PUBLISHED_TERM = "published_term"
PICK_TERM = "pick_term"  # external select: glossary terms
PICK_TARGET = "pick_duplicate_target"  # external select: open requests and terms

ACTIONS = (
    *ACTIONS,
    REQUEST_TERM_PATTERN,
    SUGGEST_CHANGE,
    TRIAGE_PATTERN,
    REQUEST_HINT_TERM_PATTERN,
    REQUEST_VOTE_PATTERN,
)
SHORTCUTS: tuple[str, ...] = (REQUEST_SHORTCUT,)
VIEWS: tuple[str, ...] = (REQUEST_VIEW, DECLINE_VIEW, DUPLICATE_VIEW, PUBLISHED_VIEW)
OPTIONS = (PICK_TERM, PICK_TARGET)


def request_term_id(index: int) -> str:
    return f"{REQUEST_TERM}:{index}"


# --- Explain glossary terms, and feedback on cards ------------------------------------------------
EXPLAIN_SHORTCUT = "explain_glossary_terms"  # message shortcut "Explain glossary terms"
FEEDBACK_HELPFUL = "feedback_helpful"  # 👍 on a term card
FEEDBACK_UNHELPFUL = "feedback_unhelpful"  # 👎 on a term card: opens FEEDBACK_VIEW
FEEDBACK_BLOCK = "feedback"  # the card's "Helpful?" actions block
FEEDBACK_VIEW = "term_feedback"  # the 👎 modal
FB_REASONS = "fb_reasons"  # its input blocks; each holds one element whose action_id is INPUT
FB_NOTE = "fb_note"

ACTIONS = (*ACTIONS, FEEDBACK_HELPFUL, FEEDBACK_UNHELPFUL)
SHORTCUTS = (*SHORTCUTS, EXPLAIN_SHORTCUT)
VIEWS = (*VIEWS, FEEDBACK_VIEW)


def triage_id(operation: str) -> str:
    return f"triage:{operation}"


# --- Reviews (the weekly digest DM) -----------------------------------------------------------------
STILL_ACCURATE = "review_still_accurate"  # value: {"s": slug}
NEEDS_CHANGE = "review_needs_change"

ACTIONS = (*ACTIONS, STILL_ACCURATE, NEEDS_CHANGE)
# --- Browsing: `/define browse` messages ----------------------------------------------------------
BROWSE_CATEGORY = "browse_category"  # select: a category (value: its name)
BROWSE_ROLE = "browse_role"  # select: a role's starter pack (value: the role key)
BROWSE_PREVIOUS = "browse_previous"  # page buttons; value: the shelf and the page to show
BROWSE_NEXT = "browse_next"
BROWSE_INDEX = "browse_index"  # back to every category and role
BROWSE_BACK = "browse_back"  # on a card opened from a browse list: that list again (value: its shelf and page)

# --- App Home (the bot's Home tab): state travels in the view's private_metadata ------------------
HOME_FRAMING = "home_framing"  # select: both, exec, engineer
HOME_ROLE = "home_role"  # select: no role, or a role key
HOME_RESET = "home_reset"  # forget framing and role
HOME_CATEGORY = "home_category"  # select: the category to browse
HOME_PACK = "home_pack"  # select: the role whose starter pack to browse
HOME_PREVIOUS = "home_previous"  # page buttons; value: which list and the page to show
HOME_NEXT = "home_next"
HOME_TERM = "home_term"  # open a term's card in a modal (value: slug)
HOME_REQUEST = "home_request"  # open a request's details in a modal (value: request number)

ACTIONS = (
    *ACTIONS,
    BROWSE_CATEGORY,
    BROWSE_ROLE,
    BROWSE_PREVIOUS,
    BROWSE_NEXT,
    BROWSE_INDEX,
    BROWSE_BACK,
    HOME_FRAMING,
    HOME_ROLE,
    HOME_RESET,
    HOME_CATEGORY,
    HOME_PACK,
    HOME_PREVIOUS,
    HOME_NEXT,
    HOME_TERM,
    HOME_REQUEST,
)

# --- Workflow Builder custom steps (manifest: functions, by callback_id) -----------------------------
STEP_LOOK_UP = "look_up_term"
STEP_EXPLAIN = "explain_terms_in_text"
STEP_REQUEST = "file_term_request"
STEP_STARTER_PACK = "send_starter_pack"
FUNCTIONS = (STEP_LOOK_UP, STEP_EXPLAIN, STEP_REQUEST, STEP_STARTER_PACK)
# --- Changes as pull requests ---------------------------------------------------------------------
OPEN_PULL = "open_pull_request"  # "Open a pull request" on a triage post; value: the request number
PULL_VIEW = "suggest_pull_request"  # the modal showing a term's file to edit, for a change request
PULL_TEXT = "pull_text"  # its one input block: the file's new text

ACTIONS = (*ACTIONS, OPEN_PULL)
VIEWS = (*VIEWS, PULL_VIEW)

# --- Workspace settings on the Home (admins and owners; bot/workspaces) -----------------------------
HOME_SETTINGS = "home_settings"  # "Edit settings": opens SETTINGS_VIEW
SETTINGS_VIEW = "workspace_settings"  # the modal; its input blocks:
SETTINGS_CHANNEL = "settings_channel"  # conversations select: the requests channel
SETTINGS_USERS = "settings_users"  # users multi-select: reviewers
SETTINGS_GROUP = "settings_group"  # a user group id (S…): its members review too
SETTINGS_DAY = "settings_day"  # static select: the digest's day
SETTINGS_DOMAINS = "settings_domains"  # "C0123ABCD: people, support" a line: the sense a channel shows first

ACTIONS = (*ACTIONS, HOME_SETTINGS)
VIEWS = (*VIEWS, SETTINGS_VIEW)
