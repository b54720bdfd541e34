/**
 * A small user directory: the service the README's examples talk to.
 */
include "shared.thrift"

namespace py hive.users
namespace java com.example.hive.users

typedef i64 UserId

const i32 MAX_PAGE_SIZE = 100
const string DEFAULT_LOCALE = "en_US"

enum Status {
  ACTIVE = 1,
  SUSPENDED = 2,
  DELETED = 3,
}

struct Address {
  1: string street,
  2: string city,
  3: optional string postal_code,
  4: string country = "NL",
}

struct User {
  1: required UserId id,
  2: required string username,
  3: string email,
  4: Status status = Status.ACTIVE,
  5: optional Address address,
  6: list<string> tags = [],
  7: map<string, string> attributes = {},
  8: shared.Timestamp created_at,
  9: optional binary avatar,
}

struct UserPage {
  1: list<User> users,
  2: optional UserId next_cursor,
}

union Lookup {
  1: UserId id,
  2: string username,
  3: string email,
}

service UserService extends shared.BaseService {
  /** Reads only: a client may send it again after a transport failure. */
  User getUserById(1: UserId user_id) throws (1: shared.NotFound not_found) (hive.idempotent),

  User findUser(1: Lookup lookup) throws (1: shared.NotFound not_found) (hive.idempotent),

  UserPage listUsers(1: UserId cursor, 2: i32 limit = MAX_PAGE_SIZE)
    throws (1: shared.InvalidRequest invalid),

  UserId createUser(1: User user) throws (1: shared.InvalidRequest invalid),

  /** Fire and forget: records that the user was seen. */
  oneway void touch(1: UserId user_id),
}
