"""The meaning lane: descriptions reach their term, the lane alone never answers outright, it can be switched off,
its vectors are saved with the lookup index, and its model comes from the installed package, never a download."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.glossary import meaning, snapshot
from bot.glossary.live import open_glossary
from bot.glossary.meaning import Embedder, MeaningIndex, MeaningModelMissing, shared_embedder, term_sentences

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def lane_off():
    meaning.switch(False)
    yield
    meaning.switch(True)


@pytest.mark.parametrize(
    ("described", "term"),
    [
        ("when the model makes stuff up and sounds sure of it", "hallucination"),
        ("a pasted web page told the assistant to ignore its instructions", "prompt-injection"),
        ("shrinking the numbers in a model so it fits on a smaller GPU", "quantization"),
        ("turning a sentence into numbers so similar meanings sit close together", "embedding"),
    ],
)
def test_a_description_without_the_name_reaches_its_term(bundled_glossary, described, term):
    r = bundled_glossary.ask(described)
    assert term in [m.term.slug for m in r.matches[:3]], [m.term.slug for m in r.matches]
    assert r.status == "suggestions"  # offered, never a confident hit from meaning alone


def test_the_meaning_lane_alone_never_makes_a_hit(bundled_glossary):
    """On every hand-written description (development and held-out), a hit or a comparison only ever comes from
    the exact rules: the lane's answers are always offers."""
    for file in ("bundled-dev.yaml", "bundled-heldout.yaml", "bundled-outside.yaml"):
        data = yaml.safe_load((ROOT / "bench" / "quality" / "hand" / file).read_text(encoding="utf-8"))
        for q in data["queries"]:
            r = bundled_glossary.ask(q["q"])
            if r.how == "meaning":
                assert r.status in ("suggestions", "miss"), (q["q"], r.status)


def test_switched_off_the_lane_offers_nothing_for_a_description(bundled_glossary, lane_off):
    r = bundled_glossary.ask("shrinking the numbers in a model so it fits on a smaller GPU")
    assert r.how != "meaning" and not r.closest


def test_switched_off_names_still_hit(bundled_glossary, lane_off):
    assert bundled_glossary.ask("what is RAG?").term.slug == "retrieval-augmented-generation"


def test_a_miss_lists_the_closest_terms_apart_from_the_answer(bundled_glossary):
    r = bundled_glossary.ask("model registry - what is it and do we need one?")
    assert r.status == "miss" and not r.matches
    assert r.closest and len(r.closest) <= 3
    assert r.as_dict()["closest"][0]["slug"] == r.closest[0].term.slug


def test_small_talk_and_noise_list_no_closest_terms(bundled_glossary):
    assert bundled_glossary.ask("🎉🎉🎉").closest == ()


def test_a_glossary_word_used_in_passing_is_not_a_lookup(bundled_glossary):
    assert bundled_glossary.ask("the transformer on our street blew up, power's out").status == "miss"
    # …but asked about, it is found
    assert bundled_glossary.ask("what is a transformer?").term.slug == "transformer"


def test_a_name_word_in_its_everyday_sense_offers_nothing(bundled_glossary):
    """The rest of the message, the name taken out, is about nothing in the glossary: the word is the everyday
    one. Before this rule each line offered the term its word names."""
    for line in (
        "spent the weekend pruning the hedges in the back garden",
        "car needs a wheel alignment, it pulls left like crazy",
        "can i get everyone's attention for 2 sec: cake in the kitchen",  # named in a question
    ):
        r = bundled_glossary.ask(line)
        assert r.status == "miss" and not r.matches, (line, r.status, [m.term.slug for m in r.matches])


def test_a_name_word_in_a_question_about_the_domain_keeps_its_term(bundled_glossary):
    assert bundled_glossary.ask("does pruning hurt accuracy on our edge model?").matches[0].term.slug == "pruning"
    r = bundled_glossary.ask("how much does attention cost when the prompt is very long")
    assert r.matches[0].term.slug == "attention-mechanism"


def test_switched_off_the_lane_judges_no_word_everyday(bundled_glossary, lane_off):
    """Without the meaning lane there is no reading of the rest: a term named in a question is offered."""
    r = bundled_glossary.ask("can i get everyone's attention for 2 sec: cake in the kitchen")
    assert [m.term.slug for m in r.matches][:1] == ["attention-mechanism"]


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("our RAG pipeline's reranker is slow, what does reranking actually do?", "reranking"),
        # "what" with any verb starts the question too, not only "what is/does": the term named before it is
        # context ("fine-tuning", "tool calling"), and the one after it is what is asked about
        ("we're fine-tuning on support tickets, what qualifies as PII there?", "personally-identifiable-information"),
        ("the agent leans on tool calling a lot, what happens to its context window then?", "context-window"),
    ],
)
def test_the_term_asked_about_comes_before_one_named_in_passing(bundled_glossary, typed, term):
    r = bundled_glossary.ask(typed)
    assert r.matches and r.matches[0].term.slug == term, [m.term.slug for m in r.matches]


@pytest.mark.parametrize(
    ("typed", "context"),
    [
        ("the tokenizer is fine, but why does the bot forget what we said twenty messages ago", "tokenizer"),
        (
            "the embeddings are in a vector database now, what is the step that reorders the retrieved passages "
            "before the model reads them",
            "embedding",
        ),
    ],
)
def test_a_term_named_before_a_question_that_describes_something_else_is_offered_last(bundled_glossary, typed, context):
    """The question after the frame names no term and says enough of its own: the term named before it is
    context, still offered, after what the question may be about."""
    slugs = [m.term.slug for m in bundled_glossary.ask(typed).matches]
    assert len(slugs) >= 2 and slugs[-1] == context and slugs[0] != context, slugs


def test_a_short_question_about_a_term_named_before_it_keeps_that_term_first(bundled_glossary):
    """ "how does it work" says too little of its own (fewer than CONTEXT_WORDS words): it asks about RAG."""
    r = bundled_glossary.ask("i keep hearing about RAG, how does it work")
    assert [m.term.slug for m in r.matches][:1] == ["retrieval-augmented-generation"]


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("wht is promt injecton", "prompt-injection"),
        ("hw does low rank adaptaion wrk", "low-rank-adaptation"),
        ("red teeming our bot", "red-teaming"),
        ("explian me rag pls", "retrieval-augmented-generation"),
    ],
)
def test_typos_in_the_question_and_in_the_name(bundled_glossary, typed, term):
    r = bundled_glossary.ask(typed)
    assert r.matches and r.matches[0].term.slug == term, (typed, [m.term.slug for m in r.matches])


def test_an_everyday_word_is_not_mended_into_a_name(bundled_glossary):
    # "taken" is a letter from "token", but it is a word people write: the question names no term.
    assert "taken" in meaning.everyday_words() and "modle" not in meaning.everyday_words()
    assert bundled_glossary.ask("can i book the big conf room thursday 2-4 or is it taken").status == "miss"
    # …while a word no one writes still is ("modle drfit" is model drift)
    r = bundled_glossary.ask("is modle drfit a problem for us")
    assert r.matches and r.matches[0].term.slug == "model-drift"


def test_a_name_is_never_read_as_a_question(tmp_path):
    from termfactory import term_data, write_term

    folder = tmp_path / "terms"
    write_term(folder, term_data("statement of work"))
    write_term(folder, term_data("work"))
    g, _ = open_glossary(folder, tmp_path / "g.db")
    assert g.ask("statement of work").term.slug == "statement-of-work"


def test_the_vectors_are_saved_with_the_index_and_loaded_unchanged(tmp_path):
    folder = ROOT / "data" / "terms"
    built, _ = open_glossary(folder, tmp_path / "g.db")
    assert snapshot.save(built, tmp_path / "g.db")
    loaded = snapshot.load(tmp_path / "g.db", built.version)
    assert loaded is not None and loaded.meaning is not None and built.meaning is not None
    assert loaded.meaning.slugs == built.meaning.slugs
    assert np.array_equal(loaded.meaning.whole, built.meaning.whole)
    assert np.array_equal(loaded.meaning.parts, built.meaning.parts)
    text = "the bot invents answers that sound right"
    assert loaded.ask(text).as_dict() == built.ask(text).as_dict()


@pytest.fixture(scope="module")
def sentence_index(bundled_glossary):
    """Every distinct sentence of the bundled terms as a term of its own: 2,500 real vectors, enough for rank()
    to read them reduced first (meaning.REDUCE_FROM)."""
    sentences = list(dict.fromkeys(s for t in bundled_glossary.terms.values() for s in term_sentences(t)))
    whole = shared_embedder().embed(sentences)
    parts = np.round(whole * meaning.INT8_SCALE).astype(np.int8)
    starts = np.arange(len(sentences) + 1, dtype=np.int64)
    slugs = tuple(f"s{i}" for i in range(len(sentences)))
    basis, reduced = meaning._reduce(whole)
    return MeaningIndex(slugs, whole, parts, starts), MeaningIndex(slugs, whole, parts, starts, basis, reduced)


def test_a_big_index_ranks_from_its_reduced_vectors_as_the_full_ones_do(sentence_index):
    exact, fast = sentence_index
    assert len(exact.slugs) >= meaning.REDUCE_FROM and exact.basis is None
    assert fast.basis is not None and fast.basis.shape == (exact.whole.shape[1], meaning.REDUCED_DIM)
    queries = [
        q["q"]
        for file in ("bundled-dev.yaml", "bundled-outside.yaml")
        for q in yaml.safe_load((ROOT / "bench" / "quality" / "hand" / file).read_text(encoding="utf-8"))["queries"]
    ]
    first = ten = 0
    for q in queries:
        vector = shared_embedder().embed([q])[0]
        full, reduced = exact.rank(vector, 10), fast.rank(vector, 10)
        first += full[:1] == reduced[:1]
        ten += full == reduced
    # Measured: 850 and 845 of 852 the same. The reduced read is a shortcut, never another ranking.
    assert first >= 0.99 * len(queries) and ten >= 0.98 * len(queries), (first, ten, len(queries))
    # …and it is the one read: reduced vectors of nothing pick candidates at random, and the answers change.
    assert fast.reduced is not None
    blind = MeaningIndex(fast.slugs, fast.whole, fast.parts, fast.starts, fast.basis, np.zeros_like(fast.reduced))
    vector = shared_embedder().embed([queries[0]])[0]
    assert blind.rank(vector, 10) != exact.rank(vector, 10)


def test_the_reduced_vectors_are_saved_and_loaded_unchanged(sentence_index):
    _, fast = sentence_index
    loaded = MeaningIndex.from_state(fast.state())
    assert loaded.basis is not None and loaded.reduced is not None and fast.reduced is not None
    assert np.array_equal(loaded.basis, fast.basis) and np.array_equal(loaded.reduced, fast.reduced)
    small = MeaningIndex.from_state(MeaningIndex(("a",), fast.whole[:1], fast.parts[:1], fast.starts[:2]).state())
    assert small.basis is None and small.reduced is None  # a small glossary has none: the full product is cheap


def test_every_term_has_vectors_for_its_sentences(bundled_glossary):
    index = bundled_glossary.meaning
    assert index is not None and len(index.slugs) == len(bundled_glossary)
    for i, slug in enumerate(index.slugs):
        said = term_sentences(bundled_glossary.terms[slug])
        assert index.starts[i + 1] - index.starts[i] == len(said)
    assert np.allclose(np.linalg.norm(index.whole, axis=1), 1.0, atol=1e-4)


def test_the_model_is_read_from_the_installed_package():
    """No download: the tokenizer and weights are files inside the wheel (the package's own loader would fetch
    the tokenizer from a hub when its cache lacks it)."""
    import importlib.util

    spec = importlib.util.find_spec(meaning.MODEL_PACKAGE)
    assert spec is not None and spec.submodule_search_locations
    root = Path(list(spec.submodule_search_locations)[0])
    assert (root / meaning.WEIGHTS_FILE).is_file() and (root / meaning.TOKENIZER_FILE).is_file()
    assert shared_embedder().embed(["hallucination"]).shape == (1, 256)


def test_the_token_table_is_mapped_from_the_weights_file_not_copied(tmp_path):
    """Every worker shares the 16 MB table's pages; the values are the tensor safetensors reads, and a file
    laid out otherwise falls back to reading it."""
    import importlib.util

    from safetensors import safe_open
    from safetensors.numpy import save_file

    spec = importlib.util.find_spec(meaning.MODEL_PACKAGE)
    assert spec is not None and spec.submodule_search_locations
    weights = Path(list(spec.submodule_search_locations)[0]) / meaning.WEIGHTS_FILE
    with safe_open(str(weights), framework="np") as f:
        shipped = f.get_tensor("embedding.weight")
    mapped = meaning._mapped_table(weights)
    assert mapped is not None and np.array_equal(mapped, shipped) and not mapped.flags.writeable
    assert isinstance(mapped.base, np.memmap)
    other = tmp_path / "f32.safetensors"
    save_file({"embedding.weight": shipped[:4].astype(np.float32)}, str(other))
    assert meaning._mapped_table(other) is None


def test_a_missing_model_file_is_one_clear_error(tmp_path):
    with pytest.raises(MeaningModelMissing, match="reinstall wordllama"):
        Embedder.from_files(tmp_path / "tokenizer.json", tmp_path / "weights.safetensors")


def test_empty_text_embeds_to_zeros_and_ranks_nothing(bundled_glossary):
    vectors = shared_embedder().embed(["", "   "])
    assert not np.any(vectors)
    assert bundled_glossary.meaning.rank(vectors[0], 3) == []


def test_an_index_of_no_terms_ranks_nothing():
    index = MeaningIndex.build([], shared_embedder())
    assert index.rank(shared_embedder().embed(["anything"])[0], 3) == []


def test_the_build_tokenizes_as_the_plain_tokenizer_does():
    # The build uses encode_batch_fast (no character offsets): the ids, hence the vectors, must be those of
    # encode_batch, Unicode and empty texts included.
    embedder = shared_embedder()
    texts = ["A model's “hallucination”", "naïve Bayes — 7B params", "", "   ", "KV-cache 🚀 RAG"]
    plain = embedder._tokenizer.encode_batch(texts, add_special_tokens=False)
    fast = embedder._encode(texts, add_special_tokens=False)
    assert [e.ids for e in fast] == [e.ids for e in plain]
    assert embedder._encode is not embedder._tokenizer.encode_batch or not hasattr(
        embedder._tokenizer, "encode_batch_fast"
    )


def test_the_tokenizer_keeps_no_cache_of_whole_questions(monkeypatch):
    """The model's tokenizer has no pre-tokenizer, so its BPE cache is keyed by whole questions: left on, a
    server kept 10,000 of them (about 15 MB a worker). Loading the model turns it off, through a hook the
    installed tokenizers has."""
    turned_off = []
    real = meaning._without_text_cache
    monkeypatch.setattr(meaning, "_without_text_cache", lambda tokenizer: turned_off.append(real(tokenizer)))
    embedder = Embedder.from_package()
    assert len(turned_off) == 1
    assert callable(getattr(embedder._tokenizer.model, "_resize_cache", None))

    class Model:
        def __init__(self) -> None:
            self.capacity: list[int] = []

        def _resize_cache(self, capacity: int) -> None:
            self.capacity.append(capacity)

    class Tokenizer:
        model = Model()

    meaning._without_text_cache(Tokenizer())
    assert Tokenizer.model.capacity == [0]
    meaning._without_text_cache(object())  # a model without the hook (WordPiece, older tokenizers): no error
