"""The App Home tab: what one person's Home shows, where they are in it, and its clicks."""
