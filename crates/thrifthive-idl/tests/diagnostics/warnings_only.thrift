/** A user of the system. */
struct User {
  i64 id,
  string name,
  3: bool return,
}

union Choice {
  1: required i32 number,
  2: string text,
}

service Users {
  void rename(1: optional string name),
}
