//! The engine's ceiling: the server with a pure-Rust dispatcher (tests/common/service.rs,
//! serving bench.thrift's UserService with canned replies) under the load generator.
//!
//! ```text
//! cargo run --release -p thrifthive-rpc --example bench -- self [OPTIONS]       both here
//! cargo run --release -p thrifthive-rpc --example bench -- serve ADDR [OPTIONS] a server
//! cargo run --release -p thrifthive-rpc --example bench -- load ADDR [OPTIONS]  load on ADDR
//!
//! OPTIONS: -c CONNECTIONS (8)  -d SECONDS (5)  --method getUserById|listUsers|ping (getUserById)
//!          --transport buffered|framed (buffered)  --protocol binary|compact (binary)
//!          --server-threads N (1)  --client-threads N (1)
//! ```
//!
//! `self` runs the server and the load on separate runtimes in this process; `serve` in one
//! process and `load` in another is the setup the published figures use (a real client is
//! another process), and gives the higher, steadier numbers.

#[path = "../tests/common/service.rs"]
mod service;

use std::time::Duration;

use thrifthive_rpc::client::ClientOptions;
use thrifthive_rpc::loadgen::{self, LoadConfig};
use thrifthive_rpc::{Address, Protocol, Server, ServerConfig, Transport, WireFormat};
use thrifthive_wire::TType;
use tokio::runtime::{Builder, Runtime};

struct Options {
    mode: String,
    address: Address,
    connections: usize,
    seconds: u64,
    method: String,
    format: WireFormat,
    server_threads: usize,
    client_threads: usize,
}

fn main() {
    let options = parse(std::env::args().skip(1).collect()).unwrap_or_else(|error| {
        eprintln!("bench: {error}");
        std::process::exit(2);
    });
    match options.mode.as_str() {
        "serve" => {
            let server = bind(&options);
            println!("serving on {}", server.addresses()[0]);
            runtime(options.server_threads)
                .block_on(server.serve(service::TestService::default()))
                .unwrap();
        }
        "load" => load(&options),
        _ => {
            let server = bind(&options);
            let address = server.addresses()[0].clone();
            let handle = server.shutdown_handle();
            let threads = options.server_threads;
            let serving = std::thread::spawn(move || {
                runtime(threads).block_on(server.serve(service::TestService::default()))
            });
            load(&Options { address, ..options });
            handle.shutdown(Duration::from_secs(1));
            serving.join().unwrap().unwrap();
        }
    }
}

fn bind(options: &Options) -> Server {
    Server::bind(ServerConfig::new(options.address.clone())).unwrap()
}

fn load(options: &Options) {
    let protocol = options.format.protocol;
    let request = match options.method.as_str() {
        "listUsers" => service::call(protocol, "listUsers", 1, &|w| {
            w.field(TType::I32, 1);
            w.i32(0);
            w.field(TType::I32, 2);
            w.i32(100);
        }),
        "ping" => service::call(protocol, "ping", 1, &|_| {}),
        _ => service::call(protocol, "getUserById", 1, &|w| {
            w.field(TType::I64, 1);
            w.i64(101);
        }),
    };
    let config = LoadConfig {
        address: options.address.clone(),
        client: ClientOptions {
            format: options.format,
            timeout: Some(Duration::from_secs(10)),
            ..ClientOptions::default()
        },
        connections: options.connections,
        duration: Duration::from_secs(options.seconds),
        request,
    };
    println!(
        "{} x {} over {} connection(s), {} s, {} server / {} client thread(s)",
        options.method,
        options.format,
        options.connections,
        options.seconds,
        options.server_threads,
        options.client_threads
    );
    let report = runtime(options.client_threads)
        .block_on(loadgen::run(config, |progress| {
            println!(
                "  {:>3.0} s: {:>8.0} calls/s",
                progress.elapsed.as_secs_f64(),
                progress.calls_per_sec
            );
        }))
        .unwrap_or_else(|error| {
            eprintln!("bench: {error}");
            std::process::exit(1);
        });
    println!("{report}");
}

fn runtime(threads: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap()
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut args = args.into_iter();
    let mode = args.next().unwrap_or_else(|| "self".into());
    let address = match mode.as_str() {
        "serve" | "load" => args.next().ok_or("ADDR is missing")?,
        "self" => "127.0.0.1:0".into(),
        other => return Err(format!("unknown mode {other}: self, serve or load")),
    };
    let mut options = Options {
        mode,
        address: address.parse().map_err(|e| format!("{e}"))?,
        connections: 8,
        seconds: 5,
        method: "getUserById".into(),
        format: WireFormat::new(Transport::Buffered, Protocol::Binary),
        server_threads: 1,
        client_threads: 1,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "-c" => options.connections = number()?,
            "-d" => options.seconds = number()? as u64,
            "--method" => options.method = value,
            "--server-threads" => options.server_threads = number()?,
            "--client-threads" => options.client_threads = number()?,
            "--transport" => {
                options.format.transport = match value.as_str() {
                    "framed" => Transport::Framed,
                    "buffered" => Transport::Buffered,
                    _ => return Err(format!("unknown transport {value}")),
                }
            }
            "--protocol" => {
                options.format.protocol = match value.as_str() {
                    "binary" => Protocol::Binary,
                    "compact" => Protocol::Compact,
                    _ => return Err(format!("unknown protocol {value}")),
                }
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}
