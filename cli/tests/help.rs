//! --help on every subcommand, with examples; completions for bash and
//! zsh.

mod common;

use common::run;

const SUBCOMMANDS: [&str; 8] = [
    "send",
    "recv",
    "pump",
    "drain",
    "proxy",
    "wait",
    "monitor",
    "completions",
];

#[test]
fn every_subcommand_has_help_with_examples() {
    let top = run(&["--help"]);
    assert_eq!(top.status, 0);
    let text = top.stdout.join("\n");
    for sub in SUBCOMMANDS {
        assert!(text.contains(sub), "top-level help lists {sub}");
        let out = run(&[sub, "--help"]);
        assert_eq!(out.status, 0, "{sub}: {out:?}");
        let help = out.stdout.join("\n");
        assert!(
            help.contains("Examples:"),
            "{sub} --help has examples: {help}"
        );
        assert!(
            help.contains(&format!("zmqsocket {sub}")),
            "{sub}'s examples run it: {help}"
        );
    }
}

#[test]
fn the_options_of_spec_23_are_there() {
    let has = |sub: &str, opts: &[&str]| {
        let help = run(&[sub, "--help"]).stdout.join("\n");
        for o in opts {
            assert!(help.contains(o), "{sub} --help lacks {o}");
        }
    };
    let attach = ["--bind", "--connect", "--type", "--timeout", "--json"];
    has("send", &attach);
    has("send", &["--format", "[FRAME]..."]);
    has("recv", &attach);
    has("recv", &["--count", "--subscribe", "--format"]);
    has("pump", &attach);
    has("pump", &["--count", "--size", "--sequenced", "--rate"]);
    has("drain", &attach);
    has("drain", &["--expect", "--sequenced", "--idle"]);
    has(
        "proxy",
        &["--front", "--service", "--client-type", "--fault", "--seed"],
    );
    has(
        "proxy",
        &[
            "--fault-to-service",
            "--fault-from-service",
            "--timeout",
            "--json",
        ],
    );
    has("wait", &["--connect", "--timeout", "--json"]);
    has("monitor", &attach);
}

#[test]
fn completions_for_bash_and_zsh() {
    let bash = run(&["completions", "bash"]);
    assert_eq!(bash.status, 0);
    let b = bash.stdout.join("\n");
    assert!(b.contains("complete -F") && b.contains("zmqsocket"), "{b}");
    assert!(b.contains("--fault-to-service"), "bash completes options");
    let zsh = run(&["completions", "zsh"]);
    assert_eq!(zsh.status, 0);
    let z = zsh.stdout.join("\n");
    assert!(z.starts_with("#compdef zmqsocket"), "{z}");
    assert!(z.contains("--sequenced"), "zsh completes options");
    assert_eq!(run(&["completions", "tcsh"]).status, 2);
}
