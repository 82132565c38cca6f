//! `mint --audit-forward`: each record, once synced, to syslog (RFC 5424) over UDP or TCP, to
//! a loopback listener and to a real rsyslogd that the test starts; failures warn, or withhold
//! the token with `--audit-forward-required`.

use crate::mint::{Lab, sha256};
use crate::support::text;
use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, UdpSocket};
use std::time::{Duration, Instant};

fn last_line(lab: &Lab) -> String {
    std::fs::read_to_string(lab.log())
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned()
}

#[track_caller]
fn assert_message(message: &str, seq: u64, line: &str) {
    assert!(message.starts_with("<85>1 "), "{message}");
    let sd = format!("[jwtctl@32473 seq=\"{seq}\" hash=\"{}\"] ", sha256(line));
    assert!(message.contains(" jwtctl "), "{message}");
    assert!(message.contains(&format!(" mint {sd}")), "{message}");
    assert!(message.ends_with(line), "{message}");
}

#[test]
fn records_go_to_a_udp_listener() {
    let lab = Lab::new();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let to = format!("udp:{}", socket.local_addr().unwrap());
    lab.mint()
        .args(["--claim", "sub=a", "--exp", "1h", "--audit-forward", &to])
        .assert()
        .code(0);
    let mut buf = vec![0; 70_000];
    let n = socket.recv(&mut buf).unwrap();
    assert_message(&text(&buf[..n]), 1, &last_line(&lab));
}

#[test]
fn records_go_to_a_local_datagram_socket() {
    let lab = Lab::new();
    let path = lab.dir.path().join("log.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    lab.mint()
        .args(["--claim", "sub=a", "--exp", "1h", "--audit-forward"])
        .arg(format!("unix:{}", path.display()))
        .assert()
        .code(0);
    let mut buf = vec![0; 70_000];
    let n = socket.recv(&mut buf).unwrap();
    assert_message(&text(&buf[..n]), 1, &last_line(&lab));
}

/// Reads octet-counted frames (RFC 6587) until the peer closes.
fn frames(stream: impl Read) -> Vec<String> {
    let mut reader = BufReader::new(stream);
    let mut out = Vec::new();
    loop {
        let mut len = Vec::new();
        if reader.read_until(b' ', &mut len).unwrap() == 0 {
            return out;
        }
        let len: usize = text(&len).trim().parse().unwrap();
        let mut message = vec![0; len];
        reader.read_exact(&mut message).unwrap();
        out.push(text(&message));
    }
}

#[test]
fn a_batch_goes_to_a_tcp_listener_one_framed_message_per_record() {
    let lab = Lab::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let to = format!("tcp:{}", listener.local_addr().unwrap());
    let reader = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        frames(stream)
    });
    let input: String = (0..3)
        .map(|i| {
            crate::mint::signed(crate::mint::OLD_SECRET, &format!(r#"{{"sub":"u{i}"}}"#)) + "\n"
        })
        .collect();
    lab.mint()
        .args([
            "--from",
            "-",
            "--unverified-source",
            "--exp",
            "1h",
            "--audit-forward",
            &to,
        ])
        .write_stdin(input)
        .assert()
        .code(0);
    let messages = reader.join().unwrap();
    let lines: Vec<String> = std::fs::read_to_string(lab.log())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(messages.len(), 3);
    for (i, (message, line)) in messages.iter().zip(&lines).enumerate() {
        assert_message(message, i as u64 + 1, line);
    }
}

#[test]
fn a_collector_that_is_down_warns_or_withholds_the_token() {
    let lab = Lab::new();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let to = format!("tcp:{}", closed.local_addr().unwrap());
    drop(closed);
    let assert = lab
        .mint()
        .args(["--claim", "sub=a", "--exp", "1h", "--audit-forward", &to])
        .assert()
        .code(0);
    assert!(
        !assert.get_output().stdout.is_empty(),
        "the token is released"
    );
    let stderr = text(&assert.get_output().stderr);
    assert!(
        stderr.contains("warning:") && stderr.contains("not forwarded"),
        "{stderr}"
    );

    let assert = lab
        .mint()
        .args(["--claim", "sub=b", "--exp", "1h", "--audit-forward", &to])
        .arg("--audit-forward-required")
        .assert()
        .code(6);
    assert!(
        assert.get_output().stdout.is_empty(),
        "the token is withheld"
    );
    let stderr = text(&assert.get_output().stderr);
    assert!(stderr.contains("token withheld"), "{stderr}");
    assert_eq!(lab.records().len(), 2, "the record is kept locally");

    let assert = lab
        .mint()
        .args(["--claim", "sub=c", "--audit-forward", "smtp:x"])
        .assert()
        .code(2);
    assert!(text(&assert.get_output().stderr).contains("--audit-forward expects"));
}

/// A real rsyslogd, started here on a loopback port, receives and stores the record.
#[test]
fn a_real_rsyslogd_stores_the_forwarded_record() {
    let Some(rsyslogd) = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: rsyslogd is not installed (.ci/run installs the rsyslog package)"
        );
        return;
    };
    let lab = Lab::new();
    let dir = lab.dir.path();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = dir.join("collected.log");
    let config = format!(
        "global(workDirectory=\"{dir}\")\n\
         module(load=\"imtcp\")\n\
         input(type=\"imtcp\" address=\"127.0.0.1\" port=\"{port}\")\n\
         template(name=\"raw\" type=\"string\" string=\"%msgid% %structured-data% %msg%\\n\")\n\
         action(type=\"omfile\" file=\"{out}\" template=\"raw\")\n",
        dir = dir.display(),
        out = out.display(),
    );
    let config_path = lab.file("rsyslog.conf", config);
    let mut daemon = std::process::Command::new(rsyslogd)
        .arg("-n")
        .arg("-f")
        .arg(&config_path)
        .arg("-i")
        .arg(dir.join("rsyslogd.pid"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = daemon.try_wait() {
            let mut why = String::new();
            let _ = daemon.stderr.take().unwrap().read_to_string(&mut why);
            panic!("rsyslogd exited ({status}): {why}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "rsyslogd did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let _daemon = Kill(daemon);
    lab.mint()
        .args(["--claim", "sub=a", "--exp", "1h", "--audit-forward"])
        .arg(format!("tcp:127.0.0.1:{port}"))
        .arg("--audit-forward-required")
        .assert()
        .code(0);
    let line = last_line(&lab);
    let want = format!("mint [jwtctl@32473 seq=\"1\" hash=\"{}\"]", sha256(&line));
    let started = Instant::now();
    loop {
        let got = std::fs::read_to_string(&out).unwrap_or_default();
        if got.contains(&want) && got.contains(&line) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "collected: {got:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
