"""Pure functions: data in, Block Kit dicts out. No I/O, no Slack client."""
