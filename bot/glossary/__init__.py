"""The glossary core: terms, loading, the glossary database and lookup. Knows nothing of Slack."""
