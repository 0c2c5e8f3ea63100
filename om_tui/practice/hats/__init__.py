"""Hats: posts' write-ups, checklists and ticks, policies, training, compliance."""
