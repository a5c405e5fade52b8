"""The one exception type a user should ever see: a bad file, key or row, told in one line."""


class UserError(Exception):
    """Bad input from the user: printed as one line, exit status 2, no partial output."""


class IncompleteRun(Exception):
    """A run that stopped with work undone (budget cap, too many failed requests): one line, exit status 3.

    What finished is kept (the request store), so the next run does only what is missing; the stage's output is not
    written.
    """
