struct Base {
  1: i32 x,
}

service Users extends Base {
  void ping(),
}

service Orders extends Ordrs {
  void ping(),
}

service Left extends Right {}
service Right extends Left {}
