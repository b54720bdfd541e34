union Contact {
  1: string email,
  2: string phone,
}

const Contact BOTH = {"email": "a@example.com", "phone": "555"}
