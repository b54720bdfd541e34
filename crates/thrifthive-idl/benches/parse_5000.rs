//! Benchmark: parse and resolve a generated IDL of 5,000 definitions (enums, typedefs, structs
//! with containers, defaults and cross references, consts, services with throws and extends).
//!
//! `cargo bench -p thrifthive-idl --bench parse_5000` prints the median of several runs.
//! `... -- --write FILE` also writes the generated IDL, e.g. to time `thrifthive check` on it.

use std::fmt::Write;
use std::time::{Duration, Instant};
use thrifthive_idl::{compile_source, Options};

const ENUMS: usize = 500;
const TYPEDEFS: usize = 500;
const STRUCTS: usize = 2500;
const EXCEPTIONS: usize = 250;
const CONSTS: usize = 750;
const SERVICES: usize = 500;
const DEFINITIONS: usize = ENUMS + TYPEDEFS + STRUCTS + EXCEPTIONS + CONSTS + SERVICES;

fn generate_idl() -> String {
    let mut idl = String::from("namespace py generated\nnamespace cpp generated\n\n");
    for e in 0..ENUMS {
        let _ = writeln!(idl, "/** Enum number {e}. */\nenum Enum{e} {{");
        for v in 0..8 {
            let _ = writeln!(idl, "  E{e}_V{v} = {},", v * 3);
        }
        idl.push_str("}\n\n");
    }
    for t in 0..TYPEDEFS {
        let target = ["i64", "string", "list<i32>", "map<string, double>"][t % 4];
        let _ = writeln!(idl, "typedef {target} Alias{t}");
    }
    for s in 0..STRUCTS {
        let _ = writeln!(idl, "\n/** Struct number {s}. */\nstruct Struct{s} {{");
        let _ = writeln!(idl, "  1: required i64 id,");
        let _ = writeln!(idl, "  2: optional string name = \"struct {s}\",");
        let _ = writeln!(idl, "  3: list<string> tags,");
        let _ = writeln!(idl, "  4: map<string, i64> counters,");
        let _ = writeln!(idl, "  5: Enum{e} status = Enum{e}.E{e}_V1,", e = s % ENUMS);
        let _ = writeln!(idl, "  6: Alias{} aliased,", s % TYPEDEFS);
        if s > 0 {
            let _ = writeln!(idl, "  7: optional Struct{} parent,", s - 1);
            let _ = writeln!(idl, "  8: set<Struct{}> siblings,", (s * 7) % s);
        }
        let _ = writeln!(idl, "  9: double score = 1.5,");
        let _ = writeln!(idl, "  10: binary payload (python.immutable = \"\"),");
        idl.push_str("}\n");
    }
    for x in 0..EXCEPTIONS {
        let _ = writeln!(
            idl,
            "\nexception Error{x} {{\n  1: string message,\n  2: i32 code = {x},\n}}"
        );
    }
    for c in 0..CONSTS {
        match c % 3 {
            0 => {
                let _ = writeln!(idl, "const i32 CONST_{c} = {c}");
            }
            1 => {
                let _ = writeln!(
                    idl,
                    "const list<string> CONST_{c} = [\"a\", \"b\", \"c{c}\"]"
                );
            }
            _ => {
                let _ = writeln!(
                    idl,
                    "const Struct{} CONST_{c} = {{\"id\": {c}, \"name\": \"n\", \"tags\": [\"x\"]}}",
                    c % STRUCTS
                );
            }
        }
    }
    for v in 0..SERVICES {
        let extends = if v > 0 {
            format!(" extends Service{}", v - 1)
        } else {
            String::new()
        };
        let _ = writeln!(idl, "\nservice Service{v}{extends} {{");
        for m in 0..4 {
            let _ = writeln!(
                idl,
                "  Struct{} call{v}_{m}(1: i64 id, 2: Alias{} aliased) throws (1: Error{} err),",
                (v + m) % STRUCTS,
                (v + m) % TYPEDEFS,
                (v + m) % EXCEPTIONS
            );
        }
        let _ = writeln!(idl, "  oneway void notify{v}(1: string event),\n}}");
    }
    idl
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let idl = generate_idl();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let path = args.get(i + 1).expect("--write needs a file path");
        std::fs::write(path, &idl).expect("writable path");
        println!("wrote {path}");
    }
    // Checked once outside the timing: the generated IDL must be valid.
    let compilation = compile_source("generated.thrift", &idl, &Options::default());
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics(false)
    );

    let runs = 21;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let compilation = compile_source("generated.thrift", &idl, &Options::default());
            let elapsed = start.elapsed();
            assert!(compilation.program.is_some());
            elapsed
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "parse+resolve {DEFINITIONS} definitions ({} KiB, {} lines): median {:.2} ms, min {:.2} ms, max {:.2} ms over {runs} runs",
        idl.len() / 1024,
        idl.lines().count(),
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
}
