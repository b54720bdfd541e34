struct User {
  1: i64 id,
}

/* this comment never ends
struct Order {
  1: i64 id,
}
