//! `kantelspel sessions`: lists the sessions announcing themselves on the LAN.

use std::net::SocketAddr;
use std::time::Duration;

use crate::net::info;
use crate::net::protocol::{DISCOVERY_PORT, PROTOCOL_VERSION};

#[derive(Debug, Clone, clap::Args)]
pub struct SessionsArgs {
    /// How long to listen, in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Where to listen for announcements.
    #[arg(long, default_value_t = SocketAddr::from(([0, 0, 0, 0], DISCOVERY_PORT)))]
    pub listen: SocketAddr,
}

pub fn run(args: SessionsArgs) -> i32 {
    let wait = Duration::from_secs_f64(args.seconds.clamp(0.1, 600.0));
    match info::listen(args.listen, wait) {
        Ok(found) if found.is_empty() => {
            println!(
                "no sessions found on the network (listened {:.0} s on {})",
                wait.as_secs_f64(),
                args.listen
            );
            0
        }
        Ok(found) => {
            println!("{:<24} {:<28} {:<24} version", "address", "session", "deck");
            for f in found {
                let version = if f.version == PROTOCOL_VERSION {
                    "ok".to_string()
                } else {
                    format!("{} (this program: {PROTOCOL_VERSION})", f.version)
                };
                println!(
                    "{:<24} {:<28} {:<24} {version}",
                    f.addr.to_string(),
                    f.session,
                    f.deck
                );
            }
            0
        }
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.listen);
            1
        }
    }
}
