struct Order {
  1: i64 id,
  2: shared.User buyer,
}
