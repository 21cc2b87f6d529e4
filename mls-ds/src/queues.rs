//! One queue per client per group: enqueue with retention, fetch after a
//! cursor, acknowledge through an id.
//!
//! Retention: a queue keeps at most `Config::max_queue_len` messages and
//! none older than `Config::max_message_age`. Past either bound the oldest
//! messages are deleted and counted in the queue's `dropped` counter,
//! which every fetch returns: a client that sees it grow knows it missed
//! messages (it cannot process the group's later handshakes, and should
//! rejoin, for example by external commit).

use crate::api::{FetchResponse, QueueList, QueueSummary, QueuedMessage};
use crate::config::Config;
use crate::db::{to_i64, to_u64};
use crate::error::ApiResult;
use rusqlite::{Connection, params};

/// A message to queue for some clients.
pub(crate) struct Outgoing<'a> {
    pub(crate) group_id: &'a [u8],
    pub(crate) kind: &'a str,
    pub(crate) epoch: u64,
    pub(crate) sender: &'a str,
    pub(crate) message: &'a [u8],
}

fn add_drops(conn: &Connection, client: &str, group_id: &[u8], n: i64) -> ApiResult<()> {
    if n > 0 {
        conn.execute(
            "INSERT INTO queue_drops (client_id, group_id, dropped) VALUES (?1, ?2, ?3)
             ON CONFLICT (client_id, group_id) DO UPDATE SET dropped = dropped + excluded.dropped",
            params![client, group_id, n],
        )?;
    }
    Ok(())
}

/// Queues `message` for each of `recipients`, dropping the oldest of a
/// queue that grows past its bound. Run inside the caller's transaction.
pub(crate) fn enqueue(
    conn: &Connection,
    config: &Config,
    now: u64,
    recipients: &[String],
    message: &Outgoing<'_>,
) -> ApiResult<()> {
    let max = to_i64(config.max_queue_len)?;
    for client in recipients {
        conn.execute(
            "INSERT INTO queue (client_id, group_id, kind, epoch, sender, message, enqueued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                client,
                message.group_id,
                message.kind,
                to_i64(message.epoch)?,
                message.sender,
                message.message,
                to_i64(now)?
            ],
        )?;
        let len: i64 = conn.query_row(
            "SELECT COUNT(*) FROM queue WHERE client_id = ?1 AND group_id = ?2",
            params![client, message.group_id],
            |r| r.get(0),
        )?;
        let excess = len.saturating_sub(max);
        if excess > 0 {
            conn.execute(
                "DELETE FROM queue WHERE id IN (SELECT id FROM queue
                 WHERE client_id = ?1 AND group_id = ?2 ORDER BY id LIMIT ?3)",
                params![client, message.group_id, excess],
            )?;
            add_drops(conn, client, message.group_id, excess)?;
        }
    }
    Ok(())
}

/// Drops (and counts) the caller's messages older than the age bound.
fn expire(conn: &Connection, config: &Config, now: u64, client: &str) -> ApiResult<()> {
    let cutoff = to_i64(now.saturating_sub(config.max_message_age))?;
    let old: Vec<(Vec<u8>, i64)> = {
        let mut stmt = conn.prepare(
            "SELECT group_id, COUNT(*) FROM queue WHERE client_id = ?1 AND enqueued_at < ?2
             GROUP BY group_id",
        )?;
        let rows = stmt.query_map(params![client, cutoff], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (group_id, n) in old {
        add_drops(conn, client, &group_id, n)?;
    }
    conn.execute(
        "DELETE FROM queue WHERE client_id = ?1 AND enqueued_at < ?2",
        params![client, cutoff],
    )?;
    Ok(())
}

fn dropped(conn: &Connection, client: &str, group_id: &[u8]) -> ApiResult<u64> {
    let n: i64 = conn.query_row(
        "SELECT COALESCE((SELECT dropped FROM queue_drops WHERE client_id = ?1 AND group_id = ?2), 0)",
        params![client, group_id],
        |r| r.get(0),
    )?;
    to_u64(n)
}

/// The client's queues with something in them or a drop recorded.
pub(crate) fn list(
    conn: &mut Connection,
    config: &Config,
    now: u64,
    client: &str,
) -> ApiResult<QueueList> {
    let tx = conn.transaction()?;
    expire(&tx, config, now, client)?;
    let rows: Vec<(Vec<u8>, i64, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT g, SUM(p), SUM(d) FROM (
                 SELECT group_id AS g, 1 AS p, 0 AS d FROM queue WHERE client_id = ?1
                 UNION ALL
                 SELECT group_id AS g, 0 AS p, dropped AS d FROM queue_drops WHERE client_id = ?1)
             GROUP BY g ORDER BY g",
        )?;
        let rows = stmt.query_map(params![client], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    tx.commit()?;
    let mut queues = Vec::with_capacity(rows.len());
    for (group_id, pending, dropped) in rows {
        queues.push(QueueSummary {
            group_id: hex::encode(group_id),
            pending: to_u64(pending)?,
            dropped: to_u64(dropped)?,
        });
    }
    Ok(QueueList { queues })
}

/// Up to `limit` messages of the queue after id `after`, oldest first.
pub(crate) fn fetch(
    conn: &mut Connection,
    config: &Config,
    now: u64,
    client: &str,
    group_id: &[u8],
    after: u64,
    limit: u32,
) -> ApiResult<FetchResponse> {
    let tx = conn.transaction()?;
    expire(&tx, config, now, client)?;
    let limit = limit.clamp(1, config.max_fetch.max(1));
    let rows: Vec<(i64, String, i64, String, Vec<u8>)> = {
        let mut stmt = tx.prepare(
            "SELECT id, kind, epoch, sender, message FROM queue
             WHERE client_id = ?1 AND group_id = ?2 AND id > ?3 ORDER BY id LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![client, group_id, to_i64(after)?, i64::from(limit)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        rows.collect::<Result<_, _>>()?
    };
    let dropped = dropped(&tx, client, group_id)?;
    tx.commit()?;
    let mut messages = Vec::with_capacity(rows.len());
    let mut bytes = 0usize;
    for (id, kind, epoch, sender, message) in rows {
        // A byte budget as well as a count: 100 messages of 1 MiB would
        // make one answer of 200 MiB of hex.
        bytes = bytes.saturating_add(message.len());
        if !messages.is_empty() && bytes > config.max_fetch_bytes {
            break;
        }
        messages.push(QueuedMessage {
            id: to_u64(id)?,
            kind,
            epoch: to_u64(epoch)?,
            sender,
            message: hex::encode(message),
        });
    }
    Ok(FetchResponse { messages, dropped })
}

/// Deletes the queue's messages with an id up to `through`.
pub(crate) fn ack(
    conn: &Connection,
    client: &str,
    group_id: &[u8],
    through: u64,
) -> ApiResult<u64> {
    let n = conn.execute(
        "DELETE FROM queue WHERE client_id = ?1 AND group_id = ?2 AND id <= ?3",
        params![client, group_id, to_i64(through)?],
    )?;
    Ok(u64::try_from(n).unwrap_or(u64::MAX))
}

/// The clients registered with these signature keys, in the keys' order,
/// without `except` (the sender). Members whose key no client registered
/// get nothing: the service cannot tell where they are.
pub(crate) fn clients_for_keys(
    conn: &Connection,
    keys: &[Vec<u8>],
    except: &str,
) -> ApiResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT client_id FROM clients WHERE signature_key = ?1")?;
    let mut out = Vec::new();
    for key in keys {
        let mut rows = stmt.query(params![key])?;
        if let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            if id != except && !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// The client registered with `key`, if any.
pub(crate) fn client_for_key(conn: &Connection, key: &[u8]) -> ApiResult<Option<String>> {
    Ok(clients_for_keys(conn, &[key.to_vec()], "")?
        .into_iter()
        .next())
}
