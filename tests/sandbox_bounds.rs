//! `leadbox sandbox` as a process against slow clients: a half-sent header and an idle kept-alive connection
//! are closed within 5 s, a first SIGINT ends the process within the 2 s grace whatever the clients do, and a
//! second signal ends it at once. Clients speak raw HTTP over loopback so they can stall where they like.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use novala_sandbox::connections::{HEADER_READ_TIMEOUT, IDLE_TIMEOUT, SHUTDOWN_GRACE};

/// A running `leadbox sandbox`, its stdout read line by line.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    addr: SocketAddr,
    secret: String,
    _dir: tempfile::TempDir,
}

impl Running {
    fn start(extra: &[&str]) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_leadbox"))
            .args(["sandbox", "--port", "0", "--seed-leads", "0", "--db"])
            .arg(dir.path().join("sandbox.sqlite3"))
            .args(extra)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut running = Running {
            child,
            lines,
            addr: "127.0.0.1:1".parse().unwrap(),
            secret: String::new(),
            _dir: dir,
        };
        let url = running.line("the URL", |l| l.contains("serving the Novala Leads API at http://"));
        let host = url.rsplit("http://").next().unwrap().trim_end_matches("/api/v1");
        running.addr = host.parse().unwrap();
        let secret = running.line("the secret key", |l| l.trim_start().starts_with("secret "));
        running.secret = secret.split_whitespace().nth(1).unwrap().to_string();
        running.line("the end of the banner", |l| l.contains("Press Ctrl-C to stop"));
        running
    }

    /// The next line of stdout that `pred` accepts, within 20 s.
    fn line(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if pred(&line) => return line,
                Ok(_) => {}
                Err(e) => panic!("no line with {what} on the sandbox's stdout: {e}"),
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// The exit status, failing the test past `within`.
    fn exit_within(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the sandbox was still running {within:?} later");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A connection that has sent half a request head and says nothing more.
    fn stalled(&self) -> TcpStream {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .write_all(b"GET /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
        stream
    }

    /// Sends a create for a lead noted `marker` and leaves its answer to be read later.
    fn create(&self, marker: &str) -> TcpStream {
        let body = format!(
            r#"{{"firstName":"Ada","source":"web_form","notes":"{marker}","customFields":{{"region":"emea"}}}}"#
        );
        let mut stream = TcpStream::connect(self.addr).unwrap();
        let request = format!(
            "POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.secret,
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        stream
    }

    /// Waits (bounded) until the tenant's list shows a lead noted `marker`: the create was stored.
    fn until_listed(&self, marker: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut stream = TcpStream::connect(self.addr).unwrap();
            let request = format!(
                "GET /api/v1/leads?limit=100 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
                 Connection: close\r\n\r\n",
                self.secret
            );
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.contains(marker) {
                return;
            }
            assert!(Instant::now() < deadline, "the create was never stored: {answer}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long until the server closes `stream` (end of file or a reset), reading and dropping what it sends.
fn until_closed(stream: &mut TcpStream, give_up: Duration) -> Duration {
    let started = Instant::now();
    stream.set_read_timeout(Some(give_up)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                panic!("still open after {give_up:?}")
            }
            Err(_) => return started.elapsed(),
        }
    }
}

#[test]
fn the_bounds_are_the_documented_ones() {
    assert_eq!(HEADER_READ_TIMEOUT, Duration::from_secs(5));
    assert_eq!(IDLE_TIMEOUT, Duration::from_secs(5));
    assert_eq!(SHUTDOWN_GRACE, Duration::from_secs(2));
}

#[test]
fn a_half_sent_header_is_closed_within_the_5_s_header_timeout() {
    let sandbox = Running::start(&[]);
    let mut stream = sandbox.stalled();
    let closed = until_closed(&mut stream, Duration::from_secs(10));
    eprintln!("closed after {closed:?}");
    assert!(
        closed >= Duration::from_millis(4_800) && closed <= Duration::from_millis(6_000),
        "closed after {closed:?}"
    );
}

#[test]
fn an_idle_kept_alive_connection_is_closed_within_the_5_s_idle_timeout() {
    let sandbox = Running::start(&[]);
    let mut stream = TcpStream::connect(sandbox.addr).unwrap();
    stream
        .write_all(b"GET /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    // The whole answer (a 401 without a key, with its length), then nothing more from either side.
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let complete = |answer: &[u8]| {
        let text = String::from_utf8_lossy(answer);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            return false;
        };
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_string())
            })
            .and_then(|v| v.parse::<usize>().ok())
            .expect("a length");
        body.len() >= length
    };
    while !complete(&answer) {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed before the answer ended");
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("connection: close"),
        "kept alive: {text}"
    );
    let closed = until_closed(&mut stream, Duration::from_secs(10));
    eprintln!("closed after {closed:?}");
    assert!(
        closed >= Duration::from_millis(4_800) && closed <= Duration::from_millis(6_000),
        "closed after {closed:?}"
    );
}

#[test]
fn sigint_with_slow_clients_and_an_answer_held_ends_the_sandbox_within_the_2_s_grace() {
    let mut sandbox = Running::start(&["--lose-answer", "late:60000"]);
    let stalled: Vec<TcpStream> = (0..8).map(|_| sandbox.stalled()).collect();
    let mut held = sandbox.create("held past the shutdown");
    sandbox.until_listed("held past the shutdown");

    let signalled = Instant::now();
    sandbox.signal("INT");
    sandbox.line("the stop announced", |l| l.starts_with("Stopping"));
    let status = sandbox.exit_within(Duration::from_secs(10));
    let took = signalled.elapsed();
    eprintln!("ended {took:?} after SIGINT");
    assert!(status.success(), "{status:?}");
    // The held answer kept it for the whole grace, and no longer; the stalled heads did not hold it.
    assert!(
        took >= Duration::from_millis(1_900) && took <= Duration::from_millis(3_500),
        "ended {took:?} after SIGINT"
    );
    assert!(
        until_closed(&mut held, Duration::from_secs(2)) < Duration::from_secs(2),
        "the held create's connection is closed"
    );
    drop(stalled);
}

#[test]
fn a_second_signal_ends_the_sandbox_at_once() {
    let mut sandbox = Running::start(&["--lose-answer", "late:60000"]);
    let _stalled: Vec<TcpStream> = (0..4).map(|_| sandbox.stalled()).collect();
    let _held = sandbox.create("held");
    sandbox.until_listed("held");

    sandbox.signal("INT");
    sandbox.line("the stop announced", |l| l.starts_with("Stopping"));
    let signalled = Instant::now();
    sandbox.signal("TERM");
    let status = sandbox.exit_within(Duration::from_secs(5));
    let took = signalled.elapsed();
    eprintln!("ended {took:?} after the second signal");
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(
        took < Duration::from_millis(500),
        "ended {took:?} after the second signal"
    );
}
