struct Address {
  1: string street,
  2: string city,
}

const Address HOME = {"street": "Main St", "cty": "Springfield"}
