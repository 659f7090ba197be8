"""The full-text search's ranking, from SQLite's own index, without SQLite's cost on common words.

A question that names no term is searched for every word first, then (when no term holds them all) for any of
them. A description of ten words matches most terms of a big glossary on one common word or another, and SQLite
then scores every one of them with bm25 to keep the best 30: about 20 ms at 10,000 generated terms for a
hand-written description (bench/RESULTS.md). Here each word's list of terms (its doclist, worked out from the
index by the builder and stored beside it, then kept once read) is scored at once with numpy, using bm25's
arithmetic as SQLite's `fts5_aux.c` does it, step by step: the same terms, in the same order, with the same
relevance bit for bit (tests/test_postings.py compares the two on every hand-written query and on a generated
glossary).

Words are split and stemmed by SQLite itself (an in-memory table with the same `porter` tokenizer), so no
stemmer here has to agree with SQLite's. A word SQLite splits in several tokens ("don't", "model's", "4.5") is a
phrase: its tokens must follow one another in one column, as SQLite matches it. A word with no token at all is
left to SQLite (`search` answers None).
"""

from __future__ import annotations

import itertools
import math
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

# bm25's constants, as fts5_aux.c has them.
K1 = 1.2
B = 0.75
IDF_FLOOR = 1e-6  # fts5_aux.c: a word in more than half the rows would score below zero; it scores this instead
AVERAGES_ROWID = 1  # the row of an FTS5 table's `_data` that holds its row count and column totals
# The kept doclists past this size let go of the least recently used: 12 bytes a row holding the word, so a word in
# half of 10,000 terms keeps 60 KB, every word of a generated 10,000-term glossary 12 MB, of 50,000 terms 60 MB.
# A list let go is read again from the stored table (one indexed read and a copy of its bytes).
LISTS_BYTES = 64 * 2**20
LISTS_TABLE = "search_doclists"  # every token's doclist, stored by the builder (store_doclists)
WORDS_KEPT = 10_000  # words whose tokens are kept (a few hundred bytes each)

Doclist = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]  # rowids, and the word's share of each one's score


class Postings:
    """One glossary database's full-text index, scored in memory. Safe to share between threads: each thread
    passes its own connection to the database."""

    def __init__(self, table: str, content: str, columns: Sequence[str], weights: Sequence[float]):
        """`table`: the FTS5 index; `content`: the table it indexes (a slug for each rowid); `columns` and
        `weights`: the index's columns in order, and the bm25 weight each is queried with."""
        self.table = table
        self.content = content
        self._lock = threading.Lock()
        self._loaded: tuple[dict[int, str], npt.NDArray[np.float64], int] | None = None
        self._columns = {c: i for i, c in enumerate(columns)}
        self._weights = np.asarray(weights, dtype=np.float64)
        self._lists: OrderedDict[tuple[str, ...], Doclist] = OrderedDict()  # least recently used first
        self._list_bytes = 0
        self._tokens: dict[str, tuple[str, ...]] = {}
        self._local = threading.local()

    def search(
        self,
        conn: sqlite3.Connection,
        words: list[str],
        limit: int,
        *,
        every_word: bool = True,
        then_any_word: bool = False,
    ) -> list[tuple[str, float]] | None:
        """What `db.search` answers for these words (slug, relevance), or None when only SQLite can tell (a word
        its tokenizer makes nothing of). `then_any_word`: when no row holds every word, what it answers for any
        of them, from the same pass over the doclists (a description is usually asked both ways). Raises
        sqlite3.Error when the database cannot be read."""
        stems = self._stems(words)
        if stems is None:
            return None
        slugs, norm, rows = self._load(conn)
        lists = [self._list(conn, s, norm, rows) for s in stems]
        # Arrays over every rowid: a row holding no word of the query only ever has 0.0 added, as in SQLite.
        held = np.zeros(norm.size, dtype=np.int32)
        for docs, _ in dict(zip(stems, lists, strict=True)).values():
            held[docs] += 1
        every = len(set(stems))
        score: npt.NDArray[np.float64] | None = None
        answer: list[tuple[str, float]] = []
        for wanted in (every, 1) if every_word and then_any_word else (every if every_word else 1,):
            found = np.flatnonzero(held >= wanted)
            if not found.size:
                continue
            if score is None:
                # fts5_aux.c's bm25 summed over the query's words in their order (each word's share is
                # worked out once, when its doclist is read: _list).
                score = np.zeros(norm.size)
                for docs, share in lists:
                    score[docs] = score[docs] + share
            answer = _best(slugs, found, score, limit)
            if answer:
                break
        return answer

    def _stems(self, words: list[str]) -> list[tuple[str, ...]] | None:
        """Each word's tokens (a phrase when more than one), as SQLite's query would read it."""
        kept = self._tokens
        known = {w: kept.get(w) for w in words}
        missing = [w for w, tokens in known.items() if tokens is None]
        if missing:
            made = dict(zip(missing, self._tokenized(missing), strict=True))
            known.update(made)
            if len(kept) + len(made) > WORDS_KEPT:
                self._tokens = made  # a bound on memory; the common words are back at once
            else:
                kept.update(made)
        stems = [known[w] for w in words]
        return [s for s in stems if s] if all(stems) else None

    def _tokenized(self, words: list[str]) -> list[tuple[str, ...]]:
        """Each word's tokens as the `porter` tokenizer makes them, from a table of this thread's own."""
        conn: sqlite3.Connection | None = getattr(self._local, "tokenizer", None)
        if conn is None:
            conn = sqlite3.connect(":memory:")
            conn.execute("create virtual table said using fts5(word, tokenize='porter')")
            conn.execute("create virtual table said_tokens using fts5vocab(said, instance)")
            self._local.tokenizer = conn
        with conn:
            conn.executemany("insert into said(rowid, word) values (?, ?)", enumerate(words))
            tokens: list[list[str]] = [[] for _ in words]
            for row, token in conn.execute("select doc, term from said_tokens order by doc, offset"):
                tokens[row].append(token)
            conn.execute("delete from said")
        return [tuple(t) for t in tokens]

    def _list(
        self, conn: sqlite3.Connection, phrase: tuple[str, ...], norm: npt.NDArray[np.float64], rows: int
    ) -> Doclist:
        """The rows holding the phrase, and its share of each row's bm25 score (kept, least recently used let
        go first): idf * (f(qi,D) * (k1 + 1) / (f(qi,D) + norm(D))), the operations of fts5_aux.c in its order,
        so that summed in the query's order they give SQLite's relevance bit for bit."""
        with self._lock:
            kept = self._lists.get(phrase)
            if kept is not None:
                self._lists.move_to_end(phrase)
                return kept
        docs, counts = self._word_list(conn, phrase[0]) if len(phrase) == 1 else self._phrase_list(conn, phrase)
        hits = docs.size
        idf = math.log((rows - hits + 0.5) / (hits + 0.5))
        share = (idf if idf > 0.0 else IDF_FLOOR) * ((counts * (K1 + 1.0)) / (counts + norm[docs]))
        with self._lock:
            if phrase not in self._lists:  # another thread may have read it meanwhile
                self._lists[phrase] = (docs, share)
                self._list_bytes += docs.nbytes + share.nbytes
            while self._list_bytes > LISTS_BYTES and len(self._lists) > 1:
                _, (old_docs, old_share) = self._lists.popitem(last=False)
                self._list_bytes -= old_docs.nbytes + old_share.nbytes
        return docs, share

    def _word_list(self, conn: sqlite3.Connection, token: str) -> Doclist:
        """The word's doclist as the builder stored it (`store_doclists`): one indexed read, no decoding."""
        row = conn.execute(f"select docs, counts from {LISTS_TABLE} where token = ?", [token]).fetchone()
        if row is None:  # no row holds the word
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
        return np.frombuffer(row[0], dtype=np.int32), np.frombuffer(row[1], dtype=np.float64)

    def _phrase_list(self, conn: sqlite3.Connection, phrase: tuple[str, ...]) -> Doclist:
        """Where the tokens follow one another in one column: each place is (row, column, offset) in one int64,
        and the k-th token's places moved k back must meet the first token's."""
        starts: npt.NDArray[np.int64] | None = None
        for k, token in enumerate(phrase):
            rows = conn.execute(
                f"select doc, col, offset from temp.postings_{self.table} where term = ?", [token]
            ).fetchall()
            places = np.fromiter(
                ((doc << 32) | (self._columns.get(col, 0) << 24) | offset for doc, col, offset in rows),
                dtype=np.int64,
                count=len(rows),
            )
            places -= k
            starts = places if starts is None else np.intersect1d(starts, places)
        assert starts is not None
        docs, first = np.unique((starts >> 32).astype(np.int32), return_index=True)
        weights = self._weights[(starts >> 24) & 0xFF] if starts.size else np.zeros(0)
        counts = np.add.reduceat(weights, first) if starts.size else np.zeros(0)
        return docs, counts

    def open(self, conn: sqlite3.Connection) -> None:
        """Give a new connection to the database a view of the index's doclists (SQLite's fts5vocab table,
        in the connection's own temporary schema): call it once per connection, before its first search."""
        conn.execute(f"create virtual table temp.postings_{self.table} using fts5vocab(main, {self.table}, instance)")

    def _load(self, conn: sqlite3.Connection) -> tuple[dict[int, str], npt.NDArray[np.float64], int]:
        """Slugs by rowid; each row's length term of bm25, k1 * (1 - b + b * |D| / avgdl), by rowid; the row
        count. Read once per glossary version."""
        if self._loaded is None:
            try:
                loaded = self._read_sizes(conn)
            except (IndexError, ValueError, TypeError) as exc:  # a record not in FTS5's shape: not ours to guess
                raise sqlite3.DatabaseError(f"the full-text index's sizes cannot be read: {exc!r}") from exc
            with self._lock:
                self._loaded = loaded
        return self._loaded

    def _read_sizes(self, conn: sqlite3.Connection) -> tuple[dict[int, str], npt.NDArray[np.float64], int]:
        slugs = {int(r): str(slug) for r, slug in conn.execute(f"select rowid, slug from {self.content}")}
        sizes = conn.execute(f"select id, sz from {self.table}_docsize").fetchall()
        lengths = np.zeros(max((r[0] for r in sizes), default=0) + 1)
        for rowid, blob in sizes:
            lengths[rowid] = sum(_varints(blob))  # xColumnSize(-1): every column's tokens
        (averages,) = conn.execute(f"select block from {self.table}_data where id = ?", [AVERAGES_ROWID]).fetchone()
        rows, *columns = _varints(averages)
        average = float(sum(columns)) / float(rows) if rows else 1.0  # avgdl = (double)nToken / (double)nRow
        return slugs, K1 * (1 - B + B * lengths / average), rows


def _best(
    slugs: dict[int, str], found: npt.NDArray[np.intp], score: npt.NDArray[np.float64], limit: int
) -> list[tuple[str, float]]:
    """The best `limit` of the rows found, as SQLite orders them (by rank, ties by rowid, as it met them), then
    their slugs (as SQLite's query joins them after its limit)."""
    rank = -1.0 * score[found]
    if 0 < limit < found.size:
        # Only rows ranked at or before the limit-th can be among the best: a linear pass, where sorting every
        # row found was 65% of a description's search at 50,000 terms (its common words hold most rows).
        # Ties with the limit-th are all kept, so the sort below orders them as sorting every row would.
        edge = np.partition(rank, limit - 1)[limit - 1]
        near = np.flatnonzero(rank <= edge)
        found, rank = found[near], rank[near]
    best = np.lexsort((found, rank))[:limit]
    return [(slugs[int(found[i])], round(-float(rank[i]), 2)) for i in best if int(found[i]) in slugs]


def store_doclists(conn: sqlite3.Connection, table: str, columns: Sequence[str], weights: Sequence[float]) -> int:
    """Every token's doclist, worked out by SQLite from the just-built index (the rows holding the token, and its
    count in each weighted by column, as bm25 needs them) and stored beside it. The builder calls this, off the
    request path: read from the index on first use, a word cost ~1 microsecond a place it holds (tens of ms for a
    common word at 10,000 terms), and the first thousand distinct questions after a start or a reload paid it,
    served p99 over 1 s. Returns how many tokens were stored."""
    weighted = " ".join(f"when '{c}' then {float(w)!r}" for c, w in zip(columns, weights, strict=True))
    conn.execute(f"create virtual table temp.lists_{table} using fts5vocab(main, {table}, instance)")
    conn.execute(f"create table {LISTS_TABLE} (token text primary key, docs blob, counts blob) without rowid")
    rows = conn.execute(
        # Each token's count in each row, each place weighted by its column (small whole numbers, so summed
        # in any order they make the sum fts5_aux.c makes place by place).
        f"select term, doc, sum(case col {weighted} else 1.0 end) from temp.lists_{table} "
        "group by term, doc order by term, doc"
    )
    made = []
    for token, group in itertools.groupby(rows, key=lambda r: r[0]):
        held = list(group)
        docs = np.fromiter((r[1] for r in held), dtype=np.int32, count=len(held))
        counts = np.fromiter((r[2] for r in held), dtype=np.float64, count=len(held))
        made.append((token, docs.tobytes(), counts.tobytes()))
    # Written once the index has been read to its end: no insert while its vocabulary is being walked.
    conn.executemany(f"insert into {LISTS_TABLE} values (?, ?, ?)", made)
    conn.execute(f"drop table temp.lists_{table}")
    return len(made)


def _varints(blob: bytes) -> Iterator[int]:
    """SQLite's variable-length integers, one after another: 7 bits a byte, high bit set on all but the last,
    and a ninth byte, when there is one, taking all 8."""
    at = 0
    while at < len(blob):
        value = 0
        for i in range(9):
            byte = blob[at]
            at += 1
            if i == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        yield value
