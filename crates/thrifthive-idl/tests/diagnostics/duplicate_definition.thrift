struct User {
  1: i64 id,
}

enum User {
  ADMIN = 1,
}
