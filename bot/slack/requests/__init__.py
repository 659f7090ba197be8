"""Term requests in Slack: the request form and its filing, triage in the requests channel, request messages,
lists, and the one detail view."""
