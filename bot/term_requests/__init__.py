"""The term request workflow, with no Slack: rules (statuses, moves, validation, due dates, status words),
book (storage and conditional updates), drafts (a term file from a request) and export (CSV and JSON).

Kept empty on purpose: bot/state/schema.py imports rules, and book imports bot/state, so importing the
package must not pull in book."""
