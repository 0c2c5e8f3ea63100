"""The front desk's call lists: confirmations, recall, unscheduled, ASAP."""
