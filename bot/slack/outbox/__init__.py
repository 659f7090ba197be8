"""The outbox's Slack side: letters delivered with retries, messages queued as letters, modals opened with a
fallback."""
