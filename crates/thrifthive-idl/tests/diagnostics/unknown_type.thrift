typedef i64 UserId

struct User {
  1: UserID id,
  2: string name,
}
