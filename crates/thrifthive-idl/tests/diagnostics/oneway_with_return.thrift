exception Failed {
  1: string why,
}

service Events {
  oneway i32 publish(1: string topic),
  oneway void notify(1: string topic) throws (1: Failed failed),
}
