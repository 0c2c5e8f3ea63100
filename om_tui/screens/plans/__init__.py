"""The care plan screens: a patient's plans, and the Falling-off list."""
