//! The HTTP server: listening socket, one thread per connection, signals and clean
//! shutdown.

use std::cell::RefCell;
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::time::{Duration, Instant};

use crate::app::{self, lock, App, Routed};
use crate::cli::Config;
use crate::dataset::DataSet;
use crate::faults::FaultMode;
use crate::http::{IncomingRequest, Outcome, Reply};
use crate::wire::{self, ReadError};

/// Connections served at once; a further one gets 503 and is closed. Each connection has
/// its own thread, so a slow request (for example the `slow` fault) holds up nothing else.
const MAX_CONNECTIONS: usize = 512;
/// Pause after a failed `accept`, such as when the process has no file descriptor left.
const ACCEPT_RETRY_PAUSE: Duration = Duration::from_millis(10);

/// Counts a repeated event for a rate-limited log line. [`RepeatCounter::count_and_report`]
/// returns the number to log at the first occurrence, then at most once a second.
#[derive(Default)]
struct RepeatCounter {
    since_report: u64,
    reported_at: Option<Instant>,
}

impl RepeatCounter {
    /// Counts one occurrence. Returns the occurrences since the last log line when one is
    /// due, or `None` within a second of it.
    fn count_and_report(&mut self) -> Option<u64> {
        self.since_report += 1;
        let due = self
            .reported_at
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(1));
        if !due {
            return None;
        }
        self.reported_at = Some(Instant::now());
        Some(std::mem::take(&mut self.since_report))
    }
}
/// How often the main thread checks for a stop request.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// An idle keep-alive connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the sandbox until a signal or `POST /_sandbox/shutdown` stops it.
pub fn run(config: Config, data: DataSet) -> ExitCode {
    let requested = SocketAddr::new(config.bind, config.port);
    let listener = match TcpListener::bind(requested) {
        Ok(listener) => listener,
        Err(error) => {
            log::error!("cannot listen on {requested}: {error}. Choose another --port or --bind");
            return ExitCode::FAILURE;
        }
    };
    let local_address = listener.local_addr().unwrap_or(requested);
    let tls = match config
        .tls
        .as_ref()
        .map(crate::tls::server_config)
        .transpose()
    {
        Ok(tls) => tls,
        Err(message) => {
            log::error!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let app = Arc::new(App::new(config, data));
    register_signal_handlers(&app);

    let accepting = {
        let app = Arc::clone(&app);
        thread::Builder::new()
            .name("accept".into())
            .spawn(move || accept_connections(&listener, &app, local_address, tls))
    };
    let accepting = match accepting {
        Ok(handle) => handle,
        Err(error) => {
            log::error!("cannot start the accept thread: {error}");
            return ExitCode::FAILURE;
        }
    };

    // Tests read the URL from this line, so it is the only thing written to stdout.
    let mut stdout = std::io::stdout().lock();
    let announced = std::io::Write::write_fmt(
        &mut stdout,
        format_args!("chorus-sandbox listening on {scheme}://{local_address}\n"),
    )
    .and_then(|()| std::io::Write::flush(&mut stdout));
    drop(stdout);
    if let Err(error) = announced {
        log::warn!("cannot write the start-up line to stdout: {error}");
    }
    log::info!(
        "listening on {local_address}, speed factor {}, token lifetime {} s",
        app.config.speed,
        app.config.token_lifetime_seconds
    );

    while !app.stop.load(Ordering::SeqCst) {
        thread::sleep(POLL_INTERVAL);
    }
    log::info!("stopping");
    // The accept thread blocks in accept(): one more connection wakes it up to see the flag.
    let _ = TcpStream::connect_timeout(&local_address, POLL_INTERVAL);
    if accepting.join().is_err() {
        log::error!("the accept thread panicked while stopping");
    }
    log::info!("stopped");
    ExitCode::SUCCESS
}

fn accept_connections(
    listener: &TcpListener,
    app: &Arc<App>,
    local_address: SocketAddr,
    tls: Option<Arc<ServerConfig>>,
) {
    let active = Arc::new(AtomicUsize::new(0));
    let mut over_limit = RepeatCounter::default();
    for stream in listener.incoming() {
        if app.stop.load(Ordering::SeqCst) {
            return;
        }
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                log::warn!("accepting a connection failed: {error}");
                // Out of file descriptors, accept fails at once again: wait for a
                // connection to close instead of spinning.
                thread::sleep(ACCEPT_RETRY_PAUSE);
                continue;
            }
        };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            if let Some(count) = over_limit.count_and_report() {
                log::warn!(
                    "{MAX_CONNECTIONS} connections open already, so {count} new one(s) got 503 \
                     in the last second"
                );
            }
            let _ = wire::write_reply(&mut stream, &Reply::empty(503), false);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let app = Arc::clone(app);
        let active_for_thread = Arc::clone(&active);
        let tls = tls.clone();
        let spawned = thread::Builder::new()
            .name("connection".into())
            .spawn(move || {
                serve_connection(stream, tls, &app, local_address);
                active_for_thread.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(error) = spawned {
            active.fetch_sub(1, Ordering::SeqCst);
            log::error!("cannot start a connection thread: {error}");
        }
    }
}

/// The byte stream of one connection: plain TCP, or TLS over TCP.
trait Transport: Read + Write {
    /// Closes the connection in both directions without a further byte.
    fn close(&self);
}

impl Transport for TcpStream {
    fn close(&self) {
        let _ = self.shutdown(Shutdown::Both);
    }
}

/// One TLS session, shared by the reading and the writing half of its connection's
/// thread. The two halves never use it at the same time.
#[derive(Clone)]
struct TlsTransport(Rc<RefCell<StreamOwned<ServerConnection, TcpStream>>>);

impl Read for TlsTransport {
    /// Reads decrypted bytes. rustls reports a failed handshake or a bad record as
    /// `InvalidData`, which the HTTP reader would take for a malformed request, so such
    /// errors come back as `ConnectionAborted`.
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().read(buffer).map_err(|error| {
            if error.kind() == std::io::ErrorKind::InvalidData {
                std::io::Error::new(std::io::ErrorKind::ConnectionAborted, error)
            } else {
                error
            }
        })
    }
}

impl Write for TlsTransport {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

impl Transport for TlsTransport {
    fn close(&self) {
        let _ = self.0.borrow().sock.shutdown(Shutdown::Both);
    }
}

/// Sets up one connection, with TLS when configured, and serves its requests.
fn serve_connection(
    stream: TcpStream,
    tls: Option<Arc<ServerConfig>>,
    app: &App,
    local_address: SocketAddr,
) {
    let peer = stream.peer_addr().ok();
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    match tls {
        None => {
            let reader = match stream.try_clone() {
                Ok(clone) => BufReader::new(clone),
                Err(error) => {
                    log::warn!("cannot clone the socket of {peer:?}: {error}");
                    return;
                }
            };
            serve_requests(reader, stream, peer, app, local_address);
        }
        Some(config) => {
            let session = match ServerConnection::new(config) {
                Ok(session) => session,
                Err(error) => {
                    log::warn!("cannot start a TLS session with {peer:?}: {error}");
                    return;
                }
            };
            let transport = TlsTransport(Rc::new(RefCell::new(StreamOwned::new(session, stream))));
            serve_requests(
                BufReader::new(transport.clone()),
                transport,
                peer,
                app,
                local_address,
            );
        }
    }
}

/// Serves the requests of one connection in order until it closes.
fn serve_requests<T: Transport>(
    mut reader: BufReader<T>,
    mut stream: T,
    peer: Option<SocketAddr>,
    app: &App,
    local_address: SocketAddr,
) {
    loop {
        let read = wire::read_request(&mut reader, &mut stream);
        let (reply, keep_alive) = match read {
            Ok(read) => {
                let mut request = read.request;
                request.remote_address = peer;
                match handle_request(request, app, local_address) {
                    Some(reply) => (reply, read.keep_alive),
                    None => {
                        stream.close();
                        return;
                    }
                }
            }
            Err(ReadError::Closed) => return,
            Err(ReadError::Io(error)) => {
                if !matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) {
                    log::debug!("connection from {peer:?} ended: {error}");
                }
                return;
            }
            Err(ReadError::TooLarge(status)) => (Reply::empty(status), false),
            Err(ReadError::Malformed(reason)) => {
                log::warn!("malformed request from {peer:?}: {reason}");
                (Reply::empty(400), false)
            }
        };
        if let Err(error) = wire::write_reply(&mut stream, &reply, keep_alive) {
            log::warn!("sending a reply to {peer:?} failed: {error}");
            return;
        }
        if !keep_alive {
            stream.close();
            return;
        }
    }
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

/// Routes one request and records it; returns the reply, or `None` to close the
/// connection without a reply.
fn handle_request(
    incoming: IncomingRequest,
    app: &App,
    local_address: SocketAddr,
) -> Option<Reply> {
    let started = Instant::now();
    let method = incoming.method.clone();
    // The query string may carry credentials, so only the path is logged.
    let path = incoming.path.clone();

    let routed = catch_unwind(AssertUnwindSafe(|| {
        app::route(app, &incoming, local_address)
    }))
    .unwrap_or_else(|_| {
        log::error!("handler panicked on {method} {path}, so the reply is 500");
        reply_only(Reply::empty(500))
    });

    let mut routed = routed;
    // `drop_after_processing` lets the request take effect (a deposit is stored), then
    // closes the connection instead of sending the reply.
    let processed_then_dropped = routed
        .record
        .as_ref()
        .is_some_and(|record| record.fault == Some(FaultMode::DropAfterProcessing.name()));
    if processed_then_dropped {
        routed.outcome = Outcome::DropConnection;
    }
    let status = routed.outcome.status();
    // Record before replying, so that a client reading the stats right after its
    // response always finds its request counted.
    if let Some(mut record) = routed.record {
        record.status = status;
        record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        lock(&app.stats).record(record);
    }
    let status_text = status.map_or("dropped".to_string(), |status| status.to_string());
    log::info!(
        "{method} {path} {status_text} {}ms",
        started.elapsed().as_millis()
    );
    match routed.outcome {
        Outcome::Reply(reply) => Some(reply),
        Outcome::DropConnection => None,
    }
}

fn reply_only(reply: Reply) -> Routed {
    Routed {
        outcome: Outcome::Reply(reply),
        record: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_reported_once_a_second() {
        let mut counter = RepeatCounter::default();
        assert_eq!(counter.count_and_report(), Some(1));
        assert_eq!(counter.count_and_report(), None);
        assert_eq!(counter.count_and_report(), None);
        counter.reported_at = Some(Instant::now() - Duration::from_secs(2));
        assert_eq!(counter.count_and_report(), Some(3));
    }
}
