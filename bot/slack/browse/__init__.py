"""Browsing the glossary by category or role in messages: `/define browse` and its menus and page buttons."""
