//! Any datagram "from the host" through a player's receive path: netcode, renet and the client
//! core's message handling.
#![no_main]

use kantelspel::net::fuzzing::ClientRig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static RIG: std::cell::RefCell<ClientRig> = std::cell::RefCell::new(ClientRig::new());
    }
    RIG.with(|rig| rig.borrow_mut().feed(data));
});
