"""The words around a name in a question: frames to drop, filler that names nothing, and comparisons.

Everything here reads text already folded by `names.normalise` (lower case, straight quotes, dashes as
spaces), so one pattern covers "What's", "what’s" and "WHAT'S".
"""

from __future__ import annotations

import re

# Greetings and politeness in front of a question, any number of them.
_OPENING = (
    r"(?:hey|hi|hello|yo|ok|okay|so|um|hmm|sorry|quick question|qq|folks|team|all|guys|bot|glossary bot|"
    r"please|pls|plz|can you|could you|would you|can someone|could someone|does anyone|anyone|somebody|"
    r"do you know|does anybody know|i was wondering|i wonder)"
)
# What people put before the name they ask about, longest alternatives first.
_FRAME = (
    r"(?:what(?:'s| is| are| was| were)?(?: an?| the)? (?:meaning|definition) of|what is meant by|"
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
    r"(?:\s+(?:mean|means|meant|stand for|stands for|refer to|refers to|is|are|do|does|work|works|again|exactly|"
    r"actually|anyway|here|in ai|in ml|in this context|please|pls|thanks|thank you|thx|ty|all about|about|"
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


def strip_frame(key: str) -> str:
    """The part of a normalised question that names something: "what's a kv cache?" -> "kv cache"."""
    text = key.strip(" ?!.,;:")
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
