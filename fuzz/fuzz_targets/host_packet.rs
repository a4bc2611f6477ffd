//! Any datagram, from a stranger or from a seated player's address, through the host's whole
//! receive path: netcode, renet, and the host core's message handling.
#![no_main]

use kantelspel::net::fuzzing::HostRig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static RIG: std::cell::RefCell<HostRig> = std::cell::RefCell::new(HostRig::new());
    }
    RIG.with(|rig| rig.borrow_mut().feed(data));
});
