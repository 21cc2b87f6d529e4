//! The actions of a script, one file per kind, each as the working
//! group's Go runner performs it.

pub(super) mod commit;
mod external;
mod membership;
mod proposals;
mod subgroup;

/// `N` bytes from the operating system's generator.
fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(bytes)
}

/// A fresh group id: a random (version 4) UUID in text, as the Go runner
/// makes them.
fn group_id() -> Result<Vec<u8>, String> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
    .into_bytes())
}
