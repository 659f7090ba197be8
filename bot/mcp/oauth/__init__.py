"""Sign-in for the MCP server over HTTP: an OAuth 2.1 authorization server whose people sign in with Slack."""
