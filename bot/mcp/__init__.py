"""The glossary as a tool for AI agents: an MCP server over the same core as the Slack bot."""
