"""Governance: who owns which terms (owners.py), how often they are reviewed (intervals.py), when a term is
due (staleness.py), each owner's weekly digest (digest.py), verified dates back into the files
(writeback.py), and all of it for a running bot (service.py). No Slack here."""
