"""The scanner: every term and alias named in a text, in prose only, in order, with where it was written."""

from __future__ import annotations

import io
import json
import threading

import pytest
from paths import BUNDLED_TERMS
from termfactory import term_data

from bot.cli.main import main
from bot.glossary.lookup import Glossary
from bot.glossary.model import Term
from bot.glossary.scan import Scanner, fold, inflections


def make_term(name: str, *aliases: str) -> Term:
    data = term_data(name)
    from bot.glossary.model import slugify

    return Term(
        slug=slugify(name),
        term=name,
        aliases=aliases,
        categories=tuple(data["categories"]),
        roles=tuple(data["roles"]),
        part_of_speech="noun",
        short_def=data["short_def"],
        long_def=data["long_def"],
        exec_framing=data["audiences"]["exec"],
        engineer_framing=data["audiences"]["engineer"],
        examples_do=(),
        examples_dont=(),
    )


TERMS = [
    make_term("retrieval-augmented generation", "RAG"),
    make_term("fine-tuning", "model adaptation"),
    make_term("large language model", "LLM"),
    make_term("language model"),
    make_term("embedding"),
    make_term("prompt injection"),
    make_term("bias"),
]


@pytest.fixture(scope="module")
def glossary():
    return Glossary(TERMS)


def names(found):
    return [f.term.slug for f in found]


def test_several_terms_an_alias_and_inflected_forms_in_order_of_first_appearance(glossary):
    text = "We fine-tuned an LLM, then tried RAG over our embeddings. More RAG later; biased results."
    found = glossary.scan(text)
    assert names(found) == [
        "fine-tuning",
        "large-language-model",
        "retrieval-augmented-generation",
        "embedding",
        "bias",
    ]
    rag = found[2]
    assert rag.matched == "RAG"
    assert [text[o.start : o.end] for o in rag.occurrences] == ["RAG", "RAG"]
    assert [o.text for o in found[0].occurrences] == ["fine-tuned"]
    assert found[3].occurrences[0].text == "embeddings"


def test_offsets_point_into_the_original_text_across_folded_spaces_and_unicode(glossary):
    text = "Ünïcode first — then Prompt\u2011\u2011  Injection and the large   language\nmodel."
    found = glossary.scan(text)
    assert names(found) == ["prompt-injection", "large-language-model"]
    for f in found:
        for o in f.occurrences:
            assert text[o.start : o.end] == o.text
    assert found[0].occurrences[0].text == "Prompt\u2011\u2011  Injection"
    assert found[1].occurrences[0].text == "large   language\nmodel"


def test_the_longest_name_wins_where_names_overlap(glossary):
    found = glossary.scan("A large language model is a language model.")
    assert names(found) == ["large-language-model", "language-model"]
    assert [o.text for o in found[0].occurrences] == ["large language model"]
    assert [o.text for o in found[1].occurrences] == ["language model"]


def test_whole_words_only(glossary):
    assert glossary.scan("Storage, dragons and an unbiased LLMish thing.") == []


def test_mentions_links_urls_and_code_are_skipped(glossary):
    text = (
        "<@U123RAG> <#C42|rag-team> <https://example.org/rag|RAG guide> https://example.org/LLM "
        "www.example.org/embedding `RAG` and\n```\nprompt injection\nLLM\n```\n<!here|RAG>"
    )
    assert glossary.scan(text) == []


def test_prose_around_skipped_parts_is_still_scanned(glossary):
    text = "`code` RAG <@U1> embedding <https://x.org|link> bias ```block``` LLM"
    assert names(glossary.scan(text)) == [
        "retrieval-augmented-generation",
        "embedding",
        "bias",
        "large-language-model",
    ]


def test_no_term_found(glossary):
    assert glossary.scan("Nothing from the glossary is named in this sentence.") == []
    assert glossary.scan("") == []
    assert Scanner([]).scan("RAG") == []


def test_a_name_beats_another_terms_alias_of_the_same_spelling():
    scanner = Scanner([make_term("agent", "bot"), make_term("bot")])
    (found,) = scanner.scan("the bot")
    assert found.term.slug == "bot"


def test_inflections_are_regular_forms_of_the_last_word_only():
    assert inflections("large language model", "large language model") >= {
        "large language models",
        "large language modeled",
    }
    assert "raging" not in inflections("rag", "RAG")  # an acronym is not a verb
    assert "rags" in inflections("rag", "RAG")
    assert inflections("fine tuning", "fine-tuning") >= {"fine tuned", "fine tune"}
    assert "ontologies" in inflections("ontology", "ontology")
    assert "biases" in inflections("bias", "bias")


def test_fold_matches_names_normalise_and_keeps_offsets():
    folded, where = fold("Fine_Tuning  ok")
    assert folded == "fine tuning ok"
    assert len(where) == len(folded)
    assert where[-1] == len("Fine_Tuning  ok") - 1


def test_the_scanner_is_built_once_per_glossary(glossary):
    assert glossary.scanner is glossary.scanner


def test_explain_command_reads_stdin_and_prints_json(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    monkeypatch.setattr("sys.stdin", io.StringIO("We fine-tuned a LoRA adapter, not `RAG`."))
    assert main(["explain", "--json", "-"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [f["slug"] for f in found] == ["fine-tuning", "low-rank-adaptation"]
    assert found[0]["occurrences"] == [{"start": 3, "end": 13, "text": "fine-tuned"}]
    assert main(["explain", "LoRA", "and", "RAG"]) == 0
    out = capsys.readouterr().out
    assert "low-rank adaptation (as 'LoRA'):" in out
    assert main(["explain", "nothing", "here"]) == 1
    assert "No glossary term found" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "slug", "written"),
    [
        ("we quantized the model last week", "quantization", "quantized"),
        ("the reranker is slow today", "reranking", "reranker"),
        ("feed it tokenized input", "tokenizer", "tokenized"),
        ("the agents hallucinated an answer", "hallucination", "hallucinated"),
        ("we evaluated the distilled model", "knowledge-distillation", "distilled"),
    ],
)
def test_explain_finds_the_forms_define_finds(bundled_glossary, text, slug, written):
    """The same stems as lookup's variant step: what `/define quantized` finds, Explain finds in a message."""
    found = {f.term.slug: [o.text for o in f.occurrences] for f in bundled_glossary.scan(text)}
    assert found.get(slug) == [written], found
    assert bundled_glossary.find(written).matches[0].term.slug == slug


def test_an_acronym_gets_no_derived_forms(bundled_glossary):
    assert [f.term.slug for f in bundled_glossary.scan("raging about RAG")] == ["retrieval-augmented-generation"]


SLACK_MARKUP_FLOODS = ["<@", "<#", "<!", "<https:", "<mailto:", "<@U1 ", "`", "```", "``` x ", "`a", "https://"]


def test_slack_markup_floods_scan_in_linear_time(glossary):
    """40,000 characters of unclosed markup (issue 19: 1.6-7.7 s per call for `<@`). Each flood is scanned
    three times in a thread: all of them must finish within a generous 5 s that a quadratic scan (about a
    second per flood on an idle machine, 15 s or more for the lot) cannot meet; the prose after a flood is
    still read."""
    results: dict[str, list[str]] = {}

    def scan_all() -> None:
        for flood in SLACK_MARKUP_FLOODS * 3:
            text = (flood * 40_000)[: 40_000 - 4] + " RAG"
            results[flood] = names(glossary.scan(text))

    worker = threading.Thread(target=scan_all, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), f"still scanning after 5 s; finished only {sorted(results)}"
    assert set(results) == set(SLACK_MARKUP_FLOODS)
    # Markup a person wrote as prose around a flood is still read: "<@" never closes, so RAG is prose.
    assert results["<@"] == ["retrieval-augmented-generation"]
