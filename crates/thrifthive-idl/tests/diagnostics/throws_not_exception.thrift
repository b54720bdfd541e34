struct NotFound {
  1: string message,
}

service Users {
  string name(1: i64 id) throws (1: NotFound nf),
}
