"""One bad file never stops the others; glossary-wide warnings; duplicate slugs."""

from __future__ import annotations

from termfactory import term_data, write_glossary, write_term

from bot.glossary.load import load_glossary


def test_broken_files_among_good_ones(tmp_path):
    write_glossary(tmp_path, term_data("alpha"), term_data("beta"))
    write_term(tmp_path, text="term: [unclosed\n", filename="bad-yaml.yml")
    write_term(tmp_path, text="", filename="empty.yml")
    write_term(tmp_path, text="- a\n- list\n", filename="a-list.yml")
    write_term(tmp_path, text="just a sentence\n", filename="scalar.yaml")
    (tmp_path / "binary.yml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.yml").write_bytes("term: caf\xe9\n".encode("latin-1"))
    write_term(tmp_path, text="---\nterm: a\n---\nterm: b\n", filename="two-docs.yml")
    write_term(tmp_path, term_data("gamma", audiences=["exec", "engineer"]), filename="gamma.yml")

    result = load_glossary(tmp_path)

    assert sorted(t.term for t in result.terms) == ["alpha", "beta"]
    by_file = {p.file.rsplit("/", 1)[-1]: p for p in result.errors}
    assert set(by_file) == {
        "bad-yaml.yml",
        "empty.yml",
        "a-list.yml",
        "scalar.yaml",
        "binary.yml",
        "latin1.yml",
        "two-docs.yml",
        "gamma.yml",
    }
    assert "not valid YAML" in by_file["bad-yaml.yml"].message and by_file["bad-yaml.yml"].line == 2
    assert "is empty" in by_file["empty.yml"].message
    assert "holds a list" in by_file["a-list.yml"].message
    assert "binary file" in by_file["binary.yml"].message
    assert "not UTF-8" in by_file["latin1.yml"].message
    assert "not valid YAML" in by_file["two-docs.yml"].message
    assert by_file["gamma.yml"].field == "audiences"


def test_yml_and_yaml_in_subfolders_are_read_and_hidden_files_skipped(tmp_path):
    write_term(tmp_path / "core", term_data("alpha"))
    write_term(tmp_path, term_data("beta"), filename="beta.yaml")
    write_term(tmp_path, text="not: [valid\n", filename=".#alpha.yml")
    result = load_glossary(tmp_path)
    assert sorted(t.slug for t in result.terms) == ["alpha", "beta"]
    assert result.problems == []


def test_missing_folder_is_one_clear_error(tmp_path):
    result = load_glossary(tmp_path / "nope")
    assert result.terms == []
    assert "is not a folder; set GLOSSARY_DIR" in result.errors[0].message


def test_duplicate_slug_second_file_is_an_error(tmp_path):
    write_term(tmp_path, term_data("Fine Tuning"), filename="a-first.yml")
    write_term(tmp_path, term_data("fine_tuning"), filename="b-second.yml")
    result = load_glossary(tmp_path)
    assert [t.source_file.rsplit("/", 1)[-1] for t in result.terms] == ["a-first.yml"]
    error = result.errors[0]
    assert error.file.endswith("b-second.yml") and error.field == "term"
    assert "slug 'fine-tuning', already used by" in error.message and "a-first.yml" in error.message


def test_file_name_differs_from_slug_is_a_warning(tmp_path):
    write_term(tmp_path, term_data("kv cache"), filename="KV_Cache.yml")
    result = load_glossary(tmp_path)
    assert len(result.terms) == 1
    assert "rename it to kv-cache.yml" in result.warnings[0].message


def test_unquoted_date_loads_with_a_warning(tmp_path):
    text = write_term(tmp_path, term_data()).read_text().replace("'2025-10-09'", "2025-10-09")
    (tmp_path / "sample-term.yml").write_text(text)
    result = load_glossary(tmp_path)
    assert result.terms[0].last_reviewed == "2025-10-09"
    assert [p.field for p in result.warnings] == ["last_reviewed"]


def test_shared_alias_warns_on_both_terms(tmp_path):
    write_glossary(tmp_path, term_data("alpha", aliases=["shared"]), term_data("beta", aliases=["Shared"]))
    warnings = load_glossary(tmp_path).warnings
    assert sorted(p.file.rsplit("/", 1)[-1] for p in warnings) == ["alpha.yml", "beta.yml"]
    assert all("also an alias of" in p.message and p.field == "aliases[0]" for p in warnings)


def test_alias_equal_to_another_terms_name_warns(tmp_path):
    write_glossary(tmp_path, term_data("alpha", aliases=["Beta"]), term_data("beta"))
    [warning] = load_glossary(tmp_path).warnings
    assert warning.file.endswith("alpha.yml") and "is the name of the term 'beta'" in warning.message


def test_alias_equal_to_own_name_is_accepted(tmp_path):
    write_glossary(tmp_path, term_data("fine-tuning", aliases=["fine tuning"]))
    result = load_glossary(tmp_path)
    assert result.problems == [] and len(result.terms) == 1


def test_relationship_targets_resolve_by_name_alias_case_and_slug(tmp_path):
    write_glossary(
        tmp_path,
        term_data(
            "alpha",
            relationships={
                "broader": ["BETA"],
                "narrower": ["gamma-alias"],
                "related": ["delta-term", "nowhere"],
            },
        ),
        term_data("beta"),
        term_data("gamma", aliases=["gamma alias"]),
        term_data("delta term"),
    )
    result = load_glossary(tmp_path)
    alpha = next(t for t in result.terms if t.slug == "alpha")
    assert [(r.kind, r.target, r.slug) for r in alpha.relations] == [
        ("broader", "BETA", "beta"),
        ("narrower", "gamma-alias", "gamma"),
        ("related", "delta-term", "delta-term"),
        ("related", "nowhere", None),
    ]
    [warning] = result.warnings
    assert warning.field == "relationships.related[1]" and "'nowhere' names no term" in warning.message
    # relationships are not made symmetric in the files' terms: beta's own relations stay empty, and the link
    # back that its card shows is marked derived (tests/test_derived_relations.py)
    beta = next(t for t in result.terms if t.slug == "beta")
    assert tuple(r for r in beta.relations if not r.derived) == ()


def test_curly_apostrophe_and_ampersand_survive_loading(tmp_path):
    write_glossary(tmp_path, term_data("builder’s guide", categories=["Governance & Risk"]))
    [term] = load_glossary(tmp_path).terms
    assert term.term == "builder’s guide" and term.categories == ("Governance & Risk",)
