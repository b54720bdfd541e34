service Base {
  void ping(),
}

service Users extends Base {
  void ping(),
}
