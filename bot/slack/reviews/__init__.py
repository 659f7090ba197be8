"""Reviews: the weekly digest (built, scheduled, sent) and its buttons, and the reviewers' `/define stats`."""
