//! Which runs a script gets: cipher suite × handshake flag × assignment of
//! the script's actors to clients.
//!
//! As the working group's Go runner: for each suite, the clients that
//! support it; handshakes encrypted then not (`--private`/`--public` keep
//! one); every assignment of those clients to the actors
//! (`clients^actors`, the first actor varying slowest), or one random
//! assignment in `random` mode. Scripts with more than
//! [`MAX_ACTORS_FOR_ALL`] actors fall back to a random assignment, as the
//! Go runner does, because `clients^actors` would not finish.
//!
//! Ours adds [`Assign::Rotate`]: `n` deterministic assignments for `n`
//! clients, actor `i` on client `(i + k) mod n` in run `k`. Every actor
//! runs on every client and neighbouring actors on different ones, at a
//! cost linear in the clients, so CI can cover every config mixed without
//! the `clients^actors` runs (53,000 for one script of `commit.json`).

/// Above this many actors, a script gets one random assignment per suite
/// and flag even in `allCombinations` mode (the Go runner's threshold).
pub const MAX_ACTORS_FOR_ALL: usize = 10;

/// The most runs one script may get; a larger matrix is an error rather
/// than a run that never ends.
pub const MAX_RUNS: u64 = 1_000_000;

/// Which handshake flags to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Handshakes {
    /// Encrypted, then plaintext (the default).
    #[default]
    Both,
    /// Only `encrypt_handshake = true` (`--private`).
    Private,
    /// Only `encrypt_handshake = false` (`--public`).
    Public,
}

impl Handshakes {
    /// The flags in the order they run.
    pub fn flags(self) -> &'static [bool] {
        match self {
            Handshakes::Both => &[true, false],
            Handshakes::Private => &[true],
            Handshakes::Public => &[false],
        }
    }
}

/// How actors are assigned to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assign {
    /// Every assignment (`clients^actors`), the harness's default
    /// (`allCombinations`).
    #[default]
    All,
    /// One random assignment per suite and flag (`--random`, or the
    /// config's `mode: random`).
    Random,
    /// One rotation per client (`--rotate`): actor `i` on client
    /// `(i + k) mod n` in run `k`.
    Rotate,
}

/// One run of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The cipher suite.
    pub suite: u16,
    /// Whether handshake messages are PrivateMessages.
    pub encrypt: bool,
    /// For each actor (in [`super::config::Script::actors`] order), the
    /// index of its client in the pool.
    pub clients: Vec<usize>,
}

/// Every suite some client supports, ascending, or only `only` (which
/// some client must support).
pub fn suites(client_suites: &[&[u16]], only: Option<u16>) -> Result<Vec<u16>, String> {
    let mut all: Vec<u16> = client_suites
        .iter()
        .flat_map(|s| s.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    match only {
        None => Ok(all),
        Some(suite) if all.contains(&suite) => Ok(vec![suite]),
        Some(suite) => Err(format!(
            "cipher suite {suite} is supported by none of the clients (they support {all:?})"
        )),
    }
}

/// The runs of a script with `actors` actors, assigned as `assign` says;
/// `pick(n)` must return a number below `n` (the caller's randomness, so
/// tests can fix it).
pub fn assignments(
    client_suites: &[&[u16]],
    actors: usize,
    only_suite: Option<u16>,
    handshakes: Handshakes,
    assign: Assign,
    pick: &mut dyn FnMut(usize) -> Result<usize, String>,
) -> Result<Vec<Assignment>, String> {
    let random = assign == Assign::Random || (assign == Assign::All && actors > MAX_ACTORS_FOR_ALL);
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for suite in suites(client_suites, only_suite)? {
        let clients: Vec<usize> = client_suites
            .iter()
            .enumerate()
            .filter(|(_, s)| s.contains(&suite))
            .map(|(i, _)| i)
            .collect();
        for &encrypt in handshakes.flags() {
            if assign == Assign::Rotate {
                for k in 0..clients.len() {
                    out.push(Assignment {
                        suite,
                        encrypt,
                        clients: (0..actors)
                            .map(|i| {
                                let slot = i.checked_add(k).unwrap_or(0) % clients.len();
                                clients.get(slot).copied().unwrap_or(0)
                            })
                            .collect(),
                    });
                }
                continue;
            }
            if random {
                let combo = (0..actors)
                    .map(|_| pick(clients.len()).map(|i| clients.get(i).copied().unwrap_or(0)))
                    .collect::<Result<Vec<_>, _>>()?;
                out.push(Assignment {
                    suite,
                    encrypt,
                    clients: combo,
                });
                continue;
            }
            let count = u32::try_from(actors)
                .ok()
                .and_then(|a| (clients.len() as u64).checked_pow(a))
                .filter(|c| total.saturating_add(*c) <= MAX_RUNS)
                .ok_or_else(|| {
                    format!(
                        "{} clients for {actors} actors make more than {MAX_RUNS} runs; \
                         use --random",
                        clients.len()
                    )
                })?;
            total = total.saturating_add(count);
            for n in 0..count {
                out.push(Assignment {
                    suite,
                    encrypt,
                    clients: nth_combination(&clients, actors, n),
                });
            }
        }
    }
    Ok(out)
}

/// The `n`th tuple of `clients^actors` in the Go runner's order: the
/// first actor varies slowest.
fn nth_combination(clients: &[usize], actors: usize, mut n: u64) -> Vec<usize> {
    let base = clients.len() as u64;
    let mut combo = vec![0; actors];
    for slot in combo.iter_mut().rev() {
        let digit = usize::try_from(n % base.max(1)).unwrap_or(0);
        *slot = clients.get(digit).copied().unwrap_or(0);
        n /= base.max(1);
    }
    combo
}

/// A uniform number below `n` from the operating system's generator
/// (rejection sampling, so no modulo bias).
pub fn random_below(n: usize) -> Result<usize, String> {
    let n = u64::try_from(n).map_err(|_| "range too large".to_string())?;
    if n == 0 {
        return Err("no client supports this suite".into());
    }
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
        let v = u64::from_le_bytes(bytes);
        if v < zone {
            return usize::try_from(v % n).map_err(|_| "range too large".to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_random(_: usize) -> Result<usize, String> {
        Err("not random".into())
    }

    #[test]
    fn counts_every_assignment() {
        let a: &[u16] = &[1, 2, 3];
        let b: &[u16] = &[1, 3];
        let c: &[u16] = &[1];
        let runs = assignments(
            &[a, b, c],
            2,
            None,
            Handshakes::Both,
            Assign::All,
            &mut no_random,
        )
        .unwrap_or_default();
        // Suite 1: 3^2, suite 2: 1^2, suite 3: 2^2; two flags each.
        assert_eq!(runs.len(), (9 + 1 + 4) * 2);
        assert_eq!(runs[0].clients, vec![0, 0]);
        assert_eq!(runs[1].clients, vec![0, 1]);
        assert_eq!(runs[3].clients, vec![1, 0]);
        assert!(runs[0].encrypt && !runs[9].encrypt);
        // Suite 3 is only on clients 0 and 1.
        assert!(
            runs.iter()
                .filter(|r| r.suite == 3)
                .all(|r| r.clients.iter().all(|&c| c < 2))
        );
    }

    #[test]
    fn suite_and_flag_filters() {
        let a: &[u16] = &[1, 2];
        let runs = assignments(
            &[a, a],
            3,
            Some(2),
            Handshakes::Public,
            Assign::All,
            &mut no_random,
        )
        .unwrap_or_default();
        assert_eq!(runs.len(), 8);
        assert!(runs.iter().all(|r| r.suite == 2 && !r.encrypt));
        assert!(
            assignments(
                &[a],
                1,
                Some(7),
                Handshakes::Both,
                Assign::All,
                &mut no_random
            )
            .is_err()
        );
    }

    #[test]
    fn random_and_large_scripts_pick_one() {
        let a: &[u16] = &[1];
        let mut pick = |n: usize| Ok(n - 1);
        let runs = assignments(
            &[a, a, a],
            4,
            None,
            Handshakes::Both,
            Assign::Random,
            &mut pick,
        )
        .unwrap_or_default();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].clients, vec![2; 4]);
        let runs = assignments(
            &[a, a, a],
            11,
            None,
            Handshakes::Private,
            Assign::All,
            &mut pick,
        )
        .unwrap_or_default();
        assert_eq!(runs.len(), 1);
        assert!(random_below(3).is_ok_and(|v| v < 3));
    }

    #[test]
    fn rotations_put_every_actor_on_every_client() {
        let a: &[u16] = &[1, 2];
        let b: &[u16] = &[1];
        let runs = assignments(
            &[a, b, a],
            4,
            None,
            Handshakes::Private,
            Assign::Rotate,
            &mut no_random,
        )
        .unwrap_or_default();
        // Suite 1 on three clients: three rotations; suite 2 on clients 0
        // and 2: two.
        assert_eq!(runs.len(), 3 + 2);
        assert_eq!(runs[0].clients, vec![0, 1, 2, 0]);
        assert_eq!(runs[1].clients, vec![1, 2, 0, 1]);
        assert_eq!(runs[2].clients, vec![2, 0, 1, 2]);
        assert_eq!(runs[3].clients, vec![0, 2, 0, 2]);
        assert_eq!(runs[4].clients, vec![2, 0, 2, 0]);
        // Rotation ignores the size that makes `All` fall back to random.
        let many = assignments(
            &[a, a, a],
            841,
            Some(1),
            Handshakes::Both,
            Assign::Rotate,
            &mut no_random,
        )
        .unwrap_or_default();
        assert_eq!(many.len(), 6);
    }
}
