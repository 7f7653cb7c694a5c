//! Generates the two C headers from the crate's exported items with
//! cbindgen: `include/zmqsocket.h` for C and C++, and
//! `include/zmqsocket_ffi.h` for FFI loaders (PHP FFI, Python cffi).
//! Both are written to OUT_DIR and copied to include/ when they differ;
//! include/ is committed, and `make test` fails when a build changed it.

use std::path::{Path, PathBuf};

const EXPORTED_TYPES: [&str; 9] = [
    "zs_result",
    "zs_socket_type",
    "zs_timeout",
    "zs_hwm",
    "zs_frame",
    "zs_message",
    "zs_recv_args",
    "zs_bulk_flags",
    "zs_drain_stats",
];

fn base_config() -> cbindgen::Config {
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
        "\ntypedef struct zs_frame zs_frame;\ntypedef struct zs_message zs_message;\ntypedef struct zs_recv_args zs_recv_args;\ntypedef struct zs_drain_stats zs_drain_stats;".to_string(),
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

    let mut c = base_config();
    c.include_guard = Some("ZMQSOCKET_H".to_string());
    c.cpp_compat = true;
    c.no_includes = true;
    c.sys_includes = vec!["stdbool.h".into(), "stddef.h".into(), "stdint.h".into()];
    c.header = Some(header.clone());
    generate(c, &crate_dir, &out_dir.join("zmqsocket.h"));

    let mut f = base_config();
    f.no_includes = true;
    f.header = Some(format!(
        "#define FFI_SCOPE \"zmqsocket\"\n#define FFI_LIB \"libzmqsocket.so\"\n{header}"
    ));
    generate(f, &crate_dir, &out_dir.join("zmqsocket_ffi.h"));

    let include = crate_dir.join("include");
    std::fs::create_dir_all(&include).unwrap();
    for name in ["zmqsocket.h", "zmqsocket_ffi.h"] {
        copy_if_changed(&out_dir.join(name), &include.join(name));
    }
}
