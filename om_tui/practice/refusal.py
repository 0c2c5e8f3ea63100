"""The one base for every "no" the office's rules say to a person."""


class Refusal(Exception):
    """A change the rules refuse; the message is fit to show the person as it is."""
