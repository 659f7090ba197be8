"""glossary-bot: a team's AI glossary, answered in Slack."""
