const i32 COUNT = "ten"
const list<i32> PRIMES = {1: 2}
const string NAME = [1, 2]
const map<string, i32> AGES = {"alice": "old"}
