"""`export` and `import`: the glossary in SKOS, TBX-Basic, a Vale vocabulary or CSV, and SKOS or TBX back to files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..exchange import lists, skos, tbx
from ..exchange.records import write_records
from ..glossary.load import load_glossary
from ..glossary.sidecar import load_terminology

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    loaded = load_glossary(settings.glossary_dir, max_file_bytes=settings.glossary_max_file_bytes)
    terminology = load_terminology(settings.terminology_path, {t.slug: t for t in loaded.terms})
    if loaded.errors or any(p.severity == "error" for p in terminology.problems):
        print("glossary-bot: some files have errors and are left out of the export; run `check`", file=sys.stderr)
    out = Path(args.out) if args.out else None
    if args.format == "vale":
        if out is None:
            accept, reject = lists.vale_lists(loaded.terms, terminology)
            print(
                "# accept.txt\n"
                + "".join(f"{x}\n" for x in accept)
                + "# reject.txt\n"
                + "".join(f"{x}\n" for x in reject)
            )
        else:
            for path in lists.write_vale(loaded.terms, terminology, out):
                print(path)
        return EXIT_OK
    if args.format == "skos":
        fmt = args.rdf_format or ("json-ld" if out and out.suffix in (".jsonld", ".json") else "turtle")
        text = skos.serialise(skos.to_graph(loaded.terms, terminology, settings.glossary_name), fmt)
    elif args.format == "tbx":
        text = tbx.to_tbx(loaded.terms, terminology, settings.glossary_name)
    else:
        text = lists.to_csv(loaded.terms, terminology)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    source, out = Path(args.file), Path(args.out)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"glossary-bot: {source} cannot be read ({exc}); give a UTF-8 SKOS or TBX file", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.format == "skos":
            fmt = args.rdf_format or ("json-ld" if source.suffix in (".jsonld", ".json") else "turtle")
            found, notes = skos.from_graph(skos.parse(text, fmt))
        else:
            found, notes = tbx.from_tbx(text, keep=out)
    except Exception as exc:  # rdflib and ElementTree raise their own kinds for a file that is not theirs
        print(
            f"glossary-bot: {source} is not valid {args.format.upper()} ({type(exc).__name__}: {exc})", file=sys.stderr
        )
        return EXIT_FAILED
    sidecar, written = write_records(found, out)
    for note in notes:
        print(note)
    print(f"{len(written)} term files written to {out / 'terms'}, and {sidecar}; run `check {out / 'terms'}`")
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="the glossary as SKOS, TBX-Basic, a Vale vocabulary or CSV")
    p.add_argument("--format", required=True, choices=("skos", "tbx", "vale", "csv"))
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output (vale: a styles folder)")
    p.add_argument("--rdf-format", choices=("turtle", "json-ld"), help="SKOS: Turtle (default) or JSON-LD")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import", parents=[common], help="SKOS or TBX-Basic as term files and a terminology sidecar")
    p.add_argument("--format", required=True, choices=("skos", "tbx"))
    p.add_argument("file", help="the SKOS (Turtle, JSON-LD) or TBX file")
    p.add_argument("--out", required=True, metavar="DIR", help="writes DIR/terms/*.yml and DIR/terminology.yml")
    p.add_argument("--rdf-format", choices=("turtle", "json-ld"), help="SKOS: Turtle (default) or JSON-LD")
    p.set_defaults(func=cmd_import)
