//! Generates the two C headers from the crate's exported items with
//! cbindgen: `include/zmqsocket.h` for C and C++, and
//! `include/zmqsocket_ffi.h` for FFI loaders (PHP FFI, Python cffi).
//! Both are written to OUT_DIR, with a heading comment before each SPEC
//! section's functions. include/ holds the committed copies: `make
//! headers` (ZMQSOCKET_UPDATE_HEADERS=1) copies them there, and a unit
//! test (lib.rs) fails when include/ differs from what the source gives.

use std::path::{Path, PathBuf};

const EXPORTED_TYPES: [&str; 10] = [
    "zs_socket_type",
    "zs_timeout",
    "zs_hwm",
    "zs_frame",
    "zs_message",
    "zs_recv_args",
    "zs_bulk_flags",
    "zs_drain_stats",
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
    c.after_includes = Some(
        "\ntypedef struct zs_frame zs_frame;\ntypedef struct zs_message zs_message;\ntypedef struct zs_recv_args zs_recv_args;\ntypedef struct zs_drain_stats zs_drain_stats;\ntypedef struct zs_proxy_stats zs_proxy_stats;\n\n".to_string()
            + result_enum,
    );
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
        let call = format!("{first}(");
        let at = text
            .match_indices(&call)
            .map(|(i, _)| i)
            .find(|&i| {
                // A declaration, not a mention in a comment's prose.
                let line = &text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i];
                i > 0
                    && matches!(text.as_bytes()[i - 1], b' ' | b'*')
                    && !line.trim_start().starts_with('*')
                    && !line.trim_start().starts_with("/*")
            })
            .unwrap_or_else(|| panic!("{first} is not in the generated header"));
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
    for name in ["zmqsocket.h", "zmqsocket_ffi.h"] {
        add_headings(&out_dir.join(name), &sections);
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
