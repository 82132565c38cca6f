//! The JWKS transport policy, against loopback servers the tests start: https only (plain
//! http from a loopback address with a warning), redirects only within the origin, public keys
//! only, and the URL's userinfo and query never shown. One row per rule.

use super::{Session, ed25519};
use crate::support::b64;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Serve `responses` in turn, one per connection, on 127.0.0.1. Returns the origin and a
/// handle giving the number of requests served. The listener lives until the handle is
/// joined, so a connection that never comes is waited for at most the accept timeout.
fn serve(responses: Vec<String>) -> (String, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut served = 0;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        for response in responses {
            let mut stream = loop {
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) if std::time::Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    Err(_) => return served,
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(response.as_bytes());
            served += 1;
        }
        served
    });
    (origin, handle)
}

fn ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

fn redirect(location: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

#[test]
fn jwks_transport_rules() {
    let mut s = Session::new();
    let attacker = s.secret(b"attacker-chosen-hmac-key-0f3c9e2a7b14");
    let forged = super::hs256_with(&attacker, r#"{"alg":"HS256"}"#, r#"{"sub":"admin"}"#);
    let (x, sign) = ed25519();
    let token = sign(r#"{"alg":"EdDSA"}"#, r#"{"sub":"u"}"#);
    let public = format!(r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}]}}"#);

    let mut failed = Vec::new();
    let mut row = |why: &str, run: super::Outcome, code: i32, says: &str, never: &[&str]| {
        let all = format!("{}{}", run.stdout, run.stderr);
        if run.code != code || !all.contains(says) || never.iter().any(|n| all.contains(n)) {
            failed.push(format!("{why} (wants exit {code} and {says:?}):\n{run}"));
        }
    };

    // An attacker's symmetric key served over loopback http: refused, never VALID.
    let oct = format!(r#"{{"keys":[{{"kty":"oct","k":"{}"}}]}}"#, b64(&attacker));
    let (origin, server) = serve(vec![ok(&oct)]);
    let run = s
        .verify(["--jwks", &format!("{origin}/jwks.json"), &forged])
        .run();
    row("oct key in a fetched JWKS", run, 5, "public keys only", &[]);
    server.join().unwrap();

    // A private member in a fetched JWKS.
    let private = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"{}"}}]}}"#,
        b64([7u8; 32])
    );
    let (origin, server) = serve(vec![ok(&private)]);
    let run = s
        .verify(["--jwks", &format!("{origin}/jwks.json"), &token])
        .run();
    row("private member `d`", run, 5, "private member `d`", &[]);
    server.join().unwrap();

    // Loopback http: taken, with a warning.
    let (origin, server) = serve(vec![ok(&public)]);
    let run = s
        .verify(["--jwks", &format!("{origin}/jwks.json"), &token])
        .run();
    row("loopback http", run, 0, "warning: the JWKS at", &[]);
    server.join().unwrap();

    // Plain http elsewhere: refused before any connection (a name that never resolves).
    let run = s
        .verify(["--jwks", "http://jwks.invalid/keys", &token])
        .run();
    row("http to a non-loopback host", run, 5, "use https", &[]);

    // A redirect to another port (another origin) is not followed.
    let (other, other_server) = serve(vec![ok(&public)]);
    let (origin, server) = serve(vec![redirect(&format!("{other}/jwks.json"))]);
    let run = s
        .verify(["--jwks", &format!("{origin}/jwks.json"), &token])
        .run();
    row("redirect to another port", run, 5, "same origin", &[]);
    server.join().unwrap();
    drop(std::net::TcpStream::connect(
        other.trim_start_matches("http://"),
    ));
    other_server.join().unwrap();

    // A redirect within the origin is followed.
    let (origin, server) = serve(vec![redirect("/v2/jwks.json"), ok(&public)]);
    let run = s
        .verify(["--jwks", &format!("{origin}/jwks.json"), &token])
        .run();
    row("same-origin redirect", run, 0, "Verdict: VALID", &[]);
    server.join().unwrap();

    // Userinfo and query never appear in a message.
    let (origin, server) = serve(vec![
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    ]);
    let url = origin.replace("http://", "http://ops:hunter2-pw@") + "/jwks.json?api_key=k-8c1f";
    let run = s.verify(["--jwks", &url, &token]).run();
    row(
        "credentials in the URL",
        run,
        7,
        "HTTP 404",
        &["hunter2-pw", "k-8c1f", "ops:"],
    );
    server.join().unwrap();
    let oct_url = "http://ops:hunter2-pw@jwks.invalid/jwks.json?api_key=k-8c1f";
    let run = s.verify(["--jwks", oct_url, &token]).run();
    row(
        "credentials in a refused URL",
        run,
        5,
        "refusing",
        &["hunter2-pw", "k-8c1f"],
    );

    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
