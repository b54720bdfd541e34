enum Color {
  RED = 1,
  GREEN = 2,
}

enum Size {
  SMALL = 1,
  BIG = 2,
}

const Color FAVOURITE = Size.BIG
const Color UNKNOWN = Color.BLUE
