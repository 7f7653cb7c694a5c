//! The shell scripts of README.md's "Command line" section run as
//! written (over ipc:// endpoints in a fresh directory, so that no fixed
//! port is needed) and exit 0.

use std::path::PathBuf;
use std::process::Command;

/// The `#!/bin/sh` blocks of the README's "Command line" section.
fn scripts() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("\n## Command line\n")
        .expect("a Command line section");
    let rest = &readme[start + 1..];
    let section = &rest[..rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3)];
    section
        .split("```sh\n")
        .skip(1)
        .filter(|b| b.starts_with("#!/bin/sh\n"))
        .map(|b| b[..b.find("```").expect("a closed block")].to_owned())
        .collect()
}

fn run_script(n: usize, script: &str) {
    let dir = std::env::temp_dir().join(format!("zmqsocket-readme-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_zmqsocket"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(&dir)
        .env("PATH", path)
        .env("IN", format!("ipc://{}/in.sock", dir.display()))
        .env("OUT", format!("ipc://{}/out.sock", dir.display()))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "README script {n} failed ({:?}):\n{script}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_pipeline_and_fault_injection_scripts_work() {
    let scripts = scripts();
    assert_eq!(
        scripts.len(),
        2,
        "the pipeline test and the fault injection example"
    );
    assert!(scripts[0].contains("drain --bind \"$OUT\" --expect 100000 --sequenced"));
    assert!(scripts[1].contains("drop every 10"));
    for (n, s) in scripts.iter().enumerate() {
        run_script(n, s);
    }
}
