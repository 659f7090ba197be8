"""The state database's tables, in SQLAlchemy Core so one definition serves SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from ..term_requests.rules import ACTIVE, PERSON_MAX, RequestKind
from . import install_schema as install_schema  # the OAuth install's tables (revision 0010), on the same metadata
from .metadata import metadata as metadata

# Who filed, voted or acted: up to PERSON_MAX characters ("mcp:" and a 60-character name). SQLite keeps any length
# in a VARCHAR, so its schema keeps the first release's 32 (revision 0007 widens PostgreSQL's only).
PERSON_ID = String(PERSON_MAX).with_variant(String(32), "sqlite")
# The other columns that hold a person's or a channel's id: Slack's are about 11 characters today, but Slack says
# ids may grow, and a reviewer, voter or verifier may be an MCP agent ("mcp:" and a name). PostgreSQL's were 32
# (revision 0012 widens them); SQLite never checks a VARCHAR's length, so its schema keeps 32, as PERSON_ID does.
# Ids longer than this are refused before anything is written (bot/term_requests/rules.check_person).
SLACK_ID = String(PERSON_MAX).with_variant(String(32), "sqlite")


# Every row belongs to one team (revision 0009): the Slack workspace, or the Enterprise Grid org of an org-wide
# install, whose person or request it is (bot/state/team.py). TEAM_ID is NOT NULL everywhere and leads every
# per-person key, so two teams' same user ids and same terms never meet; ENTERPRISE_ID is the org, when there is one.
TEAM_ID_LENGTH = 32


def team_columns() -> tuple[Column[str], Column[str]]:
    """The two columns every state table ends with (last, so the migration's added columns land in the same place)."""
    return (
        Column("team_id", String(TEAM_ID_LENGTH), nullable=False),
        Column("enterprise_id", String(TEAM_ID_LENGTH)),
    )


def team_key(table: str, *columns: str) -> PrimaryKeyConstraint:
    """A primary key per team, named as PostgreSQL names one, so a migrated database and a new one agree."""
    return PrimaryKeyConstraint("team_id", *columns, name=f"{table}_pkey")


preferences = Table(
    "preferences",
    metadata,
    Column("user_id", SLACK_ID, nullable=False),
    Column("framing", String(16)),  # exec | engineer | NULL: no choice yet, cards show both
    Column("role", String(32)),  # a key of data/roles.yml, or NULL
    Column("updated_at", DateTime(timezone=True), nullable=False),
    *team_columns(),
    team_key("preferences", "user_id"),
)

# Slack retries an event it thinks went unanswered; the unique key makes "act once" a single insert.
processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    *team_columns(),
    team_key("processed_events", "event_id"),
)

term_requests = Table(
    "term_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # new | change
    Column("term", Text, nullable=False),  # exactly as typed
    Column("term_key", Text, nullable=False),  # normalised, for duplicate detection
    Column("aliases", Text, nullable=False, default=""),
    Column("seen_where", Text, nullable=False, default=""),
    Column("why", Text, nullable=False, default=""),
    Column("audiences", Text, nullable=False, default=""),  # comma-separated keys
    Column("urgency", String(16), nullable=False, default=""),
    Column("links", Text, nullable=False, default=""),  # one URL a line
    Column("requester", PERSON_ID, nullable=False),
    Column("anonymous", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False),
    Column("votes", Integer, nullable=False, default=0),
    Column("reviewer", SLACK_ID),
    Column("resolution", Text, nullable=False, default=""),
    Column("linked_slug", Text),  # the term a change request is about, or the term that shipped
    Column("duplicate_of", Integer),
    Column("channel_id", SLACK_ID),  # the triage message in the requests channel
    Column("message_ts", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    *team_columns(),
)
# At most one active request per new term and team: concurrent submissions of one term become votes. Built from
# rules.ACTIVE, so the index and the rule cannot drift apart: status IN ('open', 'drafting', 'in_review').
ONE_ACTIVE_REQUEST_PER_TERM = (
    f"kind = '{RequestKind.NEW.value}' AND status IN ({', '.join(repr(s.value) for s in ACTIVE)})"
)
Index(
    "one_active_request_per_term",
    term_requests.c.team_id,
    term_requests.c.term_key,
    unique=True,
    sqlite_where=text(ONE_ACTIVE_REQUEST_PER_TERM),
    postgresql_where=text(ONE_ACTIVE_REQUEST_PER_TERM),
)

votes = Table(
    "request_votes",
    metadata,
    Column("request_id", Integer, ForeignKey("term_requests.id"), nullable=False),
    Column("user_id", PERSON_ID, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    *team_columns(),
    team_key("request_votes", "request_id", "user_id"),
)

# Append-only: every change to a request, who made it and when.
history = Table(
    "request_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("term_requests.id"), nullable=False, index=True),
    Column("actor", PERSON_ID, nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("note", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    *team_columns(),
)

# --- governance: reviews and the weekly digest (revision 0005) ----------------------------------------

# Append-only: every "Still accurate" said in Slack, who and when. The latest per term counts.
term_verifications = Table(
    "term_verifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", Text, nullable=False, index=True),
    Column("verified_by", SLACK_ID, nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    *team_columns(),
)

# One row per week: the instance that holds it sends that week's digests. Its lease runs out so that another
# instance can take over from one that died half-way; finished_at says the week is done.
digest_leases = Table(
    "digest_leases",
    metadata,
    Column("week", String(16), nullable=False),  # ISO week, "2025-W11"
    Column("holder", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    *team_columns(),
    team_key("digest_leases", "week"),
)

# Each owner's digest of a week, recorded before it is sent: a takeover never sends one twice.
digest_deliveries = Table(
    "digest_deliveries",
    metadata,
    Column("week", String(16), nullable=False),
    Column("user_id", SLACK_ID, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    *team_columns(),
    team_key("digest_deliveries", "week", "user_id"),
)

# Lookup analytics: what people looked up and whether the glossary had it. No user id, no channel id, no
# message text beyond the normalised query, by design (tests/test_lookup_privacy.py holds it to that).
lookups = Table(
    "lookups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("surface", String(16), nullable=False),  # slash | mention | dm | button | mcp | home | shortcut
    Column("query", Text, nullable=False),  # normalised, at most 200 characters
    Column("outcome", String(16), nullable=False),  # hit | ambiguous | suggestions | comparison | miss
    Column("slug", Text),  # the term a hit showed
    Column("how", String(16), nullable=False),  # name | alias | squashed | fuzzy | search | button | ""
    *team_columns(),
)

# The lookups counted per day (revision 0012): what the Home and `/define stats` read, so that opening a Home
# costs a few hundred rows whatever the traffic, never a scan of the lookups table. One row per day, surface,
# outcome, term shown ("" for none) and, for a miss only, its query ("" otherwise); kept in step with `lookups` in
# the transaction that writes or purges them (bot/state/lookups.py).
lookup_rollups = Table(
    "lookup_rollups",
    metadata,
    Column("day", Date, nullable=False),  # the lookups' day, UTC
    Column("surface", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("slug", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("count", Integer, nullable=False),
    *team_columns(),
    team_key("lookup_rollups", "day", "surface", "outcome", "slug", "query"),
)

# The Home each person asked for last (revision 0012): the state a click or an open wants drawn, numbered. Every
# process publishing Homes draws the newest from here and looks again after publishing, so across workers and
# instances the view that lands last is the newest asked for (bot/slack/home/publisher.py).
home_asks = Table(
    "home_asks",
    metadata,
    Column("user_id", SLACK_ID, primary_key=True),
    Column("state", Text, nullable=False),  # the Home's state as its private_metadata carries it
    Column("seq", Integer, nullable=False),  # one more with each ask
    Column("asked_at", DateTime(timezone=True), nullable=False),
)

# "Helpful?" on a term card: one vote per person per term, changed by voting again. Only the vote is kept;
# what a 👎 says goes to the reviewers as a change request, never here.
term_feedback = Table(
    "term_feedback",
    metadata,
    Column("slug", String(200), nullable=False),
    Column("user_id", SLACK_ID, nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    *team_columns(),
    team_key("term_feedback", "slug", "user_id"),
)


# Changes as pull requests (revision 0006): one row per change, keyed by the branch the change is derived from
# (glossary/request-12), so asking twice, or a retry after a crash, finds the same row and the same pull request.
pull_requests = Table(
    "pull_requests",
    metadata,
    Column("branch", String(200), primary_key=True),
    Column("kind", String(16), nullable=False),  # request | change | verified
    Column("request_id", Integer, index=True),  # the term request it carries, if any
    Column("state", String(24), nullable=False),  # queued | opened | changes_requested | approved | merged | closed
    Column("number", Integer),  # the pull request's number, once opened
    Column("url", Text, nullable=False, default=""),
    Column("asked_by", SLACK_ID, nullable=False),  # who pressed the button or ran the command
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The team that asked. The key stays the branch alone: it names the change on the one git repository every
    # team's glossary comes from, so two teams asking for the same change share its pull request there.
    *team_columns(),
)

# Slack side effects waiting to be sent, written in the same transaction as the change that calls for them.
# A row carries intent ({"request_id": 7} for a triage post) or a message rendered where it was asked for;
# bot/slack/outbox/delivery.py sends it. See bot/state/outbox.py for the life of a row.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # triage_post | triage_update | dm | message | pull_request
    Column("request_id", Integer, index=True),  # the term request it is about, if any
    Column("payload", Text, nullable=False),  # JSON
    Column("status", String(16), nullable=False),  # pending | sending | sent | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("unsure", Boolean, nullable=False, default=False),  # a try began whose outcome is unknown
    # When an unsure letter stops waiting for Slack's echo of it (revision 0013): none by then, it was not posted.
    Column("echo_due", DateTime(timezone=True)),
    # Where the letter's message landed (revision 0013): stored from Slack's answer, or from its echo.
    Column("sent_channel", String(64)),
    Column("sent_ts", String(32)),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    *team_columns(),  # whose letter: the worker sends it with that team's view of the state (and token)
)
Index("ix_outbox_status_due_at", outbox.c.status, outbox.c.due_at)


# --- sign-in for the MCP server over HTTP (revision 0006; bot/mcp/oauth) ------------------------------

# OAuth clients that registered themselves (RFC 7591): the SDK's client record as JSON. The one table without a
# team: a client registers before anyone signs in, and reaches no team's rows until a grant (which has one) says so.
mcp_clients = Table(
    "mcp_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("info", Text, nullable=False),  # OAuthClientInformationFull, as JSON
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Every secret the sign-in hands out, by its sha256 only: a sign-in waiting for Slack, an authorization code,
# an access token, a refresh token. One grant (one sign-in) links a person's access and refresh tokens, so
# revoking either revokes both. A row past expires_at is worth nothing and is purged.
mcp_grants = Table(
    "mcp_grants",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the secret
    Column("kind", String(16), nullable=False),  # signin | code | access | refresh
    Column("grant_id", String(64), nullable=False, index=True),
    Column("client_id", String(64), nullable=False),
    Column("user_id", String(32)),  # the Slack user signed in; NULL while a sign-in waits for Slack
    Column("team_id", String(32)),  # the team the user signed in to (NULL while waiting): the tools' team
    Column("scopes", Text, nullable=False),  # space-separated
    Column("resource", Text),  # the audience (RFC 8707 resource) the token is bound to
    Column("detail", Text, nullable=False),  # JSON: what the step needs (PKCE challenge, redirect URI, nonce…)
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# The teams whose rows this database holds (revision 0009): each recorded the first time it is seen. With one row,
# that team is the command line's and the MCP server's when SLACK_TEAM_ID is not set (bot/state/team.py).
teams = Table(
    "teams",
    metadata,
    Column("team_id", String(TEAM_ID_LENGTH), primary_key=True),
    Column("enterprise_id", String(TEAM_ID_LENGTH)),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
)

# --- settings per workspace, set by its admins from the Home (revision 0011; bot/workspaces) -------------

# One row per Slack team (workspace). A column left NULL is not set: the environment's value applies
# (REQUESTS_CHANNEL, REVIEWERS, DIGEST_DAY, the terminology file's channels), so a single-workspace install
# that never opens the settings keeps working as before.
team_settings = Table(
    "team_settings",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("enterprise_id", String(32), nullable=False, server_default=""),  # the Grid org, "" outside one
    Column("requests_channel", String(32)),  # a channel id, C… or G…
    Column("reviewers", Text),  # user ids (U…, W…) and user group ids (S…), space-separated
    Column("digest_day", Integer),  # Monday = 0
    Column("channel_domains", Text),  # JSON: {channel id: [domain, …]}, for the sense a card shows first
    Column("updated_by", String(32), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
