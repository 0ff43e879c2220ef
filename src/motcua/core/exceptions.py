"""The domain error every app raises for a mistake a user can make.

Views turn it into a form error, the API into a 4xx, both with the translated message.
"""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
