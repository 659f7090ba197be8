"""The words around a name in a question: frames to drop, filler that names nothing, and comparisons.

Everything here reads text already folded by `names.normalise` (lower case, straight quotes, dashes as
spaces), so one pattern covers "What's", "what’s" and "WHAT'S".
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from .names import normalise

# Greetings and politeness in front of a question, any number of them.
_OPENING = (
    r"(?:hey|hi|hello|yo|ok|okay|so|um|hmm|sorry|quick question|qq|folks|team|all|guys|bot|glossary bot|"
    r"please|pls|plz|can you|could you|would you|can someone|could someone|does anyone|anyone|somebody|"
    r"do you know|does anybody know|i was wondering|i wonder)"
)
# What people put before the name they ask about, longest alternatives first.
_FRAME = (
    # first, as people write English as a second language: "what means X", "explain me X"
    r"(?:what is the mean of|what (?:is )?means?|explain me|say me|"
    r"what(?:'s| is| are| was| were)?(?: an?| the)? (?:meaning|definition) of|what is meant by|"
    r"what do (?:we|you|people|they|folks) mean (?:by|with)|what do you call|what does|what do|what's|whats|"
    r"what is|what are|what was|what about|who is|define|definition of|meaning of|"
    r"explain(?: to me)?(?: like i'm five)?|eli5|describe|tell me (?:more )?(?:about|what)|"
    r"help me understand|i (?:keep|kept) (?:hearing|seeing)(?: about)?|i heard(?: about)?|"
    r"i (?:don't|dont|do not) (?:know|understand|get)(?: what)?|remind me(?: what)?|how do i|how do we|how to|"
    r"how can i|how can we|how does|how do|how is|why do we (?:need|use)|why is|why are|when should (?:i|we) use|"
    r"is there a (?:term|word) for|give me (?:an?|the) (?:definition|summary|overview) of|look up|lookup|"
    r"search for|info on|information on|anything on|overview of|intro to|primer on)"
)
_ARTICLES = r"(?:an?|the|this|that|these|those|our|my|your|some)"
_LEADING = re.compile(rf"^(?:{_OPENING}[\s,]+)*(?:{_FRAME}(?:\s+|$))?(?:{_ARTICLES}\s+)?")
_TRAILING = re.compile(
    r"(?:\s+(?:mean|means|meant|stand for|stands for|refer to|refers to|is|are|do|does|again|exactly|"
    r"actually|anyway|here|in ai|in ml|in this context|please|pls|thanks|thank you|thx|ty|"
    r"all about|about|"
    r"is about|is for|used for|for)|[\s?!.,;:]+)$"
)

# Comparisons: two names and the words that join them. "or" only counts when both sides name a term.
COMPARISONS = tuple(
    re.compile(p)
    for p in (
        r"^(?:what(?:'s| is| are)? )?(?:the )?(?:main |key |real )?differences? between (?P<a>.+?) and (?P<b>.+)$",
        r"^(?:how (?:does|do|is|are) )?(?P<a>.+?) (?:differ|different|differs) (?:from|than|to) (?P<b>.+)$",
        r"^(?:compare|comparing|contrast) (?P<a>.+?) (?:and|with|to|vs\.?|versus) (?P<b>.+)$",
        r"^(?P<a>.+?) (?:vs\.?|v\.?|versus|compared to|compared with) (?P<b>.+)$",
        r"^is (?P<a>.+?) (?:the same (?:thing )?as|different from) (?P<b>.+)$",
    )
)
EITHER = re.compile(r"^(?:should (?:i|we) use |do (?:i|we) (?:need|want) )?(?P<a>.+?) or (?P<b>.+)$")

# Words of a question that name nothing: left in, they make every definition match. Also the stopwords
# of full-text search.
FILLER = frozenset(
    """a about actually again all also am an and any anyone anything are as ask asking at be been being between
    but by can could define definition describe difference differences do does doing done don't dont e eg
    else even ever exactly explain explanation for from get getting give go good got had has have hear heard
    hearing help hey hi how i i'm ie if im in info information into is it it's its just keep kind know like
    ll me mean meaning means meant more much my need needs new no not now of ok okay on one or other our
    out people please pls question re really s same say says should simple simply so some someone something
    sort stand stands still stuff such sure t team tell term terms than thanks that that's the their them then
    there these they thing things this those thx to understand up us use used using ve vs want was way we
    well were what what's whats when where which while who why will with word words work works would you
    your""".split()
)


# The words a question's frame is made of, as they are misspelt in a hurry: "wht is", "waht's", "hwo does",
# "explian", "defintion of". Short words are mended only from this list: an edit away from "how" is "hot".
FRAME_WORDS = (
    "what whats what's how does do is are explain define definition meaning tell about please difference "
    "between describe understand anyone someone".split()
)
SHORT_MISSPELLINGS = {
    "wht": "what", "wat": "what", "wut": "what", "wot": "what", "whta": "what", "waht": "what", "hw": "how",
    "hwo": "how", "whts": "whats", "wats": "whats", "wahts": "whats", "whst's": "what's", "whta's": "what's",
    "waht's": "what's", "wat's": "what's", "r": "are", "u": "you", "abt": "about", "plz": "please",
    "pls": "please", "diff": "difference", "dose": "does", "si": "is", "whatis": "what is", "wats's": "what's",
}  # fmt: skip
_LEAD_WORDS = 4  # a frame is at the start: later words are the subject, spelt as the person means them


def mend_frame(key: str) -> str:
    """A question's first words with their misspellings of frame words mended, the rest untouched:
    "wht is promt injecton" -> "what is promt injecton" (the term's own typo is the lookup's business)."""
    said = key.split(" ")
    for i, word in enumerate(said[:_LEAD_WORDS]):
        mended = SHORT_MISSPELLINGS.get(word) or _close_frame_word(word)
        if mended is None:
            break
        said[i] = mended
    return " ".join(said)


def _close_frame_word(word: str) -> str | None:
    if word in FRAME_WORDS or word in _OPENING_WORDS:
        return word
    if len(word) < 5:
        return None
    for frame in FRAME_WORDS:
        if len(frame) >= 5 and OSA.distance(word, frame, score_cutoff=1 if len(word) < 8 else 2) <= (
            1 if len(word) < 8 else 2
        ):
            return frame
    return None


_OPENING_WORDS = frozenset("hey hi hello yo ok okay so um hmm sorry quick question qq can could you a an the".split())


# "how does X work": the last word is the frame's only after "how"; "statement of work" keeps its "work".
_HOW_WORKS = re.compile(r"\s+(?:work|works|wrk|wrok|werk)$")


def strip_frame(key: str) -> str:
    """The part of a normalised question that names something: "what's a kv cache?" -> "kv cache"."""
    text = mend_frame(key.strip(" ?!.,;:"))
    if text.startswith("how "):
        text = _HOW_WORKS.sub("", text)
    for _ in range(3):  # "hey, can you tell me what a kv cache is?" needs two passes
        before = text
        text = _LEADING.sub("", text, count=1).strip()
        text = _TRAILING.sub("", text).strip()
        if text == before:
            break
    return text


def comparison(key: str) -> tuple[str, str] | None:
    """The two sides of "difference between X and Y", "X vs Y", "compare X and Y"…, frames dropped."""
    text = strip_frame(key)
    for pattern in COMPARISONS:
        m = pattern.match(text)
        if m:
            a, b = strip_frame(m.group("a")), strip_frame(m.group("b"))
            if a and b:
                return a, b
    return None


def either(key: str) -> tuple[str, str] | None:
    """ "X or Y": a comparison only if both sides turn out to be terms, which the caller checks."""
    m = EITHER.match(strip_frame(key))
    if not m:
        return None
    a, b = strip_frame(m.group("a")), strip_frame(m.group("b"))
    return (a, b) if a and b else None


# A question is asked with a question mark, a question word first, or words that ask for a meaning. A text
# without any ("our travel agent rebooked the hotel") uses a glossary word in passing, and is not a lookup
# of it; a text of three words or fewer is taken as a lookup whatever its form.
_ASKS = re.compile(
    r"\?|^(?:what|whats|what's|how|why|when|where|who|which|can|could|does|do|is|are|should|explain|define|"
    r"(?:is|are|does|do|did|should|would)n'?t|"
    r"tell|describe)\b|\b(?:mean|means|meaning|explain|define|definition|difference|vs|versus|stand for)\b"
)
_ASKED = re.compile(
    r".*\b(?=(?:what(?:'s| is| are| does| do)?|whats|how (?:does|do|is|are|can|should)|who|where|which|explain|"
    r"define|meaning of)\b)"
)


def asks(key: str) -> bool:
    """Whether a normalised text asks something (see _ASKS)."""
    return bool(_ASKS.search(mend_frame(key.strip()))) or len(key.split()) <= 3


def asked_about(key: str) -> str | None:
    """What the last question in a text asks about: "our rag setup is slow, what does reranking do" ->
    "reranking". None when the text has no question frame after its start. A "what" with any verb after it
    starts one ("we're fine-tuning on chats, what counts as pii" asks about PII, not fine-tuning)."""
    split = asked_after(key)
    return split[1] if split else None


def asked_after(key: str) -> tuple[str, str] | None:
    """(what comes before the last question, what it asks about), as asked_about reads them."""
    m = _ASKED.match(key)
    if not m or not m.end():
        return None
    asked = strip_frame(key[m.end() :])
    return (key[: m.end()], asked) if asked else None


# Small talk: a text made only of these words (and emoji, punctuation, Slack's :emoji: codes), with at least
# one greeting, thanks or acknowledgement among them, is not a lookup: it gets a friendly line, not a miss.
_SMALL_TALK_ANCHORS = frozenset(
    """hi hello hey heya hiya yo morning afternoon evening night gm thanks thank thx ty tysm cheers ta ok okay k
    kk cool nice great awesome perfect lol lmao haha hahaha bye goodbye cya ping test testing sup howdy welcome
    congrats congratulations brb""".split()
)
_SMALL_TALK_WORDS = _SMALL_TALK_ANCHORS | frozenset(
    """a all again and are bot buddy everyone everybody folks for friend glossary good guys helped helpful
    how i it just lot me much much! my nice of oh one so team that the there this very was what's whats
    you your yours u ur doing going up again anyway alright right sure got it yes yeah yep no nope 123 1 2 3
    mate pal""".split()
)
# Slack's markup (a mention, a channel, a link, :emoji: codes) says nothing to look up.
_MARKUP = re.compile(r"<[@#!][^>]*>|:[a-z0-9_+\-]+:")


def small_talk(text: str) -> bool:
    """Whether a text, as typed, is a greeting, thanks or acknowledgement rather than something to look up."""
    text = _MARKUP.sub(" ", text.lower())
    said = re.findall(r"[a-z0-9']+", text)
    if not said:
        return True  # emoji and punctuation only
    if len(said) > 8 or not all(w in _SMALL_TALK_WORDS for w in said):
        return False
    return any(w in _SMALL_TALK_ANCHORS for w in said)


def as_typed_subject(text: str, subject: str) -> str:
    """The subject (a normalised part of `text`) as the person typed it, capitals kept ("KV", not "kv"):
    acronyms are read by their case."""
    if normalise(text) == subject:
        return text
    at = normalise(text).find(subject)
    return text[at : at + len(subject)] if at >= 0 and normalise(text[at : at + len(subject)]) == subject else subject


# Pasted machine output (a log line, a stack trace): its words are a program's, not a description of a concept, so
# only a term it names exactly is worth offering, never one it merely resembles.
_MACHINE_TEXT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|Traceback \(most recent call last\)|"
    r"^\s*\[?(?:ERROR|WARN|WARNING|FATAL|CRITICAL|DEBUG|INFO)\b|\b(?:ERROR|FATAL|CRITICAL)\b.*\d",
    re.MULTILINE,
)


def machine_text(text: str) -> bool:
    """Whether a text reads as pasted machine output rather than something a person wrote."""
    return bool(_MACHINE_TEXT.search(text))
