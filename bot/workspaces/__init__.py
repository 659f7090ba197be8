"""Installs that serve more than one workspace: each workspace's settings (settings.py) and which glossary it
is answered from (glossaries.py). No Slack here: the Home and the listeners only translate."""
