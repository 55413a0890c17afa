"""The twin's side of the business modules: building them from config, and the store
moments that call them (capture at the till, purchases of members, jobs at closing)."""
