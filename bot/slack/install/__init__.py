"""Installing in several workspaces or an Enterprise Grid org: Bolt's OAuth flow, slack_sdk's SQLAlchemy stores on
the state database, every token sealed with Fernet keys from SLACK_TOKEN_KEYS (README, "Install in several
workspaces or an Enterprise Grid org")."""
