"""The command line: `python -m bot` and the `glossary-bot` script (main.py), one module per family of commands."""
