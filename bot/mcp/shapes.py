"""What each MCP tool returns, as TypedDicts: the SDK publishes them as output schemas and checks every result.

Keys are the glossary's own words. A lookup's `status` is hit | ambiguous | suggestions | miss, as in
`define --json`; a term's review status is `status` inside the term.
"""

from __future__ import annotations

from typing import Literal, NotRequired

# pydantic (under the MCP SDK) reads TypedDicts from typing_extensions only, on Python before 3.12.
from typing_extensions import TypedDict

LookupStatusWord = Literal["hit", "ambiguous", "suggestions", "comparison", "miss"]
ReviewStatus = Literal["draft", "reviewed", "approved", "deprecated"]


class Match(TypedDict):
    slug: str
    term: str
    score: float
    matched: str  # the name or alias that matched, as the glossary writes it
    short_def: str


class Related(TypedDict):
    kind: Literal["broader", "narrower", "related"]
    term: str
    slug: str | None  # None: the glossary names it but has no entry for it


class Citation(TypedDict):
    source: str
    url: str


class RoleTakeaway(TypedDict):
    key: str
    name: str
    takeaway: str


class SenseShown(TypedDict):
    sense: str  # the sense's key in the terminology sidecar; "main" is the term file's own
    name: str
    why: Literal["channel", "role", "order", "asked"]
    reason: str  # in words: "your role is data science"
    others: list[str]  # the other senses' keys


class SayInstead(TypedDict):
    label: str  # the word used, which the glossary discourages
    usage: Literal["deprecated", "forbidden"]
    use_instead: str  # the slug of the term to say instead
    why: str
    sentence: str  # "We say “evaluation”, not “model testing”: …"


class TermEntry(TypedDict):
    slug: str
    term: str
    status: ReviewStatus
    last_reviewed: str
    short_def: str
    long_def: str
    framings: dict[str, str]  # "exec" and/or "engineer" -> that framing's text
    aliases: list[str]
    categories: list[str]
    related: list[Related]
    citations: list[Citation]
    license: str
    stale: bool  # due for review: its last verification is older than its status's review interval
    due_since: str | None  # the day it became (or becomes) due; None when it is never due
    verified_by: str | None  # the Slack user who last said "Still accurate", when that is the latest review
    verified_on: str | None
    role: NotRequired[RoleTakeaway]
    docs_url: NotRequired[str]
    sense: NotRequired[SenseShown]  # a term with several senses: the one shown, and why


class DefineResult(TypedDict):
    status: LookupStatusWord
    query: str
    how: str  # name | alias | squashed | fuzzy | search, or "" for a miss
    offer: Literal["term", "choice", "did_you_mean", "matching_definitions", "comparison", "nothing"]
    terms: list[Match]  # what matched: one term for a hit, the candidates otherwise
    definition: NotRequired[TermEntry]  # the term itself, for a hit
    compared: NotRequired[list[TermEntry]]  # both terms, for a comparison ("RAG vs fine-tuning")
    framing: NotRequired[Literal["exec", "engineer"]]  # the framing applied: asked for, in the words, or saved
    say_instead: NotRequired[SayInstead]  # the name asked for is a deprecated or forbidden label


class SearchResult(TypedDict):
    query: str
    terms: list[Match]


class Place(TypedDict):
    start: int  # character offsets into the text as given
    end: int
    text: str


class FoundTerm(TypedDict):
    slug: str
    term: str
    matched: str
    definition: str  # the short definition, or the framing's text when a framing was asked for
    occurrences: list[Place]


class ExplainResult(TypedDict):
    found: list[FoundTerm]
    say_instead: NotRequired[list[SayInstead]]  # deprecated or forbidden labels the text uses
    framing: NotRequired[Literal["exec", "engineer"]]  # the framing applied: asked for, or the person's saved one


class TermSummary(TypedDict):
    slug: str
    term: str
    short_def: str
    status: ReviewStatus


class ListResult(TypedDict):
    count: int  # every term that matches, on all pages
    terms: list[TermSummary]  # this page, by name
    categories: list[str]  # every category in the glossary, for the next call
    matched_categories: NotRequired[list[str]]  # the categories `category` named
    matched_role: NotRequired[str]  # the role key `role` named
    next_cursor: NotRequired[str]  # pass it as `cursor` for the next page; absent on the last page


class RelatedResult(TypedDict):
    status: LookupStatusWord
    query: str
    terms: list[Match]  # the term the query named, or the candidates when it named none for sure
    broader: list[Related]
    narrower: list[Related]
    related: list[Related]


class RequestResult(TypedDict):
    status: Literal["filed", "voted", "already_asked", "refused"]
    message: str  # one sentence to pass on to the person
    number: NotRequired[int]  # the request's number, when there is a request
    request_status: NotRequired[str]  # open, drafting, in_review, …
    votes: NotRequired[int]
    existing_term: NotRequired[Match]  # the glossary term that already answers it, when refused
