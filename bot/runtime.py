"""Everything a running bot holds: settings, the live glossary, roles and the state store.

It also answers the core questions listeners ask ("which card does this person get for this?"), so
that rules about framings and preferences live here, tested without Slack. Every preference write goes
through it, so what "clear" forgets is decided in one place.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from .answers.ask import Ask, answer_question, best_reading
from .answers.cards import Card, Reading, attribution_line, build_card
from .answers.lookup_stats import DEFAULT_DAYS, LookupStats, lookup_stats
from .config import Settings
from .glossary.live import LiveGlossary
from .glossary.lookup import Glossary, LookupResult, Match
from .glossary.model import Framing, LookupStatus, MatchHow, Problem, Role, Term
from .glossary.names import normalise
from .glossary.roles import find_role, read_roles
from .glossary.scan import Found
from .glossary.terminology import UsageNote
from .governance.service import Governance
from .pulls.service import PullRequests
from .pulls.webhook import Webhook
from .state.feedback import FeedbackBook
from .state.lookups import LookupLog, LookupRow, LookupWriter
from .state.outbox import Outbox
from .state.preference_copy import PreferenceCopy
from .state.store import Preference, Store, now
from .state.team import Team
from .term_requests.book import RequestBook
from .workspaces.glossaries import Glossaries
from .workspaces.settings import Effective, WorkspaceSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    result: LookupResult
    card: Card | None = None
    framing: Framing | None = None  # the framing asked for: cards opened from choices or a comparison use it
    asked: str = ""  # the words asked about, without a question's frame: Request this term's prefill


@dataclass(frozen=True)
class Explained:
    """The terms named in a message, in order of first appearance, and the framing the asker reads them in."""

    found: list[Found]
    framing: Framing | None
    # Deprecated or forbidden labels the message uses, each with the term to say instead: for the asker only.
    discouraged: tuple[UsageNote, ...] = ()


def discouraged_labels(glossary: Glossary, text: str) -> tuple[UsageNote, ...]:
    """Each deprecated or forbidden label the text uses, with the term to say instead (sidecar.py)."""
    notes = []
    for hit in glossary.terminology.discouraged_in(text):
        term = glossary.get(hit.slug)
        if term is not None:
            notes.append(UsageNote(hit.label.text, hit.label.usage, term.slug, term.term, hit.label.why))
    return tuple(notes)


# The person's language, asked only when the card could be in another one (a term the glossary has translated).
Locale = Callable[[], str]


def _reading(glossary: Glossary, result: LookupResult, reading: Reading | None, locale: Locale | None) -> Reading:
    reading = replace(reading or Reading(), usage=result.usage)
    term = result.term
    if term and locale and not reading.language and glossary.terminology.layer(term.slug).translations:
        reading = replace(reading, language=locale())
    return reading


class Runtime:
    def __init__(self, settings: Settings, live: LiveGlossary, store: Store, roles: dict[str, Role]):
        self.settings = settings
        self.live = live
        self.store = store
        self.roles = roles
        self.roles_problems: list[Problem] = []  # what was wrong with data/roles.yml when it was read
        self.outbox = Outbox(store)  # letters to Slack, written with the changes that cause them
        self.requests = RequestBook(store, self.outbox)
        self.governance = Governance(settings.owners_file, store, ZoneInfo(settings.digest_tz))
        self.lookups = LookupLog(store)
        self.lookup_writer = LookupWriter(self.lookups, settings.lookup_retention_days)
        self.feedback = FeedbackBook(store)
        # Changes as pull requests: asked for here, opened by bot/pulls/delivery.py, followed by the webhook.
        self.pulls = PullRequests(settings, store, self.outbox, self.requests, self.governance)
        self.webhook = Webhook(store, self.outbox, self.requests)
        # Each workspace's requests channel, reviewers, digest day and channel domains (bot/workspaces).
        self.workspaces = WorkspaceSettings(store, lambda: self.settings)
        # Which glossary answers which workspace (GLOSSARIES); one view of this runtime per glossary.
        self.glossaries = Glossaries(live)
        # One view per (team, glossary), shared by every view of this runtime (copies keep the same dict).
        self._glossary_views: dict[tuple[Team | None, str], Runtime] = {}
        # Read on every card, a new person's too, with no query; every write below puts what it stored (see
        # state/preference_copy.py for how other workers' writes reach it).
        self.preferences = PreferenceCopy(lambda since: self.store.preferences_since(since))
        self.team: Team | None = None  # the team this runtime is bound to (for_team); None: the home team
        self._views: dict[Team, Runtime] = {}
        self._views_lock = threading.Lock()

    def for_team(self, team: Team) -> Runtime:
        """This bot seen by one team: the same glossary, settings and workers, and books that read and write that
        team's rows only (its requests, votes, preferences, feedback, reviews, lookups, letters). Made once per
        team and process; the Slack layer asks for it where a request comes in (bot/slack/app.py)."""
        if team == self.store.bound:
            return self  # already this team's: one set of caches, so what a listener writes the home team reads
        view = self._views.get(team)  # a dict read needs no lock; only making a view does
        if view is not None:
            return view
        self.store.note_team(team)
        view = copy.copy(self)
        view.team = team
        view.store = self.store.for_team(team)
        view.outbox = self.outbox.for_team(view.store)
        view.requests = RequestBook(view.store, view.outbox)
        view.governance = self.governance.for_team(view.store)
        view.lookups = LookupLog(view.store)  # reading; rows are written by the one writer, each with its team
        view.feedback = FeedbackBook(view.store)
        view.pulls = PullRequests(self.settings, view.store, view.outbox, view.requests, view.governance)
        view.preferences = PreferenceCopy(lambda since: view.store.preferences_since(since))
        with self._views_lock:
            return self._views.setdefault(team, view)

    def every_team(self) -> list[Runtime]:
        """A view for each team the state database knows (this runtime alone while it knows none): for work that
        is every team's, such as publishing the requests a reloaded glossary now answers."""
        return [self.for_team(team) for team in self.store.known_teams()] or [self]

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        """Build or reuse the glossary database and open the state database."""
        live = LiveGlossary(
            settings.glossary_dir,
            settings.glossary_db,
            settings.glossary_max_file_bytes,
            terminology_file=settings.terminology_path,
        )
        roles, problems = read_roles(settings.roles_file)
        runtime = cls(settings, live, Store(settings.state_url, settings.home_team), roles)
        runtime.glossaries = Glossaries.open(settings, live)
        runtime.roles_problems = problems
        for problem in problems:
            log.warning("%s", problem)
        runtime.lookup_writer.start()  # purges lookups past their retention now, then hourly
        return runtime

    def close(self) -> None:
        """Write the lookups still queued, then let go of the state database."""
        self.lookup_writer.close()
        self.store.close()

    def side_file_problems(self) -> list[Problem]:
        """What is wrong with data/owners.yml and data/roles.yml now: one line each for the reviewer Home.
        Cards go on meanwhile, with the last good owners file and the roles as they were read at start."""
        return [*self.governance.side_file_problems(), *self.roles_problems]

    @property
    def glossary(self) -> Glossary:
        return self.live.current

    def for_glossary(self, team_id: str | None, enterprise_id: str | None = None) -> Runtime:
        """This runtime answering from the glossary the workspace is served (GLOSSARIES), or itself.

        A view shares everything (its team's state, outbox, caches) but the live glossary: every answer, card and
        lookup made through it reads that workspace's terms."""
        key = self.glossaries.key_for(team_id, enterprise_id)
        if not key:
            return self
        at = (self.team, key)
        view = self._glossary_views.get(at)
        if view is None:
            view = copy.copy(self)
            view.live = self.glossaries.live(key)
            view = self._glossary_views.setdefault(at, view)
        return view

    def effective_settings(self, team_id: str | None = None) -> Effective:
        """The settings that apply in this workspace (None: the state has no team here yet; see bot/workspaces)."""
        return self.workspaces.effective_settings(team_id)

    def preferred(self, user_id: str) -> tuple[Framing | None, Role | None]:
        pref = self.preferences.get(user_id)
        framing = Framing.parse(pref.framing)
        return framing, self.roles.get(pref.role or "")

    def card_for(
        self,
        user_id: str,
        term: Term,
        *,
        framing: Framing | None = None,
        expanded: bool = False,
        glossary: Glossary | None = None,
        reading: Reading | None = None,
    ) -> Card:
        preferred, role = self.preferred(user_id)
        return build_card(
            glossary or self.glossary,
            term,
            framing=framing,
            preferred=preferred,
            role=role,
            expanded=expanded,
            attribution=attribution_line(self.settings.glossary_name, self.settings.license),
            docs_url=self.settings.glossary_url,
            review=self.governance.state(term),
            today=self.governance.today(),
            reading=reading,
        )

    def define(self, user_id: str, ask: Ask, reading: Reading | None = None, locale: Locale | None = None) -> Answer:
        """The text read whole wins if it names a term ("prompt engineering"); else the framing words apply.

        `/define` reads what it is given as a mention does (glossary.ask): a name first, then a question, a
        comparison, a description; the framing words apply as in a mention."""
        glossary = self.glossary
        result, framing = best_reading(ask, lambda said: glossary.ask(said, asking=ask.asking))
        if result.term is not None:
            reading = _reading(glossary, result, reading, locale)
            card = self.card_for(user_id, result.term, framing=framing, glossary=glossary, reading=reading)
            return Answer(result, card, framing, ask.text)
        readings = [(ask.text, ask.framing)]
        if ask.full_text and ask.full_text != ask.text:
            readings.append((ask.full_text, ask.full_framing))
        for text, reading_framing in readings:
            compared = glossary.compare(text) if text else None
            if compared is not None:
                return Answer(compared, None, reading_framing, ask.text)
        return Answer(result, None, ask.framing, ask.text)

    def ask(self, user_id: str, text: str, reading: Reading | None = None, locale: Locale | None = None) -> Answer:
        """A mention or a DM: the same answer as `python -m bot ask`, with the person's card on a hit."""
        glossary = self.glossary
        reply = answer_question(glossary, text)
        card = None
        if reply.result.term is not None:
            reading = _reading(glossary, reply.result, reading, locale)
            card = self.card_for(user_id, reply.result.term, framing=reply.framing, glossary=glossary, reading=reading)
        return Answer(reply.result, card, reply.framing, reply.asked)

    def open_term(
        self,
        user_id: str,
        slug: str,
        *,
        framing: Framing | None = None,
        expanded: bool = False,
        reading: Reading | None = None,
    ) -> Card | None:
        glossary = self.glossary
        term = glossary.get(slug)
        if term is None:
            return None
        return self.card_for(user_id, term, framing=framing, expanded=expanded, glossary=glossary, reading=reading)

    def explain(self, user_id: str, text: str, *, surface: str = "shortcut") -> Explained:
        """Every glossary term in a message, for "Explain glossary terms". Each term found counts as one
        lookup of that term, as written; a message with none is not a miss (it was never a query)."""
        found = self.glossary.scan(text)
        for f in found:
            how = MatchHow.NAME if normalise(f.matched) == normalise(f.term.term) else MatchHow.ALIAS
            written = f.occurrences[0].text
            hit = LookupResult(LookupStatus.HIT, written, (Match(f.term, 100.0, f.matched),), how)
            self.record_lookup(surface, written, hit)
        framing, _ = self.preferred(user_id)
        return Explained(found, framing, discouraged_labels(self.glossary, text))

    def set_framing(self, user_id: str, framing: Framing | None) -> None:
        """The framing this person's cards show first; None shows both again."""
        self._stored(user_id, self.store.set_framing(user_id, framing.value if framing else None))

    def set_role(self, user_id: str, text: str) -> Role | None:
        role = find_role(self.roles, text)
        if role:
            self._stored(user_id, self.store.set_role(user_id, role.key))
        return role

    def clear_role(self, user_id: str) -> None:
        """No role takeaway any more; the framing stays as it is."""
        self._stored(user_id, self.store.set_role(user_id, None))

    def clear_preferences(self, user_id: str) -> None:
        """Both framings again, and no role takeaway: one write."""
        self._stored(user_id, self.store.save_preference(user_id, framing=None, role=None))

    def _stored(self, user_id: str, preference: Preference) -> None:
        """Every preference write ends here: the cached copy becomes what was stored (written through), so the
        next card or Home drawn for this person shows the change, whichever write it was."""
        self.preferences.put(user_id, preference)

    # --- lookup analytics: no user id, no channel id, nothing but the query (see bot/state/lookups.py) ---

    def record_lookup(self, surface: str, query: str, result: LookupResult) -> None:
        """Report one lookup: surface is "slash", "mention", "dm", "button", "mcp", "home", "unfurl", "workflow",
        "shortcut" or "explain" (the last two: terms the scanner found, see state/lookups.SCANNED).
        Queued, never written on the answer's path, and it never raises."""
        try:
            term = result.term
            slug = term.slug if term else None
            row = LookupRow(surface, query, str(result.status), slug, str(result.how), now(), self.team)
        except Exception:  # a result of an unexpected shape costs the analytics a row, never the answer
            return
        self.lookup_writer.put(row)

    def record_opened(self, surface: str, slug: str) -> None:
        """A button that opened a term by its slug (a related term, a choice): a hit on that term."""
        term = self.glossary.get(slug)
        if term is not None:
            self.lookup_writer.put(LookupRow(surface, term.term, "hit", term.slug, "button", now(), self.team))

    def flush_lookups(self, timeout: float = 1.0) -> bool:
        """Wait (at most `timeout` seconds) for the queued lookups to be written."""
        return self.lookup_writer.flush(timeout)

    def lookup_counts(self, days: int = 90) -> dict[str, int]:
        """slug -> lookups that showed that term in the last `days` days, most first."""
        return self.lookups.counts_by_slug(now() - dt.timedelta(days=days))

    def top_misses(self, days: int = 7, limit: int = 10) -> list[tuple[str, int]]:
        """(normalised query, times asked) of the lookups that found nothing in the last `days` days."""
        return self.lookups.top_misses(now() - dt.timedelta(days=days), limit)

    def lookup_stats(self, days: int = DEFAULT_DAYS) -> LookupStats:
        """The report behind `/define stats` and `python -m bot stats`, including lookups queued a moment ago."""
        self.flush_lookups()
        days = min(days, self.settings.lookup_retention_days)
        return lookup_stats(self.lookups, self.glossary, days, feedback=self.feedback_counts())

    def record_feedback(self, user_id: str, slug: str, *, helpful: bool) -> bool | None:
        """One "Helpful?" vote per person per term; voting again changes it. Returns the vote it replaced."""
        return self.feedback.vote(user_id, slug, helpful=helpful)

    def feedback_counts(self) -> dict[str, tuple[int, int]]:
        """slug -> (helpful, not helpful) votes: what `/define stats` and the Home's reviewer section show."""
        return self.feedback.counts()
