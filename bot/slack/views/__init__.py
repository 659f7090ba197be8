"""Modals, each with its builder, its reader and the map from the core's field errors to its blocks."""
