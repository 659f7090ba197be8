"""Listeners by kind. Each module has register(app, runtime); a listener acks, calls the core, renders, responds."""
