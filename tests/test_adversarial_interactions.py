"""Hypothesis-generated block_actions and view submissions (unknown ids, tampered values and metadata,
oversized strings, wrong types), signed, into the real app: a well-formed reply or a clean 4xx, never a
500 and never an error in the log. Fixed seeds (derandomize), seconds each."""

from __future__ import annotations

import pytest
from adversarial import NASTY, assert_well_formed, build_app, call, no_errors_logged
from e2e.harness import FakeSlack, block_action, interaction_body, view_submission
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.kit import ids

SETTINGS = settings(
    max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ACTION_IDS = [
    "open_term:0",
    "open_term:99",
    ids.SWITCH_FRAMING,
    "save_framing:exec",
    "save_framing:nonsense",
    ids.SHARE,
    ids.MORE,
    ids.REQUEST_TERM,
    ids.SUGGEST_CHANGE,
    *(ids.triage_id(op) for op in ("assign", "open", "drafting", "in_review", "published", "declined", "duplicate")),
    "unknown_action",
    "",
]
scalars = st.one_of(st.sampled_from(NASTY), st.text(max_size=80), st.integers(), st.none(), st.booleans())
json_like = st.recursive(scalars, lambda inner: st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=120),
    st.builds(
        lambda slug, f: f'{{"t": "{slug}", "f": "{f}"}}', st.sampled_from(["rag", "x" * 300, ""]), st.text(max_size=8)
    ),
    st.sampled_from(['{"t": "rag"}', '{"t": "rag", "f": "exec", "m": true}', '{"q": "kv cache"}']),
)
users = st.sampled_from(["UASKER01", "UREVIEW01", "", "U" + "9" * 300])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    fake = FakeSlack().start()
    wsgi = build_app(tmp_path_factory.mktemp("adv"), fake.api_url)
    wsgi.response_url = fake.response_url("adv")  # Slack always sends one with a message's buttons
    yield wsgi
    wsgi.runtime.store.close()
    fake.stop()


@SETTINGS
@given(
    action_id=st.one_of(st.sampled_from(ACTION_IDS), st.text(max_size=40)),
    value=st.one_of(values, st.none()),
    user=users,
    ephemeral=st.booleans(),
    selected=st.one_of(
        st.none(),
        st.fixed_dictionaries({"selected_option": st.one_of(st.none(), st.fixed_dictionaries({"value": scalars}))}),
    ),
)
def test_any_button_click_gets_a_clean_answer(app, action_id, value, user, ephemeral, selected):
    payload = block_action(
        action_id,
        None,
        user=user,
        ephemeral=ephemeral,
        selected=selected,
        channel="CREQUESTS",
        response_url=app.response_url,
    )
    if value is not None:
        payload["actions"][0]["value"] = value
    with no_errors_logged():
        answer = call(app, interaction_body(payload))
    assert_well_formed(answer)


VIEWS = [ids.REQUEST_VIEW, ids.DECLINE_VIEW, ids.DUPLICATE_VIEW, ids.PUBLISHED_VIEW, "unknown_view"]
BLOCKS = [ids.REQ_TERM, ids.REQ_WHY, ids.REQ_AUDIENCE, ids.REQ_URGENCY, ids.DECLINE_REASON, ids.DUPLICATE_TARGET]
BLOCKS += [ids.PUBLISHED_TERM, ids.REQ_ANONYMOUS, ids.REQ_LINKS, "other"]
elements = st.fixed_dictionaries(
    {"type": st.sampled_from(["plain_text_input", "checkboxes", "radio_buttons", "external_select", "x"])},
    optional={
        "value": scalars,
        "selected_option": st.one_of(st.none(), st.fixed_dictionaries({"value": scalars})),
        "selected_options": st.one_of(st.lists(st.fixed_dictionaries({"value": scalars}), max_size=3), scalars),
    },
)
state_values = st.dictionaries(
    st.sampled_from(BLOCKS), st.dictionaries(st.sampled_from([ids.INPUT, "other"]), elements, max_size=2), max_size=8
)


@SETTINGS
@given(
    callback_id=st.one_of(st.sampled_from(VIEWS), st.text(max_size=30)),
    state=state_values,
    metadata=st.one_of(st.sampled_from(NASTY), st.text(max_size=60), json_like.map(str)),
    user=users,
)
def test_any_view_submission_gets_a_clean_answer(app, callback_id, state, metadata, user):
    payload = view_submission(callback_id, state, user=user, private_metadata=metadata)
    with no_errors_logged():
        answer = call(app, interaction_body(payload))
    assert_well_formed(answer)


@SETTINGS
@given(payload=st.dictionaries(st.sampled_from(["type", "user", "view", "actions", "team", "trigger_id"]), json_like))
def test_payloads_of_the_wrong_shape_are_refused_or_ignored(app, payload):
    with no_errors_logged():
        answer = call(app, interaction_body(payload))
    assert_well_formed(answer)
