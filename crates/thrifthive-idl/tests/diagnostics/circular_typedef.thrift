typedef Celsius Temperature
typedef Temperature Celsius

struct Reading {
  1: Celsius value,
}
