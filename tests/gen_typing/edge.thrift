// Names Python reserves or that hide others in generated code: keywords as enum values,
// fields and parameters, builtins' names as fields and definitions, a union field named like
// its helpers, an exception field re-declaring an exception attribute, a method named like a
// client's own. tests/test_gen_typing.py type checks what `thrifthive gen` makes of it.
namespace py edge
enum Kw { None = 1, class = 2, ok = 3 }
enum Empty {}
struct int { 1: i32 x }
struct frozenset { 1: int boxed }
const set<i32> FROZEN = [1, 2]
/**
 * A doc comment Python must escape: a \ backslash, """triple quotes""",
 *     an indented line, and a "quoted" end"
 */
struct Odd {
  1: i32 self,
  2: string str,
  3: string name,
  4: int boxed,
  5: Kw k = Kw.ok,
}
struct Shadow {
  1: string str,
  2: string other,
  3: Odd Odd,
  4: Odd more,
}
union U { 1: i32 _field, 2: string s }
union V { 1: string object, 2: i32 str }
exception X { 1: list<i32> args, 2: string message }
const Kw UNNAMED = 7
const list<Kw> NAMED = [Kw.ok]
const double BIG = 1e300
const string QUOTES = "it's \"quoted\" \\ back"
service S {
  void close(1: i32 x),
  i32 f(1: i32 from, 2: i32 self),
}
