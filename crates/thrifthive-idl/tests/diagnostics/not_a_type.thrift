service Users {
  void ping(),
}

struct Holder {
  1: Users users,
}
