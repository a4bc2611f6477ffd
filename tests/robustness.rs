//! The fuzz rigs under proptest on stable Rust: arbitrary bytes through the host's and the
//! client's receive paths never panic. (`cargo fuzz run host_packet` explores further.)

mod common;

use kantelspel::net::fuzzing::{ClientRig, HostRig};
use kantelspel::net::transport::well_formed;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_through_the_host_never_panic(data in proptest::collection::vec(any::<u8>(), 0..1400)) {
        thread_local! { static RIG: std::cell::RefCell<HostRig> = std::cell::RefCell::new(HostRig::new()); }
        RIG.with(|r| {
            r.borrow_mut().feed(&data);
            prop_assert_eq!(r.borrow().panics(), 0, "netcode panicked (caught)");
            Ok(())
        })?;
    }

    #[test]
    fn any_bytes_through_the_client_never_panic(data in proptest::collection::vec(any::<u8>(), 0..1400)) {
        thread_local! { static RIG: std::cell::RefCell<ClientRig> = std::cell::RefCell::new(ClientRig::new()); }
        RIG.with(|r| {
            r.borrow_mut().feed(&data);
            prop_assert_eq!(r.borrow().panics(), 0, "netcode panicked (caught)");
            Ok(())
        })?;
    }
}

#[test]
fn the_rigs_hold_a_real_connection_and_reach_past_netcode() {
    use kantelspel::net::fuzzing::Connection;
    let mut c = Connection::open().expect("loopback handshake");
    assert!(c.is_up());
    // A sealed datagram passes netcode's authentication: renet reads what is inside.
    let sealed = c.player.seal(&[0u8; 32]).expect("sealed");
    assert!(kantelspel::net::transport::well_formed(&sealed));
    let before = c.host.dropped;
    c.host
        .process_datagram(c.client_addr, &sealed, &mut c.server);
    assert_eq!(c.host.dropped, before, "not dropped by the guard");
    c.pump();
    assert_eq!(c.host.panics, 0);
}

#[test]
fn the_datagram_that_crashes_renetcode_is_caught_before_it() {
    // Packet type 4 (payload) claiming a 15-byte sequence number: renetcode 2.0 slices past its
    // 8-byte buffer on this before authenticating anything.
    let mut crafted = vec![0xF4u8];
    crafted.extend_from_slice(&[0u8; 40]);
    assert!(!well_formed(&crafted));
    let mut host = HostRig::new();
    let mut selector_host = vec![0u8];
    selector_host.extend_from_slice(&crafted);
    host.feed(&selector_host);
    let mut client = ClientRig::new();
    client.feed(&selector_host);
    // A legal prefix passes the guard once there is room for its sequence number and MAC.
    assert!(well_formed(&[0x84; 1 + 8 + 16]));
    assert!(!well_formed(&[0x84; 1 + 8 + 15]));
    assert!(!well_formed(&[0x14; 17]));
    assert!(well_formed(&[0x14; 18]));
    // Unknown packet types and short connection requests never reach netcode.
    assert!(!well_formed(&[0x07; 100]));
    assert!(!well_formed(&[0x00; 100]));
    assert!(!well_formed(&[]));
}

#[test]
fn the_serve_console_survives_a_line_without_end() {
    let dir = std::env::temp_dir().join(format!("kantelspel-console-{}", std::process::id()));
    // A megabyte without a newline (a wrong redirect), then real commands.
    let mut input = vec![b'x'; 1 << 20];
    input.extend_from_slice(b"\nstatus\nquit\n");
    let out = common::serve_console(&[], &dir, &input);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("too long"), "{stderr}");
    assert!(
        stdout.contains("Lobby"),
        "the next command still works: {stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
