//! The HTTP server: listening socket, worker threads, signals and clean shutdown.

use std::io::Write;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::app::{self, lock, App, Routed};
use crate::cli::Config;
use crate::dataset::DataSet;
use crate::http::{self, BodyError, Outcome, Reply};

/// Requests are served by this many threads, so a slow request (for example the
/// `slow` fault) does not hold up the others.
const WORKER_THREADS: usize = 8;
/// How often idle workers and the main thread check for a stop request.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Runs the sandbox until a signal or `POST /_sandbox/shutdown` stops it.
pub fn run(config: Config, data: DataSet) -> ExitCode {
    let requested = SocketAddr::new(config.bind, config.port);
    let server = match tiny_http::Server::http(requested) {
        Ok(server) => server,
        Err(error) => {
            log::error!("cannot listen on {requested}: {error}. Choose another --port or --bind");
            return ExitCode::FAILURE;
        }
    };
    let local_address = server.server_addr().to_ip().unwrap_or(requested);
    let app = Arc::new(App::new(config, data));
    register_signal_handlers(&app);

    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKER_THREADS)
        .map(|index| {
            let server = Arc::clone(&server);
            let app = Arc::clone(&app);
            thread::Builder::new()
                .name(format!("worker-{index}"))
                .spawn(move || serve_requests(&server, &app, local_address))
        })
        .collect();
    let workers: Vec<_> = match workers.into_iter().collect::<Result<_, _>>() {
        Ok(workers) => workers,
        Err(error) => {
            log::error!("cannot start worker threads: {error}");
            return ExitCode::FAILURE;
        }
    };

    // Tests read the URL from this line, so it is the only thing written to stdout.
    let mut stdout = std::io::stdout().lock();
    let announced = writeln!(stdout, "chorus-sandbox listening on http://{local_address}")
        .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = announced {
        log::warn!("cannot write the start-up line to stdout: {error}");
    }
    log::info!(
        "listening on {local_address} with {WORKER_THREADS} workers, speed factor {}, token lifetime {} s",
        app.config.speed,
        app.config.token_lifetime_seconds
    );

    while !app.stop.load(Ordering::SeqCst) {
        thread::sleep(POLL_INTERVAL);
    }
    log::info!("stopping");
    for worker in workers {
        if worker.join().is_err() {
            log::error!("a worker thread panicked while stopping");
        }
    }
    log::info!("stopped");
    ExitCode::SUCCESS
}

#[cfg(unix)]
fn register_signal_handlers(app: &App) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for (signal, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
        if let Err(error) = signal_hook::flag::register(signal, Arc::clone(&app.stop)) {
            log::warn!("cannot handle {name}, so it will end the process abruptly: {error}");
        }
    }
}

#[cfg(not(unix))]
fn register_signal_handlers(_app: &App) {}

fn serve_requests(server: &tiny_http::Server, app: &App, local_address: SocketAddr) {
    while !app.stop.load(Ordering::SeqCst) {
        match server.recv_timeout(POLL_INTERVAL) {
            Ok(Some(request)) => handle_request(request, app, local_address),
            Ok(None) => {}
            Err(error) => {
                log::error!("receiving a request failed: {error}");
                thread::sleep(POLL_INTERVAL);
            }
        }
    }
}

fn handle_request(mut request: tiny_http::Request, app: &App, local_address: SocketAddr) {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    // The query string may carry credentials, so only the path is logged.
    let path = request.url().split('?').next().unwrap_or("").to_string();

    let routed = match http::read_request(&mut request) {
        Ok(incoming) => {
            let routed = catch_unwind(AssertUnwindSafe(|| {
                app::route(app, &incoming, local_address)
            }));
            routed.unwrap_or_else(|_| {
                log::error!("handler panicked on {method} {path}, so the reply is 500");
                reply_only(Reply::empty(500))
            })
        }
        Err(BodyError::TooLarge) => reply_only(Reply::empty(413)),
        Err(BodyError::Io(error)) => {
            log::warn!("reading the body of {method} {path} failed: {error}");
            reply_only(Reply::empty(400))
        }
    };

    let status = routed.outcome.status();
    // Record before replying, so that a client reading the stats right after its
    // response always finds its request counted.
    if let Some(mut record) = routed.record {
        record.status = status;
        record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        lock(&app.stats).record(record);
    }
    match routed.outcome {
        Outcome::Reply(reply) => {
            if let Err(error) = request.respond(http::to_tiny_http(reply)) {
                log::warn!("sending the reply to {method} {path} failed: {error}");
            }
        }
        Outcome::DropConnection => drop_connection(request, local_address),
    }
    let status_text = status.map_or("dropped".to_string(), |status| status.to_string());
    log::info!(
        "{method} {path} {status_text} {}ms",
        started.elapsed().as_millis()
    );
}

fn reply_only(reply: Reply) -> Routed {
    Routed {
        outcome: Outcome::Reply(reply),
        record: None,
    }
}

/// Closes the request's connection without sending a byte.
fn drop_connection(request: tiny_http::Request, local_address: SocketAddr) {
    let peer = request.remote_addr().copied();
    // Owning the writer stops tiny_http from sending its automatic 500 reply when the
    // request is dropped. tiny_http gives no access to the socket itself.
    let writer = request.into_writer();
    let closed = peer.is_some_and(|peer| shut_down_socket(local_address.port(), peer));
    if !closed {
        log::warn!(
            "drop_connection: cannot shut down the socket of {peer:?}; the connection stays \
             open without a reply until the client gives up"
        );
    }
    drop(writer);
}

/// Finds this process's TCP socket connected from `peer` to `local_port` and shuts it
/// down in both directions. Returns whether such a socket was found and shut down.
#[cfg(target_os = "linux")]
fn shut_down_socket(local_port: u16, peer: SocketAddr) -> bool {
    use std::net::Shutdown;
    use std::os::fd::{BorrowedFd, RawFd};

    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return false;
    };
    for entry in entries.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<RawFd>().ok())
        else {
            continue;
        };
        // SAFETY: the descriptor was open when listed. Another thread may close it
        // before the calls below; they then fail with EBADF, or query a reused number
        // whose addresses will not match. Only a socket whose (local port, peer
        // address) pair matches is shut down, and that pair is unique to the
        // connection of the request, which is still open because we own its writer.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&borrowed);
        let peer_matches = socket.peer_addr().ok().and_then(|a| a.as_socket()) == Some(peer);
        let local_matches = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .is_some_and(|local| local.port() == local_port);
        if peer_matches && local_matches {
            return socket.shutdown(Shutdown::Both).is_ok();
        }
    }
    false
}

#[cfg(not(target_os = "linux"))]
fn shut_down_socket(_local_port: u16, _peer: SocketAddr) -> bool {
    false
}
