"""glossary-bot: a team's AI glossary, answered in Slack."""

__version__ = "0.1.0"
