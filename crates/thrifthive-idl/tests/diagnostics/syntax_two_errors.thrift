struct User {
  1: i64 id
  2: strin name,
}

struct Order {
  1: i64 id,
  2: list<i64 items,
}

struct Fine {
  1: i64 id,
}
