"""The Slack layer's toolkit, below every feature: Block Kit pieces and escaping, modal inputs, every id, what a
card button carries, the listeners' Deps, reviewers, and the inline /define executor."""
