"""The people's data: preferences, processed events, term requests. Must never be lost."""
