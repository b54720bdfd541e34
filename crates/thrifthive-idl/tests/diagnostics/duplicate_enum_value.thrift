enum Status {
  ACTIVE,
  SUSPENDED,
  ACTIVE,
}
