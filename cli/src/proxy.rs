//! `zmqsocket proxy`: the library's fault-injecting proxy (SPEC 22).

use std::time::Duration;

use clap::Args;
use serde_json::json;
use zmqsocket::zs_proxy_direction;

use crate::common::{self, Deadline, Failure, Outcome, EXIT_OK, SLICE_MS};
use crate::zs::Proxy;

/// Run a proxy between clients (which connect to --front) and a service
/// (which the proxy connects to), breaking the traffic as the fault
/// rules say, until SIGINT/SIGTERM or --timeout; then print its counts
/// (index 0: towards the service, 1: back from it). Rules,
/// `;`-separated: `drop 10%`, `drop every 3`, `drop next 5`, `delay
/// 50ms`, `delay 10ms..100ms`, `duplicate 5%`, `corrupt 1%`, `reorder
/// 10%`, `pause`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket proxy --front 'tcp://127.0.0.1:*' --service tcp://127.0.0.1:5555 \\
      --client-type PUSH --fault-to-service 'drop every 2'
  zmqsocket proxy --front tcp://*:6000 --service tcp://10.0.0.5:5555 --client-type REQ \\
      --fault 'delay 10ms..100ms; duplicate 5%' --seed 42 --json")]
pub struct ProxyArgs {
    /// The endpoint the proxy binds for clients (`:*`: a free port,
    /// printed on stderr as "listening on EP").
    #[arg(long, value_name = "EP")]
    pub front: String,
    /// The service's endpoint, which the proxy connects to.
    #[arg(long, value_name = "EP")]
    pub service: String,
    /// The type of the clients' sockets: PUSH, PULL, REQ, DEALER or SUB.
    #[arg(long, value_name = "T", value_parser = common::parse_type)]
    pub client_type: i32,
    /// Fault rules for both directions.
    #[arg(long, value_name = "RULES", conflicts_with_all = ["fault_to_service", "fault_from_service"])]
    pub fault: Option<String>,
    /// Fault rules for messages towards the service.
    #[arg(long, value_name = "RULES")]
    pub fault_to_service: Option<String>,
    /// Fault rules for messages back from the service.
    #[arg(long, value_name = "RULES")]
    pub fault_from_service: Option<String>,
    /// The seed of the random rules (the same seed, the same decisions).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Stop after S seconds (default: at SIGINT/SIGTERM).
    #[arg(long, value_name = "S", value_parser = common::parse_seconds)]
    pub timeout: Option<i32>,
    /// The counts as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// One direction's rules with the seed added.
fn with_seed(rules: Option<&str>, seed: Option<u64>) -> String {
    let rules = rules.unwrap_or("").trim();
    match seed {
        None => rules.to_owned(),
        Some(n) if rules.is_empty() => format!("seed {n}"),
        Some(n) => format!("{rules}; seed {n}"),
    }
}

/// The front as clients reach it: a `:*` or `:0` port replaced by the
/// port bound.
fn front_endpoint(front: &str, port: i32) -> String {
    if port > 0 {
        if let Some(i) = front.rfind(':') {
            return format!("{}:{port}", &front[..i]);
        }
    }
    front.to_owned()
}

pub fn run(a: ProxyArgs) -> Outcome {
    let to = a.fault.as_deref().or(a.fault_to_service.as_deref());
    let from = a.fault.as_deref().or(a.fault_from_service.as_deref());
    let (proxy, port) = Proxy::new(a.client_type, &a.front, &a.service)?;
    for (dir, rules) in [
        (zs_proxy_direction::ZS_TOWARDS_SERVICE, to),
        (zs_proxy_direction::ZS_FROM_SERVICE, from),
    ] {
        proxy
            .fault(dir as i32, &with_seed(rules, a.seed))
            .map_err(|e| Failure::usage(e.text))?;
    }
    note!("listening on {}", front_endpoint(&a.front, port));
    let deadline = Deadline::after(a.timeout);
    while !common::stopped() && !deadline.passed() {
        std::thread::sleep(Duration::from_millis(deadline.slice().min(SLICE_MS) as u64));
    }
    let st = proxy.stats()?;
    if a.json {
        common::print_json(&json!({
            "forwarded": st.forwarded,
            "dropped": st.dropped,
            "duplicated": st.duplicated,
            "delayed": st.delayed,
            "corrupted": st.corrupted,
        }))?;
    } else {
        for (i, dir) in ["to service", "from service"].iter().enumerate() {
            common::print_summary(&format!(
                "proxy {dir}: {} forwarded, {} dropped, {} duplicated, {} delayed, {} corrupted",
                st.forwarded[i], st.dropped[i], st.duplicated[i], st.delayed[i], st.corrupted[i]
            ))?;
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_joins_the_rules() {
        assert_eq!(with_seed(None, None), "");
        assert_eq!(with_seed(Some("drop 5%"), None), "drop 5%");
        assert_eq!(with_seed(None, Some(7)), "seed 7");
        assert_eq!(with_seed(Some("drop 5% "), Some(7)), "drop 5%; seed 7");
    }

    #[test]
    fn front_gets_the_bound_port() {
        assert_eq!(
            front_endpoint("tcp://127.0.0.1:*", 4000),
            "tcp://127.0.0.1:4000"
        );
        assert_eq!(
            front_endpoint("tcp://127.0.0.1:0", 4000),
            "tcp://127.0.0.1:4000"
        );
        assert_eq!(front_endpoint("ipc:///tmp/x", 0), "ipc:///tmp/x");
    }
}
