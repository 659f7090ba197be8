"""The agent DM: the app's conversation in the Messages tab (agent_view), and the older assistant container."""
