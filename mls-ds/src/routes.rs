//! The HTTP routes: each handler authenticates the request, then runs its
//! operation on the service's state off the async workers.

use crate::auth::{Caller, Request, authenticate_with};
use crate::error::{ApiError, ApiResult};
use crate::groups::parse_group_id;
use crate::{Core, directory, groups, handshakes, queues};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// The state every handler shares: the one lock around the database and
/// the views. One lock is the simplest total order per group; signature
/// checks run under it too, which bounds throughput but not correctness.
pub(crate) type Shared = Arc<Mutex<Core>>;

/// What a handler got, owned, to move to the blocking pool.
struct Incoming {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Incoming {
    fn path_and_query(&self) -> &str {
        self.uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or_else(|| self.uri.path())
    }

    fn request(&self) -> Request<'_> {
        Request {
            method: self.method.as_str(),
            path_and_query: self.path_and_query(),
            headers: &self.headers,
            body: &self.body,
        }
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Core> {
    match shared.lock() {
        Ok(guard) => guard,
        Err(poisoned) => {
            // A handler panicked mid-request. The database rolled back its
            // open transaction; the views may be ahead of it, so they are
            // dropped and rebuilt from the tables on next use.
            let mut guard = poisoned.into_inner();
            guard.views.clear();
            shared.clear_poison();
            guard
        }
    }
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

/// Runs `op` for an authenticated caller on the blocking pool.
async fn authed<F>(shared: Shared, incoming: Incoming, op: F) -> Response
where
    F: FnOnce(&mut Core, &Caller, &Incoming) -> ApiResult<Response> + Send + 'static,
{
    blocking(shared, move |core| {
        let caller = authenticate_with(
            &core.conn,
            &core.crypto,
            core.config.now(),
            core.config.max_clock_skew,
            &incoming.request(),
            None,
            None,
        )?;
        op(core, &caller, &incoming)
    })
    .await
}

async fn blocking<F>(shared: Shared, op: F) -> Response
where
    F: FnOnce(&mut Core) -> ApiResult<Response> + Send + 'static,
{
    let task = tokio::task::spawn_blocking(move || {
        let mut core = lock(&shared);
        op(&mut core)
    });
    match task.await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::internal("the request's handler failed").into_response(),
    }
}

fn own_queue(caller: &Caller, client_id: &str) -> ApiResult<()> {
    if caller.client_id != client_id {
        return Err(ApiError::forbidden("a client can read only its own queues"));
    }
    Ok(())
}

/// `after` and `limit` from a query string; anything else is refused.
fn fetch_params(uri: &Uri, default_limit: u32) -> ApiResult<(u64, u32)> {
    let (mut after, mut limit) = (0u64, default_limit);
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = || ApiError::bad_request(format!("query parameter {k} must be a number"));
        match k {
            "after" => after = v.parse().map_err(|_| bad())?,
            "limit" => limit = v.parse().map_err(|_| bad())?,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter {k}"
                )));
            }
        }
    }
    Ok((after, limit))
}

macro_rules! incoming {
    ($method:ident, $uri:ident, $headers:ident, $body:ident) => {
        Incoming {
            method: $method,
            uri: $uri,
            headers: $headers,
            body: $body,
        }
    };
}

async fn register(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let incoming = incoming!(method, uri, headers, body);
    blocking(s, move |core| {
        let (req, scheme, key) = directory::parse_registration(core, &incoming.body)?;
        let now = core.config.now();
        authenticate_with(
            &core.conn,
            &core.crypto,
            now,
            core.config.max_clock_skew,
            &incoming.request(),
            Some(&req.client_id),
            Some((scheme, key.clone())),
        )?;
        let out = directory::register(&core.conn, now, &req, scheme, &key)?;
        Ok(json(StatusCode::CREATED, &out))
    })
    .await
}

async fn publish(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        |core, caller, i| {
            let out = directory::publish(core, caller, &i.body)?;
            Ok(json(StatusCode::CREATED, &out))
        },
    )
    .await
}

async fn counts(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        |core, caller, _| {
            Ok(json(
                StatusCode::OK,
                &directory::counts(&core.conn, caller)?,
            ))
        },
    )
    .await
}

async fn claim(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(s, incoming!(method, uri, headers, body), |core, _, i| {
        Ok(json(StatusCode::OK, &directory::claim(core, &i.body)?))
    })
    .await
}

async fn create_group(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        |core, caller, i| {
            Ok(json(
                StatusCode::CREATED,
                &groups::create(core, caller, &i.body)?,
            ))
        },
    )
    .await
}

async fn group_state(
    State(s): State<Shared>,
    axum::extract::Path(group): axum::extract::Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, _| {
            let id = parse_group_id(&group)?;
            Ok(json(StatusCode::OK, &groups::get_state(core, caller, &id)?))
        },
    )
    .await
}

async fn submit(
    State(s): State<Shared>,
    axum::extract::Path(group): axum::extract::Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, i| {
            let id = parse_group_id(&group)?;
            Ok(json(
                StatusCode::OK,
                &handshakes::submit(core, caller, &id, &i.body)?,
            ))
        },
    )
    .await
}

async fn get_group_info(
    State(s): State<Shared>,
    axum::extract::Path(group): axum::extract::Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, _| {
            let id = parse_group_id(&group)?;
            Ok(json(
                StatusCode::OK,
                &groups::get_group_info(core, caller, &id)?,
            ))
        },
    )
    .await
}

async fn put_group_info(
    State(s): State<Shared>,
    axum::extract::Path(group): axum::extract::Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, i| {
            let id = parse_group_id(&group)?;
            Ok(json(
                StatusCode::OK,
                &groups::put_group_info(core, caller, &id, &i.body)?,
            ))
        },
    )
    .await
}

async fn list_queues(
    State(s): State<Shared>,
    axum::extract::Path(client): axum::extract::Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, _| {
            own_queue(caller, &client)?;
            let now = core.config.now();
            let out = queues::list(&mut core.conn, &core.config, now, &caller.client_id)?;
            Ok(json(StatusCode::OK, &out))
        },
    )
    .await
}

async fn fetch(
    State(s): State<Shared>,
    axum::extract::Path((client, group)): axum::extract::Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, i| {
            own_queue(caller, &client)?;
            let id = parse_group_id(&group)?;
            let (after, limit) = fetch_params(&i.uri, core.config.max_fetch)?;
            let now = core.config.now();
            let out = queues::fetch(
                &mut core.conn,
                &core.config,
                now,
                &caller.client_id,
                &id,
                after,
                limit,
            )?;
            Ok(json(StatusCode::OK, &out))
        },
    )
    .await
}

async fn ack(
    State(s): State<Shared>,
    axum::extract::Path((client, group)): axum::extract::Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authed(
        s,
        incoming!(method, uri, headers, body),
        move |core, caller, i| {
            own_queue(caller, &client)?;
            let id = parse_group_id(&group)?;
            let req: crate::api::AckRequest = serde_json::from_slice(&i.body)
                .map_err(|e| ApiError::bad_request(format!("ack body: {e}")))?;
            let deleted = queues::ack(&core.conn, &caller.client_id, &id, req.through)?;
            Ok(json(StatusCode::OK, &crate::api::AckResponse { deleted }))
        },
    )
    .await
}

async fn not_found(uri: Uri) -> Response {
    ApiError::not_found(format!("no endpoint {}", uri.path())).into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
    .into_response()
}

/// The service's router over `shared`.
pub(crate) fn router(shared: Shared, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/v1/clients", post(register))
        .route("/v1/key-packages", post(publish).get(counts))
        .route("/v1/key-packages/claim", post(claim))
        .route("/v1/groups", post(create_group))
        .route("/v1/groups/{group}", get(group_state))
        .route("/v1/groups/{group}/messages", post(submit))
        .route(
            "/v1/groups/{group}/group-info",
            get(get_group_info).put(put_group_info),
        )
        .route("/v1/queues/{client}", get(list_queues))
        .route("/v1/queues/{client}/{group}", get(fetch))
        .route("/v1/queues/{client}/{group}/ack", post(ack))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(shared)
}
