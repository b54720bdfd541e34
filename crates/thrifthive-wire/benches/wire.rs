//! Micro-benchmark of the hot path: a UserPage of 100 users (the shape of
//! ../shared/bench/bench.thrift) written and read with each protocol, the way the object codec
//! will drive the traits: typed calls in field order, decoding into owned structs, every field
//! touched. Prints the median µs per page over several runs.
//!
//! Run: cargo bench -p thrifthive-wire --bench wire

use std::hint::black_box;
use std::time::Instant;

use thrifthive_wire::{
    BinaryReader, BinaryWriter, CompactReader, CompactWriter, JsonReader, JsonWriter, Limits,
    ProtocolReader, ProtocolWriter, TType, WireError,
};

#[derive(Debug, Clone, PartialEq, Default)]
struct Address {
    street: String,
    city: String,
    zip: i32,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct User {
    id: i64,
    username: String,
    email: String,
    tags: Vec<String>,
    counters: Vec<(String, i64)>,
    address: Address,
    status: i32,
    score: f64,
    avatar: Vec<u8>,
    active: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct UserPage {
    users: Vec<User>,
    total: i32,
}

fn sample_page() -> UserPage {
    let users = (0..100)
        .map(|i| User {
            id: 1000 + i,
            username: format!("user{i}"),
            email: format!("user{i}@example.com"),
            tags: vec!["tag-a".into(), "tag-b".into(), "tag-c".into()],
            counters: vec![("logins".into(), i * 7), ("posts".into(), i * 3)],
            address: Address {
                street: format!("{i} Main Street"),
                city: "Springfield".into(),
                zip: 10000 + i as i32,
            },
            status: 1,
            score: i as f64 * 1.5,
            avatar: vec![i as u8; 64],
            active: i % 2 == 0,
        })
        .collect();
    UserPage { users, total: 100 }
}

fn write_address<W: ProtocolWriter>(w: &mut W, address: &Address) -> Result<(), WireError> {
    w.write_struct_begin();
    w.write_field_begin(TType::String, 1)?;
    w.write_string(&address.street)?;
    w.write_field_end();
    w.write_field_begin(TType::String, 2)?;
    w.write_string(&address.city)?;
    w.write_field_end();
    w.write_field_begin(TType::I32, 3)?;
    w.write_i32(address.zip);
    w.write_field_end();
    w.write_field_stop();
    w.write_struct_end();
    Ok(())
}

fn write_user<W: ProtocolWriter>(w: &mut W, user: &User) -> Result<(), WireError> {
    w.write_struct_begin();
    w.write_field_begin(TType::I64, 1)?;
    w.write_i64(user.id);
    w.write_field_end();
    w.write_field_begin(TType::String, 2)?;
    w.write_string(&user.username)?;
    w.write_field_end();
    w.write_field_begin(TType::String, 3)?;
    w.write_string(&user.email)?;
    w.write_field_end();
    w.write_field_begin(TType::List, 4)?;
    w.write_list_begin(TType::String, user.tags.len())?;
    for tag in &user.tags {
        w.write_string(tag)?;
    }
    w.write_list_end();
    w.write_field_end();
    w.write_field_begin(TType::Map, 5)?;
    w.write_map_begin(TType::String, TType::I64, user.counters.len())?;
    for (key, value) in &user.counters {
        w.write_string(key)?;
        w.write_i64(*value);
    }
    w.write_map_end();
    w.write_field_end();
    w.write_field_begin(TType::Struct, 6)?;
    write_address(w, &user.address)?;
    w.write_field_end();
    w.write_field_begin(TType::I32, 7)?;
    w.write_i32(user.status);
    w.write_field_end();
    w.write_field_begin(TType::Double, 8)?;
    w.write_double(user.score);
    w.write_field_end();
    w.write_field_begin(TType::String, 9)?;
    w.write_binary(&user.avatar)?;
    w.write_field_end();
    w.write_field_begin(TType::Bool, 10)?;
    w.write_bool(user.active);
    w.write_field_end();
    w.write_field_stop();
    w.write_struct_end();
    Ok(())
}

fn write_page<W: ProtocolWriter>(w: &mut W, page: &UserPage) -> Result<(), WireError> {
    w.write_struct_begin();
    w.write_field_begin(TType::List, 1)?;
    w.write_list_begin(TType::Struct, page.users.len())?;
    for user in &page.users {
        write_user(w, user)?;
    }
    w.write_list_end();
    w.write_field_end();
    w.write_field_begin(TType::I32, 2)?;
    w.write_i32(page.total);
    w.write_field_end();
    w.write_field_stop();
    w.write_struct_end();
    Ok(())
}

/// Reads a struct's fields, calling `field` for each (id, type); `field` returns false for a
/// field it does not know, which is then skipped.
fn read_struct<'a, R: ProtocolReader<'a>>(
    r: &mut R,
    mut field: impl FnMut(&mut R, i16, TType) -> Result<bool, WireError>,
) -> Result<(), WireError> {
    r.read_struct_begin()?;
    loop {
        let header = r.read_field_begin()?;
        if header.ttype == TType::Stop {
            break;
        }
        if !field(r, header.id, header.ttype)? {
            r.skip(header.ttype)?;
        }
        r.read_field_end()?;
    }
    r.read_struct_end()
}

fn read_address<'a, R: ProtocolReader<'a>>(r: &mut R) -> Result<Address, WireError> {
    let mut address = Address::default();
    read_struct(r, |r, id, ttype| {
        match (id, ttype) {
            (1, TType::String) => address.street = r.read_string()?.into_owned(),
            (2, TType::String) => address.city = r.read_string()?.into_owned(),
            (3, TType::I32) => address.zip = r.read_i32()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(address)
}

fn read_user<'a, R: ProtocolReader<'a>>(r: &mut R) -> Result<User, WireError> {
    let mut user = User::default();
    read_struct(r, |r, id, ttype| {
        match (id, ttype) {
            (1, TType::I64) => user.id = r.read_i64()?,
            (2, TType::String) => user.username = r.read_string()?.into_owned(),
            (3, TType::String) => user.email = r.read_string()?.into_owned(),
            (4, TType::List) => {
                let header = r.read_list_begin()?;
                user.tags = (0..header.len)
                    .map(|_| r.read_string().map(|tag| tag.into_owned()))
                    .collect::<Result<_, _>>()?;
                r.read_list_end()?;
            }
            (5, TType::Map) => {
                let header = r.read_map_begin()?;
                let mut counters = Vec::with_capacity(header.len);
                for _ in 0..header.len {
                    let key = r.read_string()?.into_owned();
                    counters.push((key, r.read_i64()?));
                }
                user.counters = counters;
                r.read_map_end()?;
            }
            (6, TType::Struct) => user.address = read_address(r)?,
            (7, TType::I32) => user.status = r.read_i32()?,
            (8, TType::Double) => user.score = r.read_double()?,
            (9, TType::String) => user.avatar = r.read_binary()?.into_owned(),
            (10, TType::Bool) => user.active = r.read_bool()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(user)
}

fn read_page<'a, R: ProtocolReader<'a>>(r: &mut R) -> Result<UserPage, WireError> {
    let mut page = UserPage::default();
    read_struct(r, |r, id, ttype| {
        match (id, ttype) {
            (1, TType::List) => {
                let header = r.read_list_begin()?;
                page.users = (0..header.len)
                    .map(|_| read_user(r))
                    .collect::<Result<_, _>>()?;
                r.read_list_end()?;
            }
            (2, TType::I32) => page.total = r.read_i32()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(page)
}

/// Median µs per call of `body`, over `runs` runs of `iterations` calls each.
fn median_micros(runs: usize, iterations: usize, mut body: impl FnMut()) -> f64 {
    for _ in 0..iterations {
        body();
    }
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                body();
            }
            start.elapsed().as_secs_f64() * 1e6 / iterations as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[runs / 2]
}

fn main() {
    let page = sample_page();
    let limits = Limits::default();
    let (runs, iterations) = (21, 200);
    println!("UserPage of 100 users, median of {runs} runs x {iterations} iterations:");

    macro_rules! measure {
        ($name:expr, $writer:ident, $reader:ident) => {{
            let mut buffer = Vec::with_capacity(64 * 1024);
            write_page(&mut $writer::new(&mut buffer), &page).unwrap();
            let encoded = buffer.clone();
            let decoded = read_page(&mut $reader::new(&encoded, limits).unwrap()).unwrap();
            assert_eq!(decoded, page, "{} round trip", $name);
            let encode = median_micros(runs, iterations, || {
                buffer.clear();
                write_page(&mut $writer::new(&mut buffer), black_box(&page)).unwrap();
                black_box(&buffer);
            });
            let decode = median_micros(runs, iterations, || {
                let mut reader = $reader::new(black_box(&encoded), limits).unwrap();
                black_box(read_page(&mut reader).unwrap());
            });
            let skip = median_micros(runs, iterations, || {
                let mut reader = $reader::new(black_box(&encoded), limits).unwrap();
                reader.skip(TType::Struct).unwrap();
                black_box(reader.position());
            });
            println!(
                "  {:<8} {:>6} bytes   encode {:>7.2} µs   decode {:>7.2} µs   skip {:>7.2} µs",
                $name,
                encoded.len(),
                encode,
                decode,
                skip
            );
        }};
    }

    measure!("binary", BinaryWriter, BinaryReader);
    measure!("compact", CompactWriter, CompactReader);
    measure!("json", JsonWriter, JsonReader);

    // One 1 MiB binary field, copied out on decode as the codec will copy it into a bytes
    // object: the bulk path, which should run at memory speed.
    let blob = vec![0xa5u8; 1 << 20];
    let gigabytes_per_second = |micros: f64| blob.len() as f64 / micros / 1e3;
    macro_rules! measure_blob {
        ($name:expr, $writer:ident, $reader:ident) => {{
            let mut buffer = Vec::with_capacity(blob.len() + 64);
            let encode = median_micros(runs, 20, || {
                buffer.clear();
                let mut writer = $writer::new(&mut buffer);
                writer.write_binary(black_box(&blob)).unwrap();
                black_box(&buffer);
            });
            let decode = median_micros(runs, 20, || {
                let mut reader = $reader::new(black_box(&buffer), limits).unwrap();
                black_box(reader.read_binary().unwrap().into_owned());
            });
            println!(
                "  {:<8} 1 MiB binary   encode {:>6.1} GB/s   decode {:>6.1} GB/s",
                $name,
                gigabytes_per_second(encode),
                gigabytes_per_second(decode)
            );
        }};
    }
    measure_blob!("binary", BinaryWriter, BinaryReader);
    measure_blob!("compact", CompactWriter, CompactReader);
}
