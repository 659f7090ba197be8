"""Helpful? on a card: the 👍 and 👎 clicks, and the 👎 form that files a change request."""
