"""The types of ``thrifthive.load("shared.thrift")``: written by ``thrifthive stubs``."""

from thrifthive import generated as _th

__thrift_file__: str

class NotFound(_th.TException):
    """Why a call failed."""

    message: str
    """What was not found."""
    id: int

    __match_args__ = ("message", "id")

    def __init__(self, message: str = ..., id: int = ...) -> None: ...

Base: _th.Service
