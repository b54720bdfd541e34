enum Flags {
  NONE = 0,
  HIGH = 0x100000000,
  LOW = -2147483649,
}
