"""The one exception type a user should ever see: a bad file, key or row, told in one line."""


class UserError(Exception):
    """Bad input from the user: printed as one line, exit status 2, no partial output."""
