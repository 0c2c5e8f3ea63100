"""The hats' screens: My hat, the hat editor, policies, compliance."""
