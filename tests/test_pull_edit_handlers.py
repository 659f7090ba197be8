"""The edit modal's handler called directly: a term file no Slack form can show is refused in one private line
that says where to edit it instead, and no modal is opened."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import Mock

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.kit.deps import Deps
from bot.slack.kit.reviewers import Reviewers
from bot.slack.requests.pulls import open_edit


def test_a_file_no_form_can_show_is_refused_with_where_to_edit_it(tmp_path, bundled_glossary):
    huge = tmp_path / "temperature.yml"
    huge.write_text("term: Temperature\nlong_def: " + "word " * 700 + "\n", encoding="utf-8")  # a 3,500-char line
    term = replace(bundled_glossary.get("temperature"), source_file=str(huge))
    client, respond = Mock(WebClient), Mock(Respond)
    deps = Deps(Mock(Runtime), Reviewers(Mock(WebClient), ("UREVIEW01",)))
    open_edit(deps, client, {"user": {"id": "UREVIEW01"}, "trigger_id": "t"}, respond, term)
    client.views_open.assert_not_called()
    said = str(respond.call_args.kwargs)
    assert "edit it in git instead" in said and "3,000 characters" in said
