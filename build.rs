//! Generates the two C headers from the crate's exported items with
//! cbindgen: `include/zmqsocket.h` for C and C++, and
//! `include/zmqsocket_ffi.h` for FFI loaders (PHP FFI, Python cffi).
//! Both are written to OUT_DIR, with a heading comment before each SPEC
//! section's functions, and the socket options list (from src/options.rs)
//! in zs_set_option's doc comment. include/ holds the committed copies: `make
//! headers` (ZMQSOCKET_UPDATE_HEADERS=1) copies them there, and a unit
//! test (lib.rs) fails when include/ differs from what the source gives.

use std::path::{Path, PathBuf};

/// The structs, which C code names without `struct` (SPEC section 2).
const STRUCTS: [&str; 6] = [
    "zs_frame",
    "zs_message",
    "zs_recv_args",
    "zs_drain_stats",
    "zs_event",
    "zs_proxy_stats",
];

const EXPORTED_TYPES: [&str; 13] = [
    "zs_socket_type",
    "zs_timeout",
    "zs_hwm",
    "zs_frame",
    "zs_message",
    "zs_recv_args",
    "zs_bulk_flags",
    "zs_drain_stats",
    "zs_event_kind",
    "zs_event",
    "zs_poll_flags",
    "zs_proxy_stats",
    "zs_proxy_direction",
];

/// The C enum `zs_result`, from the `result_codes!` table in
/// src/error.rs (cbindgen does not expand macros): its doc comments and
/// `NAME = VALUE => c"text",` lines.
fn result_enum(crate_dir: &Path) -> String {
    let src = std::fs::read_to_string(crate_dir.join("src/error.rs")).expect("read src/error.rs");
    let start = src
        .find("\nresult_codes! {")
        .expect("src/error.rs has the result_codes! table");
    let mut out = String::new();
    let mut doc: Vec<&str> = Vec::new();
    let comment = |doc: &mut Vec<&str>, indent: &str, out: &mut String| {
        out.push_str(&format!("{indent}/**\n"));
        for line in doc.drain(..) {
            let line = format!("{indent} * {line}");
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push_str(&format!("{indent} */\n"));
    };
    for line in src[start..].lines().skip(1) {
        let line = line.trim();
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.strip_prefix(' ').unwrap_or(text));
        } else if line.starts_with("enum zs_result {") {
            comment(&mut doc, "", &mut out);
            out.push_str("enum zs_result {\n");
        } else if let Some((name_value, _text)) = line.split_once(" => ") {
            comment(&mut doc, "  ", &mut out);
            out.push_str(&format!("  {name_value},\n"));
        } else if line == "}" {
            out.push_str("};");
            return out;
        }
    }
    panic!("the result_codes! table in src/error.rs does not end");
}

/// The lines of the socket options list, from the `option_table!` rows
/// in src/options.rs: `- NAME (type, access; socket types): description`.
fn option_lines(crate_dir: &Path) -> Vec<String> {
    let src =
        std::fs::read_to_string(crate_dir.join("src/options.rs")).expect("read src/options.rs");
    let start = src
        .find("\noption_table! {")
        .expect("src/options.rs has the option_table! rows");
    let mut out = Vec::new();
    for line in src[start + 1..].lines().skip(1) {
        let line = line.trim();
        if line == "}" {
            return out;
        }
        let (row, desc) = line.split_once(" => ").expect("an option row");
        let desc = desc
            .strip_prefix('"')
            .and_then(|d| d.strip_suffix("\","))
            .expect("a quoted description")
            .replace("\\\"", "\"");
        let fields: Vec<&str> = row.split(", ").collect();
        let [name_number, kind, access, owner, types] = fields[..] else {
            panic!("an option row has 5 fields: {line}");
        };
        let name = name_number.split(" = ").next().unwrap();
        let kind = match kind {
            "Int" => "int",
            "Int64" => "int64",
            "Uint64" => "uint64",
            "Bytes" => "bytes",
            "Str" => "string",
            "Key" => "Z85 key",
            k => panic!("unknown option kind {k}"),
        };
        let access = match (owner, access) {
            ("Timeout" | "Absent" | "Context", _) => "refused",
            (_, "ReadWrite") => "rw",
            (_, "ReadOnly") => "r",
            (_, "WriteOnly") => "w",
            (_, a) => panic!("unknown option access {a}"),
        };
        let types = match types {
            "ANY" | "NONE" => String::new(),
            t => format!("; {}", t.replace(" | ", ", ")),
        };
        out.push(format!("- {name} ({kind}, {access}{types}): {desc}"));
    }
    panic!("the option_table! rows in src/options.rs do not end");
}

/// The byte offset where the declaration of function `name` starts in
/// `text`, not a mention of it in a comment's prose.
fn declaration_at(text: &str, name: &str) -> usize {
    let call = format!("{name}(");
    text.match_indices(&call)
        .map(|(i, _)| i)
        .find(|&i| {
            let line = &text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i];
            i > 0
                && matches!(text.as_bytes()[i - 1], b' ' | b'*')
                && !line.trim_start().starts_with('*')
                && !line.trim_start().starts_with("/*")
        })
        .unwrap_or_else(|| panic!("{name} is not in the generated header"))
}

/// Append the socket options list to the doc comment of zs_set_option in
/// the generated header `path`.
fn add_option_list(path: &Path, lines: &[String]) {
    let mut text = std::fs::read_to_string(path).expect("read generated header");
    let at = declaration_at(&text, "zs_set_option");
    let end = text[..at]
        .rfind(" */")
        .expect("zs_set_option has a doc comment");
    let list: String = lines.iter().map(|l| format!(" * {l}\n")).collect();
    text.insert_str(end, &format!(" *\n{list}"));
    std::fs::write(path, text).expect("write generated header");
}

fn base_config(result_enum: &str) -> cbindgen::Config {
    let mut c = cbindgen::Config {
        language: cbindgen::Language::C,
        documentation: true,
        documentation_style: cbindgen::DocumentationStyle::Doxy,
        style: cbindgen::Style::Tag,
        ..Default::default()
    };
    c.export.include = EXPORTED_TYPES.iter().map(|s| s.to_string()).collect();
    c.function.sort_by = Some(cbindgen::SortKey::None);
    c.usize_is_size_t = true;
    c.enumeration.prefix_with_name = false;
    // Tag style keeps `enum zs_socket_type` apart from the function
    // `zs_socket_type()`; the structs get their typedefs here.
    let typedefs: String = STRUCTS
        .iter()
        .map(|s| format!("typedef struct {s} {s};\n"))
        .collect();
    c.after_includes = Some(format!("\n{typedefs}\n{result_enum}"));
    c
}

fn generate(config: cbindgen::Config, crate_dir: &Path, out: &Path) {
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen failed")
        .write_to_file(out);
}

/// The exported functions' files in the order src/ffi/mod.rs declares
/// them, each with its heading (the first line of its `//!` comment) and
/// the first function it exports.
fn sections(crate_dir: &Path) -> Vec<(String, String)> {
    let ffi = crate_dir.join("src/ffi");
    let modules = std::fs::read_to_string(ffi.join("mod.rs")).expect("read src/ffi/mod.rs");
    let mut out = Vec::new();
    for line in modules.lines() {
        let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|r| r.strip_suffix(';'))
        else {
            continue;
        };
        let text = std::fs::read_to_string(ffi.join(format!("{name}.rs"))).expect("read ffi file");
        // "//! Sending (SPEC section 9)..." gives "9. Sending".
        let first_line = text.lines().next().unwrap_or_default();
        let title = first_line.trim_start_matches("//! ");
        let heading = match title.split_once(" (SPEC section ") {
            Some((title, rest)) => {
                let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
                format!("{number}. {title}")
            }
            None => title.to_string(),
        };
        let first = text.lines().find_map(|l| {
            let rest = l.trim_start().strip_prefix("pub extern \"C\" fn ")?;
            Some(rest[..rest.find('(')?].to_string())
        });
        if let Some(first) = first {
            out.push((heading, first));
        }
    }
    out
}

/// Put each section's heading before the doc comment of its first
/// function in the generated header `path`.
fn add_headings(path: &Path, sections: &[(String, String)]) {
    let mut text = std::fs::read_to_string(path).expect("read generated header");
    for (heading, first) in sections {
        let at = declaration_at(&text, first);
        let doc = text[..at]
            .rfind("/**")
            .expect("every function has a doc comment");
        let banner = format!("/* ---- {heading} ---- */\n\n");
        text.insert_str(doc, &banner);
    }
    std::fs::write(path, text).expect("write generated header");
}

fn copy_if_changed(from: &Path, to: &Path) {
    let new = std::fs::read(from).expect("read generated header");
    if std::fs::read(to).ok().as_deref() != Some(&new[..]) {
        std::fs::write(to, new).expect("write include/ header");
    }
}

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=build.rs");
    // The shared library's SONAME carries the major version, as C
    // libraries' do (libzmqsocket.so.0 for 0.y.z).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzmqsocket.so.{major}");
    }

    let header = std::fs::read_to_string(crate_dir.join("src/header.txt")).unwrap();

    let codes = result_enum(&crate_dir);
    let mut c = base_config(&codes);
    c.include_guard = Some("ZMQSOCKET_H".to_string());
    c.cpp_compat = true;
    c.no_includes = true;
    c.sys_includes = vec!["stdbool.h".into(), "stddef.h".into(), "stdint.h".into()];
    c.header = Some(header.clone());
    generate(c, &crate_dir, &out_dir.join("zmqsocket.h"));

    let mut f = base_config(&codes);
    f.no_includes = true;
    f.header = Some(format!(
        "#define FFI_SCOPE \"zmqsocket\"\n#define FFI_LIB \"libzmqsocket.so\"\n{header}"
    ));
    generate(f, &crate_dir, &out_dir.join("zmqsocket_ffi.h"));

    let sections = sections(&crate_dir);
    let options = option_lines(&crate_dir);
    for name in ["zmqsocket.h", "zmqsocket_ffi.h"] {
        add_headings(&out_dir.join(name), &sections);
        add_option_list(&out_dir.join(name), &options);
    }

    println!("cargo:rerun-if-env-changed=ZMQSOCKET_UPDATE_HEADERS");
    if std::env::var_os("ZMQSOCKET_UPDATE_HEADERS").is_some_and(|v| v == "1") {
        let include = crate_dir.join("include");
        std::fs::create_dir_all(&include).unwrap();
        for name in ["zmqsocket.h", "zmqsocket_ffi.h"] {
            copy_if_changed(&out_dir.join(name), &include.join(name));
        }
    }
}
