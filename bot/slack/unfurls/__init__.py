"""Term links that unfold: a classic unfurl card, or a Work Object whose flexpane is drawn for each viewer."""
