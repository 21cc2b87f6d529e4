//! `mls-ds --db PATH --listen ADDR`: runs the delivery service alone
//! until interrupted (Ctrl-C).

#![forbid(unsafe_code)]

use std::process::ExitCode;

const USAGE: &str = "usage: mls-ds --db PATH --listen ADDR [--max-body BYTES] [--max-skew SECONDS]
              [--allow-external-joins] [--allow-private-handshakes]
              [--provisional-suites]";

fn parse() -> Result<(mls_ds::Config, String), String> {
    let mut args = std::env::args().skip(1);
    let (mut db, mut listen, mut max_body, mut max_skew) = (None, None, None, None);
    let (mut external_joins, mut private_handshakes, mut provisional) = (false, false, false);
    while let Some(flag) = args.next() {
        let value = || format!("{flag} needs a value\n{USAGE}");
        match flag.as_str() {
            "--db" => db = Some(args.next().ok_or_else(value)?),
            "--listen" => listen = Some(args.next().ok_or_else(value)?),
            "--max-body" => {
                let v = args.next().ok_or_else(value)?;
                max_body = Some(
                    v.parse::<usize>()
                        .map_err(|_| format!("--max-body {v}: not a number"))?,
                );
            }
            "--max-skew" => {
                let v = args.next().ok_or_else(value)?;
                max_skew = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--max-skew {v}: not a number"))?,
                );
            }
            "--allow-external-joins" => external_joins = true,
            "--allow-private-handshakes" => private_handshakes = true,
            "--provisional-suites" => provisional = true,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let db = db.ok_or_else(|| format!("--db is required\n{USAGE}"))?;
    let listen = listen.ok_or_else(|| format!("--listen is required\n{USAGE}"))?;
    let mut config = mls_ds::Config::new(db);
    if let Some(v) = max_body {
        config.max_body_bytes = v;
    }
    if let Some(v) = max_skew {
        config.max_clock_skew = v;
    }
    config.allow_external_joins = external_joins;
    config.allow_private_handshakes = private_handshakes;
    if provisional {
        // The post-quantum suites, under their provisional code points.
        config
            .cipher_suites
            .extend_from_slice(&mls_core::CipherSuiteDefinition::PROVISIONAL);
    }
    Ok((config, listen))
}

fn main() -> ExitCode {
    let (config, listen) = match parse() {
        Ok(v) => v,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mls-ds: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        eprintln!("mls-ds: listening on {}", listener.local_addr()?);
        mls_ds::run(listener, config, async {
            // If the signal cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mls-ds: {e}");
            ExitCode::FAILURE
        }
    }
}
