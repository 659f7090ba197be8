"""Mutated real term files, loaded one by one and all together: the worker behind test_load_adversarial.py.

Run as a script in a child process with a memory limit, so a regression that blows up is a failed test,
not a dead CI runner. Prints one JSON report on stdout. Every mutation comes from a seeded random.Random:
the same seed gives the same files, so a failure names a mutation that can be replayed.
"""

from __future__ import annotations

import json
import random
import resource
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.glossary.load import load_files, load_glossary  # noqa: E402
from bot.glossary.model import LoadResult  # noqa: E402
from bot.glossary.parse import FileText, glossary_files  # noqa: E402

SECONDS_PER_FILE = 20  # generous: a file takes milliseconds; this only names the mutation that hangs
MEMORY_BYTES = 1_500_000_000

Mutation = Callable[[random.Random, bytes], bytes]


def _truncate(rng: random.Random, raw: bytes) -> bytes:
    return raw[: rng.randrange(len(raw))]


def _flip_bytes(rng: random.Random, raw: bytes) -> bytes:
    out = bytearray(raw)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _splice_lines(rng: random.Random, raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines.insert(i, lines[j])  # duplicate keys, misplaced items, broken indentation
    return b"\n".join(lines)


def _deep_nesting(rng: random.Random, raw: bytes) -> bytes:
    depth = rng.choice([40, 500, 5000, 100_000])
    style = rng.choice(["flow_seq", "flow_map", "block"])
    if style == "flow_seq":
        value = b"[" * depth + b"x" + b"]" * depth
    elif style == "flow_map":
        value = b"{a: " * depth + b"x" + b"}" * depth
    else:
        depth = min(depth, 2000)
        value = b"\n" + b"".join(b"  " * (i + 1) + b"k:\n" for i in range(depth)) + b"  " * (depth + 1) + b"x"
    return _set_field(rng, raw, value)


def _huge_scalar(rng: random.Random, raw: bytes) -> bytes:
    size = rng.choice([10_000, 500_000, 990_000, 1_200_000])
    return _set_field(rng, raw, b'"' + b"x" * size + b'"')


def _tag(rng: random.Random, raw: bytes) -> bytes:
    tag = rng.choice(
        [
            b"!!int",
            b"!!float",
            b"!!bool",
            b"!!timestamp",
            b"!!binary",
            b"!!set",
            b"!!omap",
            b"!!pairs",
            b"!!python/object:os.system",
            b"!!python/object/apply:os.system",
            b"!!python/name:builtins.eval",
            b"!<tag:example.com,2000:app/x>",
            b"!local",
        ]
    )
    value = rng.choice([b"abc", b"2026-13-45", b"9" * 5000, b"[a, b]", b"{a: b}", b"''", b"1e99999"])
    return _set_field(rng, raw, tag + b" " + value)


def _anchors(rng: random.Random, raw: bytes) -> bytes:
    width, levels = rng.randint(2, 12), rng.randint(2, 12)
    lines = [b"a0: &a0 [x]"]
    for i in range(1, levels + 1):
        lines.append(b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * width) + b"]")
    choice = rng.choice(["bomb", "undefined", "recursive", "merge", "duplicate"])
    if choice == "bomb":
        return raw + b"\n" + b"\n".join(lines) + b"\n"
    if choice == "undefined":
        return _set_field(rng, raw, b"*nowhere")
    if choice == "recursive":
        return _set_field(rng, raw, b"&r [a, *r]")
    if choice == "merge":
        return raw + b"\nbase: &b {x: 1}\nother:\n  <<: *b\n  <<: [*b, *b]\n"
    return raw + b"\nx: &d 1\ny: &d 2\nz: *d\n"


def _junk(rng: random.Random, raw: bytes) -> bytes:
    junk = rng.choice(
        [
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000))),
            b"\xef\xbb\xbf" * 3,
            b"\x1b[31m",
            b"\r\r\n\t\x0b\x0c",
            "\u202e\u2028\ufeff".encode(),
            b"\x00",
            b"---\n...\n---\n",
            b"%YAML 1.1\n%TAG ! tag:x,2000:\n---\n",
        ]
    )
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + junk + raw[at:]


def _set_field(rng: random.Random, raw: bytes, value: bytes) -> bytes:
    """The file with one top-level field's first line given this value (what a careless edit would do)."""
    lines = raw.split(b"\n")
    keys = [i for i, line in enumerate(lines) if line[:1].isalpha() and b":" in line]
    i = rng.choice(keys)
    lines[i] = lines[i].split(b":", 1)[0] + b": " + value
    return b"\n".join(lines)


MUTATIONS: dict[str, Mutation] = {
    "truncate": _truncate,
    "flip_bytes": _flip_bytes,
    "splice_lines": _splice_lines,
    "deep_nesting": _deep_nesting,
    "huge_scalar": _huge_scalar,
    "tag": _tag,
    "anchors": _anchors,
    "junk": _junk,
}


class Hung(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hung()


def run(seed: int, count: int) -> dict[str, object]:
    rng = random.Random(seed)
    originals = [(p, p.read_bytes()) for p in glossary_files(ROOT / "data" / "terms")]
    good_path, good_raw = originals[0]
    failures: list[str] = []
    kinds: dict[str, int] = {}
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(count):
            path, raw = rng.choice(originals[1:])
            kind = rng.choice(sorted(MUTATIONS))
            mutated = MUTATIONS[kind](rng, raw)
            kinds[kind] = kinds.get(kind, 0) + 1
            name = f"m{n:04d}-{kind}.yml"
            (folder / name).write_bytes(mutated)
            files = [FileText(Path(tmp, name), mutated), FileText(good_path, good_raw)]
            signal.alarm(SECONDS_PER_FILE)
            try:
                result = load_files(folder, files)
            except Hung:
                failures.append(f"{name} (seed {seed}): still loading after {SECONDS_PER_FILE} s")
                continue
            except BaseException as exc:
                failures.append(f"{name} (seed {seed}): {type(exc).__name__}: {str(exc)[:200]}")
                continue
            finally:
                signal.alarm(0)
            if not isinstance(result, LoadResult) or good_path.stem not in {t.slug for t in result.terms}:
                failures.append(f"{name} (seed {seed}): the good file next to it did not load")
        # All of them at once, from disk: the reader, slug collisions between copies, cross-file checks.
        signal.alarm(SECONDS_PER_FILE * 5)
        try:
            together = load_glossary(folder)
            loaded_together = len(together.terms)
        except BaseException as exc:
            failures.append(f"the whole folder (seed {seed}): {type(exc).__name__}: {str(exc)[:200]}")
            loaded_together = -1
        finally:
            signal.alarm(0)
    return {"count": count, "kinds": kinds, "failures": failures, "loaded_together": loaded_together}


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    print(json.dumps(run(int(sys.argv[1]), int(sys.argv[2]))))
