"""The Slack adapter: translates Slack requests into core calls and core answers into Block Kit."""
