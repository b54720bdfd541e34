// The snapshot test's IDL (tests/test_gen_snapshot.py): one of each thing `thrifthive gen`
// writes. Edit it, then re-bless: BLESS=1 .venv/bin/python -m pytest tests/test_gen_snapshot.py
namespace py hive.users
include "shared.thrift"

/**
 * The state of an account.
 *
 * Banned accounts cannot log in.
 */
enum Status {
  ACTIVE = 1,
  /** Kept for a while, then deleted. */
  BANNED = 2,
}

typedef i64 UserId
typedef list<string> Names

/** An address, frozen: `(python.immutable)`. */
struct Address {
  /** Read-only, as every field of a frozen struct. */
  1: string street,
  2: string city = "Lyon",
} (python.immutable)

/** A user of the hive. */
struct User {
  /** The user's id: unique. */
  1: required UserId id,
  2: string name = "anonymous",
  3: optional Names tags,
  4: Status status = Status.ACTIVE,
  5: map<string, i32> counters = {"logins": 0},
  6: set<list<i32>> paths,
  7: optional Address address = {"street": "Rue"},
  8: binary avatar = "é\n",
  9: double score = 1.5,
  10: uuid key,
  11: i32 list,
}

/** A field named like a Python keyword: no typed `__init__` can take it. */
struct Move {
  1: string from,
  2: string to,
}

/** A key to find a user by. */
union Key {
  1: UserId id,
  2: string name,
}

exception Invalid {
  1: i32 message,
}

const i32 MAX_USERS = 100
/** The names nobody may take. */
const set<string> RESERVED = ["root", "admin"]
const map<Status, list<Address>> ADDRESSES = {Status.ACTIVE: [{"street": "Main"}]}
const User ROOT = {"id": 0, "name": "root"}

/** Users: find, create, forget. */
service Users extends shared.Base {
  /** The user with this id; safe to call again: `(hive.idempotent)`. */
  User get(1: UserId id) throws (1: shared.NotFound missing) (hive.idempotent),
  UserId create(1: User user, 2: bool notify = true) throws (1: Invalid invalid),
  map<Key, User> find(1: set<Key> keys),
  /** Fire and forget. */
  oneway void forget(1: UserId id),
  void rename(1: UserId id, 2: string from),
}
