//! `--audit-forward`: each audit record, once synced locally, sent to syslog as an RFC 5424
//! message, so a collector holds a copy that an operator of this machine cannot rewrite.
//!
//! The message is `<85>1 TIME HOST jwtctl PID mint [jwtctl@32473 seq="N" hash="sha256:…"]
//! RECORD`: facility authpriv, severity notice; the structured data carries the record's
//! sequence number and line hash (its checkpoint); the message is the record line itself.
//! Over TCP, messages are framed by octet counting (RFC 6587), which rsyslog, syslog-ng and
//! most collectors read. The framing is written here: the `syslog` crate neither frames TCP
//! nor bounds its connect time, and a mint must never hang on a collector.

use super::error::MintFailure;
use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::sync::PoisonError;
use std::time::Duration;

/// How long connecting to or writing to a collector may take.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The structured-data id: `jwtctl` at the private enterprise number reserved for
/// documentation (RFC 5612).
const SD_ID: &str = "jwtctl@32473";

/// Where records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Destination {
    /// A local datagram socket (`/dev/log` by default).
    Unix(String),
    /// `host:port` over UDP.
    Udp(String),
    /// `host:port` over TCP.
    Tcp(String),
}

impl Destination {
    /// Parses `unix`, `unix:PATH`, `udp:HOST:PORT` or `tcp:HOST:PORT`.
    pub(super) fn parse(text: &str) -> Result<Destination, String> {
        let (scheme, rest) = text.split_once(':').unwrap_or((text, ""));
        let host_port = |rest: &str| {
            if rest
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
            {
                Ok(rest.to_owned())
            } else {
                Err(format!(
                    "--audit-forward {scheme}: expects HOST:PORT, e.g. {scheme}:127.0.0.1:514"
                ))
            }
        };
        match scheme {
            "unix" if rest.is_empty() => Ok(Destination::Unix("/dev/log".into())),
            "unix" => Ok(Destination::Unix(rest.into())),
            "udp" => host_port(rest).map(Destination::Udp),
            "tcp" => host_port(rest).map(Destination::Tcp),
            _ => Err(
                "--audit-forward expects unix, unix:PATH, udp:HOST:PORT or tcp:HOST:PORT".into(),
            ),
        }
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Unix(path) => write!(f, "unix:{path}"),
            Destination::Udp(to) => write!(f, "udp:{to}"),
            Destination::Tcp(to) => write!(f, "tcp:{to}"),
        }
    }
}

/// What every message of a run shares.
pub(super) struct Origin {
    /// RFC 3339 time of the run.
    pub(super) time: String,
    /// The host name (`-` when unknown).
    pub(super) host: String,
    /// The process id.
    pub(super) pid: u32,
}

/// One RFC 5424 message for a record.
pub(super) fn message(
    origin: &Origin,
    msgid: &str,
    seq: u64,
    hash: &str,
    record: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(record.len() + 200);
    let host: String = origin
        .host
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    let host = if host.is_empty() {
        "-".to_owned()
    } else {
        host
    };
    let _ = write!(
        out,
        "<85>1 {} {host} jwtctl {} {msgid} [{SD_ID} seq=\"{seq}\" hash=\"{}\"] ",
        origin.time,
        origin.pid,
        sd_escape(hash)
    );
    out.extend_from_slice(record);
    out
}

/// A structured-data parameter value: `"`, `\` and `]` escaped (RFC 5424 §6.3.3).
fn sd_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An open connection to the collector.
pub(super) enum Sender {
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixDatagram),
    Udp(UdpSocket),
    Tcp(TcpStream),
}

impl Sender {
    /// Connects to `to` within [`TIMEOUT`].
    pub(super) fn connect(to: &Destination) -> io::Result<Sender> {
        match to {
            #[cfg(unix)]
            Destination::Unix(path) => {
                let socket = std::os::unix::net::UnixDatagram::unbound()?;
                socket.connect(path)?;
                socket.set_write_timeout(Some(TIMEOUT))?;
                Ok(Sender::Unix(socket))
            }
            #[cfg(not(unix))]
            Destination::Unix(_) => Err(io::Error::other("no local syslog socket on this system")),
            Destination::Udp(to) => {
                let addr = resolve(to)?;
                let local = if addr.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                let socket = UdpSocket::bind(local)?;
                socket.connect(addr)?;
                Ok(Sender::Udp(socket))
            }
            Destination::Tcp(to) => {
                let stream = TcpStream::connect_timeout(&resolve(to)?, TIMEOUT)?;
                stream.set_write_timeout(Some(TIMEOUT))?;
                Ok(Sender::Tcp(stream))
            }
        }
    }

    /// Sends one message.
    pub(super) fn send(&mut self, message: &[u8]) -> io::Result<()> {
        match self {
            #[cfg(unix)]
            Sender::Unix(socket) => socket.send(message).map(drop),
            Sender::Udp(socket) => socket.send(message).map(drop),
            Sender::Tcp(stream) => {
                let mut framed = Vec::with_capacity(message.len() + 8);
                let _ = write!(framed, "{} ", message.len());
                framed.extend_from_slice(message);
                stream.write_all(&framed)?;
                stream.flush()
            }
        }
    }
}

/// The run's forwarding: destination, connection (opened at the first record), and what to do
/// on failure.
pub(super) struct Forwarder {
    pub(super) to: Destination,
    pub(super) origin: Origin,
    /// A failure is fatal (`--audit-forward-required`).
    pub(super) required: bool,
    pub(super) sender: std::sync::Mutex<Option<Sender>>,
    /// The first failure, when not fatal, for the warning at the end of the run.
    pub(super) failed: std::sync::Mutex<Option<(u64, String)>>,
}

impl Forwarder {
    /// The message for one record.
    pub(super) fn message(&self, seq: u64, hash: &str, line: &[u8]) -> (u64, Vec<u8>) {
        (seq, message(&self.origin, "mint", seq, hash, line))
    }

    /// Sends the messages, reconnecting once after a failure; a failure is returned when
    /// required, else kept for [`Forwarder::warning`].
    pub(super) fn send_all(&self, messages: &[(u64, Vec<u8>)]) -> Result<(), MintFailure> {
        let mut sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        for (seq, message) in messages {
            let mut tried = 0;
            let result = loop {
                tried += 1;
                let sent = match sender.as_mut() {
                    Some(s) => s.send(message),
                    None => Sender::connect(&self.to).and_then(|mut s| {
                        let sent = s.send(message);
                        *sender = Some(s);
                        sent
                    }),
                };
                match sent {
                    Ok(()) => break Ok(()),
                    Err(e) if tried < 2 => {
                        let _ = e;
                        *sender = None;
                    }
                    Err(e) => break Err(e),
                }
            };
            if let Err(e) = result {
                *sender = None;
                if self.required {
                    return Err(MintFailure::Forward {
                        to: self.to.to_string(),
                        seq: *seq,
                        why: e.to_string(),
                    });
                }
                let mut failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
                failed.get_or_insert((*seq, e.to_string()));
            }
        }
        Ok(())
    }

    /// The warning for a failure that was not fatal, once per run.
    pub(super) fn warning(&self) -> Option<String> {
        let failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
        failed.as_ref().map(|(seq, why)| {
            format!(
                "audit record #{seq} (and maybe later ones) was not forwarded to {}: {why}; \
                 it is in the local log only (--audit-forward-required makes this fatal)",
                self.to
            )
        })
    }
}

fn resolve(to: &str) -> io::Result<std::net::SocketAddr> {
    to.to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::other(format!("{to} resolves to no address")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        assert_eq!(
            Destination::parse("unix"),
            Ok(Destination::Unix("/dev/log".into()))
        );
        assert_eq!(
            Destination::parse("unix:/run/x"),
            Ok(Destination::Unix("/run/x".into()))
        );
        assert_eq!(
            Destination::parse("tcp:127.0.0.1:514"),
            Ok(Destination::Tcp("127.0.0.1:514".into()))
        );
        assert_eq!(
            Destination::parse("udp:[::1]:514"),
            Ok(Destination::Udp("[::1]:514".into()))
        );
        for bad in ["", "tcp", "tcp:host", "udp::514", "tcp:h:99999", "http://x"] {
            assert!(Destination::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_message_is_rfc5424_with_seq_and_hash_as_structured_data() {
        let origin = Origin {
            time: "2026-01-02T03:04:05Z".into(),
            host: "build 7".into(),
            pid: 42,
        };
        let hash = format!("sha256:{}", "ab".repeat(32));
        let text = String::from_utf8(message(&origin, "mint", 9, &hash, b"{\"v\":1}")).unwrap();
        assert_eq!(
            text,
            format!(
                "<85>1 2026-01-02T03:04:05Z build7 jwtctl 42 mint [jwtctl@32473 seq=\"9\" hash=\"{hash}\"] {{\"v\":1}}"
            )
        );
        assert_eq!(sd_escape(r#"a"b\c]"#), r#"a\"b\\c\]"#);
    }
}
