"""Everything a running bot holds: settings, the live glossary, roles and the state store.

It also answers the core questions listeners ask ("which card does this person get for this?"), so
that rules about framings and preferences live here, tested without Slack. Every preference write goes
through it, so what "clear" forgets is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ask import Ask, answer_question, best_reading
from .cards import Card, attribution_line, build_card
from .config import Settings
from .glossary.live import LiveGlossary
from .glossary.lookup import Glossary, LookupResult
from .glossary.model import Framing, Role, Term
from .glossary.roles import find_role, load_roles
from .state.preference_cache import PreferenceCache
from .state.store import Store
from .term_requests.book import RequestBook


@dataclass(frozen=True)
class Answer:
    result: LookupResult
    card: Card | None = None


class Runtime:
    def __init__(self, settings: Settings, live: LiveGlossary, store: Store, roles: dict[str, Role]):
        self.settings = settings
        self.live = live
        self.store = store
        self.roles = roles
        self.requests = RequestBook(store)
        # Read on every card; writes below forget the person's copy (see preference_cache for the bound).
        self.preferences = PreferenceCache(lambda user_id: self.store.preference(user_id))

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        """Build or reuse the glossary database and open the state database."""
        live = LiveGlossary(settings.glossary_dir, settings.glossary_db, settings.glossary_max_file_bytes)
        return cls(settings, live, Store(settings.state_url), load_roles(settings.roles_file))

    @property
    def glossary(self) -> Glossary:
        return self.live.current

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
        )

    def define(self, user_id: str, ask: Ask) -> Answer:
        """The text read whole wins if it names a term ("prompt engineering"); else the framing words apply."""
        glossary = self.glossary
        result, framing = best_reading(ask, glossary.find)
        if result.term is None:
            return Answer(result)
        return Answer(result, self.card_for(user_id, result.term, framing=framing, glossary=glossary))

    def ask(self, user_id: str, text: str) -> Answer:
        """A mention or a DM: the same answer as `python -m bot ask`, with the person's card on a hit."""
        glossary = self.glossary
        reply = answer_question(glossary, text)
        if reply.result.term is None:
            return Answer(reply.result)
        return Answer(reply.result, self.card_for(user_id, reply.result.term, framing=reply.framing, glossary=glossary))

    def open_term(
        self, user_id: str, slug: str, *, framing: Framing | None = None, expanded: bool = False
    ) -> Card | None:
        glossary = self.glossary
        term = glossary.get(slug)
        return self.card_for(user_id, term, framing=framing, expanded=expanded, glossary=glossary) if term else None

    def set_framing(self, user_id: str, framing: Framing | None) -> None:
        """The framing this person's cards show first; None shows both again."""
        self.store.set_framing(user_id, framing.value if framing else None)
        self.preferences.forget(user_id)

    def set_role(self, user_id: str, text: str) -> Role | None:
        role = find_role(self.roles, text)
        if role:
            self.store.set_role(user_id, role.key)
            self.preferences.forget(user_id)
        return role

    def clear_preferences(self, user_id: str) -> None:
        """Both framings again, and no role takeaway."""
        self.store.set_framing(user_id, None)
        self.store.set_role(user_id, None)
        self.preferences.forget(user_id)

    def record_lookup(self, surface: str, query: str, result: LookupResult) -> None:
        """Where every lookup is reported to the lookup analytics, by surface ("mcp", …). A no-op until they land."""
