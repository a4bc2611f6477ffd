//! Join codes: short codes read aloud in the room, turned into the netcode key with a slow KDF.
//!
//! The host and every client derive the same 32-byte key from the code, so a client that knows
//! the code makes its own connect token and nobody else can join or read the traffic. Argon2id
//! makes guessing the code from a captured packet slow enough not to matter for a workshop.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use renetcode::{ConnectToken, NETCODE_KEY_BYTES};
use sha2::{Digest, Sha256};

use super::protocol::{PROTOCOL_ID, TIMEOUT_SECS};

/// Letters and digits that cannot be mistaken for each other when read aloud or off a
/// projector: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
const GENERATED_LEN: usize = 6;
const MIN_LEN: usize = 4;
const MAX_LEN: usize = 16;
/// How long a connect token stays valid after a client makes it.
const TOKEN_EXPIRY_SECS: u64 = 300;

/// A normalised join code: upper-case letters and digits, no separators.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct JoinCode(String);

impl fmt::Debug for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Codes do not belong in logs.
        f.write_str("JoinCode(…)")
    }
}

impl fmt::Display for JoinCode {
    /// Grouped in threes for reading aloud: `KCM-4TX`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 3 == 0 {
                f.write_str("-")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("a join code is {MIN_LEN} to {MAX_LEN} letters and digits, like KCM-4TX")]
pub struct BadCode;

impl JoinCode {
    /// A fresh random code.
    pub(crate) fn generate() -> JoinCode {
        let mut bytes = [0u8; GENERATED_LEN];
        // Without the OS's randomness a code could be guessed; time-seeded bytes are the
        // fallback, and only in an environment that has none.
        if getrandom::fill(&mut bytes).is_err() {
            let t = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = (t >> (i * 8)) as u8;
            }
        }
        JoinCode(
            bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect(),
        )
    }

    /// Accepts what a person types: any case, with spaces or dashes.
    pub fn parse(input: &str) -> Result<JoinCode, BadCode> {
        let code: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if (MIN_LEN..=MAX_LEN).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_alphanumeric())
        {
            Ok(JoinCode(code))
        } else {
            Err(BadCode)
        }
    }

    /// The netcode private key for this code. Slow on purpose; cached per process.
    pub fn key(&self) -> [u8; NETCODE_KEY_BYTES] {
        static CACHE: OnceLock<Mutex<HashMap<String, [u8; NETCODE_KEY_BYTES]>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        if let Some(k) = cache.lock().ok().and_then(|c| c.get(&self.0).copied()) {
            return k;
        }
        let key = derive_key(&self.0);
        if let Ok(mut c) = cache.lock() {
            c.insert(self.0.clone(), key);
        }
        key
    }
}

fn derive_key(code: &str) -> [u8; NETCODE_KEY_BYTES] {
    use argon2::{Algorithm, Argon2, Params, Version};
    let mut salt = b"kantelspel-join-".to_vec();
    salt.extend_from_slice(&PROTOCOL_ID.to_le_bytes());
    let mut key = [0u8; NETCODE_KEY_BYTES];
    // 8 MiB, two passes: tens of milliseconds on a laptop, per guess.
    let params = Params::new(8 * 1024, 2, 1, Some(NETCODE_KEY_BYTES))
        .expect("constant parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(code.as_bytes(), &salt, &mut key)
        .expect("constant lengths are valid");
    key
}

/// Proves knowledge of the key for one nonce without revealing it: the info port answers
/// "wrong code" with this, instead of letting the client wait for a connection that never comes.
pub(crate) fn verifier(key: &[u8; NETCODE_KEY_BYTES], nonce: &[u8; 16]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"kantelspel-code-check");
    h.update(key);
    h.update(nonce);
    h.finalize().into()
}

pub fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// A random client id: ids only need to differ between the players of one session.
pub fn random_client_id() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return now().as_nanos() as u64;
    }
    u64::from_le_bytes(b)
}

/// The connect token a client makes for itself from the join code.
pub fn connect_token(
    code: &JoinCode,
    client_id: u64,
    server: SocketAddr,
) -> Result<ConnectToken, String> {
    ConnectToken::generate(
        now(),
        PROTOCOL_ID,
        TOKEN_EXPIRY_SECS,
        client_id,
        TIMEOUT_SECS,
        vec![server],
        None,
        &code.key(),
    )
    .map_err(|e| format!("cannot make a connect token: {e}"))
}
