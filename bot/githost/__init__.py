"""A git host (GitHub today) behind a small interface: what turning a glossary change into a pull request needs."""
