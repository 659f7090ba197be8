"""The Slack adapter: translates Slack requests into core calls and core answers into Block Kit. Cut by feature;
a folder imports only the folders below it (tests/test_import_layers.py holds the order)."""
