const string GREETING = "hello
const i32 X = 1
