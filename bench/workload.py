"""The codec benchmark's workload: a UserPage of 100 Users (../shared/bench/bench.thrift) with
realistic contents, the same for every contender, drawn from a fixed seed.

The page is kept as plain data (dicts, lists, bytes); each contender builds its own objects from
it once, before timing.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The shared folder sits beside the repository (CI clones both side by side).
BENCH_IDL = Path(
    os.environ.get("THRIFTHIVE_BENCH_IDL", REPO.parent / "shared" / "bench" / "bench.thrift")
)

SEED = 20240607
USERS = 100
BLOB_SIZE = 1 << 20  # the big-binary case: one 1 MiB `binary` field

ACTIVE, SUSPENDED = 1, 2

_FIRST = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe",
    "amélie", "jörg", "søren", "chloé",
]  # fmt: skip
_LAST = [
    "smith", "jones", "garcia", "miller", "davis", "martinez", "lopez", "wilson", "anderson",
    "thomas", "taylor", "moore", "jackson", "martin", "lee", "thompson", "white", "harris",
]  # fmt: skip
_DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "users.example.io"]
_TAGS = [
    "admin", "beta", "premium", "staff", "early-adopter", "verified", "moderator", "trial",
    "enterprise", "support",
]  # fmt: skip
_COUNTERS = ["logins", "posts", "comments", "followers", "following", "likes"]
_STREETS = ["Oak", "Maple", "Cedar", "Elm", "Pine", "Birch", "Willow", "Chestnut", "Lake", "Hill"]
_STREET_KINDS = ["Street", "Avenue", "Road", "Lane", "Boulevard", "Way"]
_CITIES = [
    "Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview",
    "Salem", "Madison", "Georgetown", "Zürich", "Kraków",
]  # fmt: skip


def make_user(rng: random.Random, i: int) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    username = f"{first}.{last}{rng.randrange(1, 1000)}"
    user: dict[str, Any] = {
        "id": 1_000_000_000 + i * 7919 + rng.randrange(7919),
        "username": username,
        "email": f"{username}@{rng.choice(_DOMAINS)}",
        "tags": rng.sample(_TAGS, rng.randrange(0, 5)),
        "counters": {
            name: rng.randrange(0, 1_000_000) for name in rng.sample(_COUNTERS, rng.randrange(1, 5))
        },
        "address": None,
        "status": SUSPENDED if rng.random() < 0.15 else ACTIVE,
        "score": rng.uniform(0.0, 100.0),
        "avatar": rng.randbytes(rng.randrange(64, 257)),
        "active": rng.random() < 0.9,
    }
    if rng.random() < 0.9:
        user["address"] = {
            "street": f"{rng.randrange(1, 9999)} {rng.choice(_STREETS)} "
            f"{rng.choice(_STREET_KINDS)}",
            "city": rng.choice(_CITIES),
            "zip": rng.randrange(10000, 99999),
        }
    return user


def make_page(seed: int = SEED, users: int = USERS) -> dict[str, Any]:
    """The UserPage, as plain data: ``{"users": [user dict, ...], "total": int}``."""
    rng = random.Random(seed)
    return {"users": [make_user(rng, i) for i in range(users)], "total": 4817}


def build_page(types: Any, page: dict[str, Any], status: Any = int) -> Any:
    """`page` (from make_page) as instances of `types`: any module or namespace whose `User`,
    `Address` and `UserPage` take their fields as keywords (thrifthive, Apache's generated code,
    thriftpy2, the msgspec Structs). `status` converts the enum's int: the enum class where the
    library has one, int where it takes plain ints."""

    def user(u: dict[str, Any]) -> Any:
        address = u["address"]
        return types.User(
            id=u["id"],
            username=u["username"],
            email=u["email"],
            tags=list(u["tags"]),
            counters=dict(u["counters"]),
            address=types.Address(**address) if address is not None else None,
            status=status(u["status"]),
            score=u["score"],
            avatar=u["avatar"],
            active=u["active"],
        )

    return types.UserPage(users=[user(u) for u in page["users"]], total=page["total"])


def make_blob(seed: int = SEED, size: int = BLOB_SIZE) -> bytes:
    return random.Random(seed).randbytes(size)


BLOB_IDL = """\
// The big-binary case: one `binary` field, like UserService.echoBinary's argument.
struct Blob {
  1: binary data,
}
"""


def digest(page: Any) -> list[tuple[Any, ...]]:
    """Every field of a decoded page read by attribute, as plain data (for checking that
    contenders decode the same page; not timed)."""
    out: list[tuple[Any, ...]] = [("total", page.total)]
    for u in page.users:
        a = u.address
        out.append(
            (
                u.id,
                u.username,
                u.email,
                list(u.tags) if u.tags is not None else None,
                dict(u.counters) if u.counters is not None else None,
                (a.street, a.city, a.zip) if a is not None else None,
                int(u.status),
                u.score,
                bytes(u.avatar),
                u.active,
            )
        )
    return out


def expected_digest(page: dict[str, Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [("total", page["total"])]
    for u in page["users"]:
        a = u["address"]
        out.append(
            (
                u["id"],
                u["username"],
                u["email"],
                u["tags"],
                u["counters"],
                (a["street"], a["city"], a["zip"]) if a is not None else None,
                u["status"],
                u["score"],
                u["avatar"],
                u["active"],
            )
        )
    return out


def walk(page: Any) -> None:
    """Reads every field of a decoded page, nested ones included (timed with decoding, so that a
    lazy decoder pays for what it deferred). The same code for every attribute-style page."""
    _ = page.total
    for u in page.users:
        _ = u.id
        _ = u.username
        _ = u.email
        tags = u.tags
        if tags is not None:
            for t in tags:
                _ = t
        counters = u.counters
        if counters is not None:
            for k, v in counters.items():
                _ = k
                _ = v
        a = u.address
        if a is not None:
            _ = a.street
            _ = a.city
            _ = a.zip
        _ = u.status
        _ = u.score
        _ = u.avatar
        _ = u.active
