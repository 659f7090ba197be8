"""/define over signed HTTP: every answer arrives in the ack, with no Web API call."""

from __future__ import annotations

from bot.state.preference_copy import PreferenceCopy

from .harness import command_body, signed_post

FORM = "application/x-www-form-urlencoded"


def define(server, text, **kw):
    reply = signed_post(server.url + "/slack/events", command_body(text, **kw), FORM)
    assert reply.status == 200, reply.body
    return reply.json()


def texts(message) -> str:
    out = []
    for block in message.get("blocks", []):
        for part in [block.get("text")] + block.get("elements", []) + block.get("fields", []):
            if isinstance(part, dict):
                out.append(
                    part.get("text", "") if isinstance(part.get("text"), str) else part.get("text", {}).get("text", "")
                )
        if block.get("accessory"):
            out.append(block["accessory"]["text"]["text"])
    return "\n".join(out)


def test_hit_is_answered_in_the_ack_privately(server, fake_slack):
    body = define(server, "fine-tuning")
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "fine-tuning", "emoji": True}}
    shown = texts(body)
    assert "For executives" in shown and "For engineers" in shown  # no stored choice: both, labelled
    assert shown.count("Always show me this one") == 2
    assert "Share in channel" in shown and "More" in shown
    assert fake_slack.api_calls() == []  # nothing but the ack


def test_alias_hit(server):
    body = define(server, "RAG")
    assert body["blocks"][0]["text"]["text"] == "retrieval-augmented generation"


def test_framing_word_picks_one_framing(server):
    for text in ("fine-tuning exec", "execs fine-tuning", "fine-tuning executive", "fine-tuning leadership"):
        shown = texts(define(server, text))
        assert "For executives" in shown and "For engineers" not in shown, text
        assert "Show for engineers" in shown
    shown = texts(define(server, "engineer lora"))
    assert "For engineers" in shown and "For executives" not in shown


def test_a_term_whose_name_ends_in_a_framing_word_is_still_found(server):
    body = define(server, "prompt engineering")
    assert body["blocks"][0]["text"]["text"] == "prompt engineering"


def test_typo_offers_did_you_mean_buttons(server):
    body = define(server, "halucination")
    shown = texts(body)
    assert "Did you mean" in shown
    first_button = body["blocks"][1]["accessory"]
    assert first_button["action_id"] == "open_term:0" and '"s":"hallucination"' in first_button["value"]


def test_ambiguous_lists_the_choices(make_server, tmp_path):
    from termfactory import term_data, write_glossary

    terms = write_glossary(
        tmp_path / "amb", term_data("alpha", aliases=["shared"]), term_data("beta", aliases=["shared"])
    )
    server = make_server(glossary_dir=terms)
    shown = texts(define(server, "shared"))
    assert "could mean more than one term" in shown and "*alpha*" in shown and "*beta*" in shown


def test_miss_says_so_plainly(server):
    body = define(server, "pizza")
    assert "No term matches *pizza*" in texts(body)


def test_help_and_empty(server):
    for text in ("", "help"):
        shown = texts(define(server, text))
        assert "/define fine-tuning" in shown and "/define set exec" in shown and "quotes" in shown


def test_search_lists_up_to_ten_with_short_definitions(server):
    body = define(server, "search model")
    sections = [b for b in body["blocks"] if b.get("accessory")]
    assert 1 < len(sections) <= 10
    assert all(": " in s["text"]["text"] for s in sections)


def test_quoted_subcommand_word_is_a_term(server):
    body = define(server, '"search"')
    # looked up as a term, not run as a command; since issue 8 one word reaches full-text search too, so the
    # answer is the terms named "… search" (it was "No term matches *search*")
    assert "No term is called *search*" in texts(body)


def test_set_framing_and_role_are_remembered(server):
    assert "executive" in texts(define(server, "set exec", user="UPREF001"))
    shown = texts(define(server, "fine-tuning", user="UPREF001"))
    assert "For executives" in shown and "For engineers" not in shown
    assert "Always show me this one" not in shown

    assert "Legal & Compliance" in texts(define(server, "set role legal", user="UPREF001")).replace("&amp;", "&")
    shown = texts(define(server, "fine-tuning", user="UPREF001"))
    assert "*For Legal &amp; Compliance:*" in shown

    assert "don't know the role" in texts(define(server, "set role astronaut", user="UPREF001"))
    assert "both framings" in texts(define(server, "set clear", user="UPREF001"))
    assert "For engineers" in texts(define(server, "fine-tuning", user="UPREF001"))


def test_preferences_survive_a_restart(make_server):
    first = make_server()
    define(first, "set engineer", user="UKEEP001")
    second = make_server()  # same DATA_DIR, new process state
    shown = texts(define(second, "fine-tuning", user="UKEEP001"))
    assert "For engineers" in shown and "For executives" not in shown


def test_deprecated_and_draft_terms_are_marked(server):
    shown = texts(define(server, "prompt programming"))
    assert "Deprecated" in shown and "do not use it in new work" in shown
    shown = texts(define(server, "latency budget"))
    assert "Draft" in shown


def test_an_internal_error_is_a_plain_sorry_not_a_traceback(server, fake_slack, monkeypatch, caplog):
    def broken(self, user_id):
        raise RuntimeError("state database unreachable")

    # A person's preference is the first state a card reads (from the copy every team's view keeps).
    monkeypatch.setattr(PreferenceCopy, "get", broken)
    body = define(server, "fine-tuning")
    assert body["response_type"] == "ephemeral" and body["text"].startswith("Sorry, something went wrong")
    assert "Traceback" not in body["text"] and "unreachable" not in body["text"]
    assert any("state database unreachable" in r.getMessage() or r.exc_info for r in caplog.records)


def test_glossary_site_is_linked_when_set(make_server):
    server = make_server(glossary_url="https://glossary.example.org/")
    footer = define(server, "fine-tuning")["blocks"][-1]["elements"]
    assert footer[-1]["text"] == "<https://glossary.example.org/|Open the glossary site>"
