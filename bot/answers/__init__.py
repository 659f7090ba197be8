"""What a person gets from the glossary, decided once for Slack, the terminal and MCP: what they asked, the card,
the shelves to browse, the lookup report. No Slack here."""
