"""Assertions on encoded bytes, with messages that locate the first difference."""

from __future__ import annotations


def _window(data: bytes, at: int) -> str:
    lo = max(0, at - 8)
    return f"...{data[lo : at + 16].hex(' ')}" if lo else data[: at + 16].hex(" ")


def assert_same_bytes(ours: bytes, theirs: bytes, peer: str) -> None:
    """thrifthive's bytes equal the peer's, byte for byte."""
    if ours == theirs:
        return
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), None)
    if at is None:
        at = min(len(ours), len(theirs))
    raise AssertionError(
        f"thrifthive and {peer} differ at byte {at} "
        f"(lengths {len(ours)} and {len(theirs)}):\n"
        f"  thrifthive: {_window(ours, at)}\n"
        f"  {peer}: {_window(theirs, at)}\n"
        f"  thrifthive (all): {ours.hex()}\n"
        f"  {peer} (all): {theirs.hex()}"
    )


def assert_same_multiset(ours: bytes, theirs: bytes, peer: str) -> None:
    """The same bytes in some order: what set iteration order can change (length and content)."""
    assert len(ours) == len(theirs), (
        f"thrifthive wrote {len(ours)} bytes, {peer} {len(theirs)}:\n"
        f"  thrifthive: {ours.hex()}\n  {peer}: {theirs.hex()}"
    )
    assert sorted(ours) == sorted(theirs), (
        f"thrifthive and {peer} wrote different bytes (compared as multisets):\n"
        f"  thrifthive: {ours.hex()}\n  {peer}: {theirs.hex()}"
    )
