service Users {
  get(1: i64 id),
}
