struct Settings {
  1: i32 retries = "three",
  2: bool verbose = 2,
  3: double ratio = 0.5,
}
