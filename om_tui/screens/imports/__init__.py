"""The screens of the schedule that comes from the practice's own system."""
