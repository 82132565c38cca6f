//! Fetching a JWKS over https: the one network edge of jwtctl, and its transport policy.
//!
//! Blocking `ureq` with rustls on the aws-lc-rs provider (the crypto library jsonwebtoken
//! already uses, so the binary carries one), Mozilla's roots (webpki-roots), bounded time and
//! bounded size. Proxies follow the usual `HTTPS_PROXY`/`NO_PROXY` variables (ureq reads them).
//!
//! The policy: https only; plain http only to a loopback address (with a warning) or with
//! `--allow-insecure-jwks-http`; redirects followed by hand, only within the same origin (so
//! never from https to http); the URL's userinfo and query are redacted in every message.

use super::{Fetch, FetchError};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use ureq::http::Uri;

/// Largest JWKS document accepted. Real ones are a few KiB.
pub(crate) const MAX_BODY: u64 = 1024 * 1024;

/// How long to wait for a connection, and for each of the response head and body.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(10);

/// Redirects followed (identity providers move their JWKS behind a redirect now and then).
const MAX_REDIRECTS: u32 = 5;

/// The URL for messages: userinfo and query (which may carry credentials such as
/// `?api_key=`) replaced by `…`. Unparseable text is redacted from its first `@` or `?`.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = match authority.rsplit_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => authority.to_owned(),
    };
    let path = match tail.find(['?', '#']) {
        Some(i) => format!("{}?…", &tail[..i]),
        None => tail.to_owned(),
    };
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

/// How a JWKS URL may be fetched under the transport policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// https.
    Https,
    /// Plain http to a loopback address (a local test issuer): allowed, with a warning.
    LoopbackHttp,
    /// Plain http elsewhere, allowed by `--allow-insecure-jwks-http`.
    InsecureHttp,
}

/// Whether `host` (as in a URL: IPv6 in brackets) is a loopback address or `localhost`.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Judge `url` under the transport policy. Refusals are [`FetchError::Refused`].
pub(crate) fn transport(url: &str, allow_insecure_http: bool) -> Result<Transport, FetchError> {
    let shown = redact(url);
    let uri: Uri = url
        .parse()
        .map_err(|_| FetchError::Usage(format!("--jwks: {shown} is not a URL")))?;
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") => Ok(Transport::Https),
        Some("http") if is_loopback(host) => Ok(Transport::LoopbackHttp),
        Some("http") if allow_insecure_http => Ok(Transport::InsecureHttp),
        Some("http") => Err(FetchError::Refused(format!(
            "refusing the JWKS at {shown}: plain http lets anyone on the path swap the keys and \
             forge tokens that verify; use https (plain http is taken only from a loopback \
             address, or with --allow-insecure-jwks-http)"
        ))),
        _ => Err(FetchError::Usage(format!(
            "--jwks needs an https:// URL, got {shown}"
        ))),
    }
}

/// Scheme, host and port: the origin a redirect must stay within.
fn origin(uri: &Uri) -> Option<(String, String, u16)> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default = if scheme == "https" { 443 } else { 80 };
    Some((
        scheme,
        uri.host()?.to_ascii_lowercase(),
        uri.port_u16().unwrap_or(default),
    ))
}

/// Where a redirect from `from` to `location` leads, if it stays within `from`'s origin.
pub(crate) fn redirect_target(from: &str, location: &str) -> Result<String, FetchError> {
    let refused = |why: &str| {
        FetchError::Refused(format!(
            "refusing the JWKS redirect from {} to {}: {why}",
            redact(from),
            redact(location)
        ))
    };
    let base: Uri = from.parse().map_err(|_| refused("not a URL"))?;
    let target = if location.contains("://") {
        location.to_owned()
    } else if location.starts_with("//") {
        format!("{}:{location}", base.scheme_str().unwrap_or("https"))
    } else {
        let authority = base.authority().map(|a| a.as_str()).unwrap_or_default();
        let path = if location.starts_with('/') {
            location.to_owned()
        } else {
            let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
            format!("{dir}/{location}")
        };
        format!(
            "{}://{authority}{path}",
            base.scheme_str().unwrap_or("https")
        )
    };
    let uri: Uri = target.parse().map_err(|_| refused("not a URL"))?;
    if uri.scheme_str() == Some("http") && base.scheme_str() == Some("https") {
        return Err(refused(
            "a redirect from https to plain http is never followed",
        ));
    }
    if origin(&uri).is_none() || origin(&uri) != origin(&base) {
        return Err(refused(
            "redirects are followed only within the same origin (scheme, host and port)",
        ));
    }
    Ok(target)
}

/// A [`Fetch`] over the network.
pub(crate) struct HttpFetch {
    agent: ureq::Agent,
}

impl HttpFetch {
    /// An agent with jwtctl's limits.
    pub(crate) fn new() -> Self {
        HttpFetch::with_timeout(TIMEOUT)
    }

    /// An agent waiting at most `timeout` for each step.
    pub(crate) fn with_timeout(timeout: Duration) -> Self {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(ureq::tls::RootCerts::WebPki)
            .unversioned_rustls_crypto_provider(provider)
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_recv_body(Some(timeout))
            .timeout_global(Some(timeout * 3))
            // Redirects are followed by hand, each judged by `redirect_target`.
            .max_redirects(0)
            // A 404 is reported with its status below, not as a transport error.
            .http_status_as_error(false)
            .user_agent(concat!("jwtctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        HttpFetch { agent }
    }

    fn get_once(&self, url: &str) -> Result<Hop, FetchError> {
        let shown = redact(url);
        let failed = |why: String| {
            FetchError::Io(format!(
                "cannot fetch the JWKS from {shown}: {}",
                why.replace(url, &shown)
            ))
        };
        let https = url.starts_with("https://");
        let mut response = self
            .agent
            .get(url)
            .config()
            .https_only(https)
            .build()
            .header("Accept", "application/jwk-set+json, application/json")
            .call()
            .map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| failed(format!("HTTP {status} without a Location")))?;
            return Ok(Hop::Redirect(redirect_target(url, location)?));
        }
        if !status.is_success() {
            return Err(failed(format!("HTTP {status}")));
        }
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map(Hop::Body)
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => failed(format!(
                    "the response is larger than {} KiB; a JWKS is a few KiB",
                    MAX_BODY / 1024
                )),
                other => failed(other.to_string()),
            })
    }
}

/// One request's outcome.
enum Hop {
    Body(Vec<u8>),
    Redirect(String),
}

impl Default for HttpFetch {
    fn default() -> Self {
        HttpFetch::new()
    }
}

impl Fetch for HttpFetch {
    fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        self.fetch(url).map_err(|e| e.to_string())
    }

    fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            match self.get_once(&current)? {
                Hop::Body(body) => return Ok(body),
                Hop::Redirect(next) => current = next,
            }
        }
        Err(FetchError::Io(format!(
            "cannot fetch the JWKS from {}: more than {MAX_REDIRECTS} redirects",
            redact(url)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Serve one canned HTTP response on 127.0.0.1; returns the URL.
    fn serve_once(response: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&response);
        });
        (url, handle)
    }

    fn http(status: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    }

    /// Serve `responses` in turn, one per connection, on 127.0.0.1; returns the origin
    /// (`http://127.0.0.1:PORT`) and a handle giving the request lines seen.
    fn serve(responses: Vec<Vec<u8>>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for response in responses {
                let (mut stream, _) = listener.accept().unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut request = [0u8; 4096];
                let n = stream.read(&mut request).unwrap_or(0);
                let text = String::from_utf8_lossy(&request[..n]).into_owned();
                seen.push(text.lines().next().unwrap_or_default().to_owned());
                let _ = stream.write_all(&response);
            }
            seen
        });
        (origin, handle)
    }

    fn redirect(location: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn redaction_hides_userinfo_and_query() {
        for (url, shown) in [
            (
                "https://user:pw@idp.example/jwks.json?api_key=k",
                "https://…@idp.example/jwks.json?…",
            ),
            ("http://127.0.0.1:8/a#frag", "http://127.0.0.1:8/a?…"),
            ("https://idp.example", "https://idp.example"),
            ("not a url?token=x", "not a url?…"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn transport_policy() {
        use Transport::*;
        for (url, allow, want) in [
            ("https://idp.example/jwks", false, Ok(Https)),
            ("http://127.0.0.1:9/jwks", false, Ok(LoopbackHttp)),
            ("http://127.8.0.1/jwks", false, Ok(LoopbackHttp)),
            ("http://[::1]:9/jwks", false, Ok(LoopbackHttp)),
            ("http://localhost/jwks", false, Ok(LoopbackHttp)),
            ("http://idp.example/jwks", true, Ok(InsecureHttp)),
            ("http://idp.example/jwks", false, Err("refusing")),
            ("http://10.0.0.1/jwks", false, Err("refusing")),
            ("ftp://idp.example/jwks", false, Err("https://")),
        ] {
            match (transport(url, allow), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{url}"),
                (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{url}: {e}"),
                (got, _) => panic!("{url}: {got:?}"),
            }
        }
        assert!(matches!(
            transport("http://idp.example/j?api_key=s3cr3t", false),
            Err(FetchError::Refused(m)) if !m.contains("s3cr3t")
        ));
    }

    #[test]
    fn redirects_stay_within_the_origin() {
        let from = "https://idp.example/a/jwks.json";
        for (location, want) in [
            ("/b/jwks.json", Ok("https://idp.example/b/jwks.json")),
            ("keys.json", Ok("https://idp.example/a/keys.json")),
            ("https://idp.example:443/c", Ok("https://idp.example:443/c")),
            ("http://idp.example/a/jwks.json", Err("https to plain http")),
            ("https://idp.example:8443/a", Err("same origin")),
            ("https://evil.example/a", Err("same origin")),
            ("//evil.example/a", Err("same origin")),
        ] {
            match (redirect_target(from, location), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{location}"),
                (Err(FetchError::Refused(e)), Err(want)) => {
                    assert!(e.contains(want), "{location}: {e}")
                }
                (got, _) => panic!("{location}: {got:?}"),
            }
        }
    }

    #[test]
    fn a_same_origin_redirect_is_followed() {
        let (origin, server) = serve(vec![
            redirect("/moved/jwks.json"),
            http("200 OK", br#"{"keys":[]}"#),
        ]);
        let body = HttpFetch::new()
            .fetch(&format!("{origin}/jwks.json"))
            .unwrap();
        assert_eq!(body, br#"{"keys":[]}"#);
        assert_eq!(
            server.join().unwrap(),
            ["GET /jwks.json HTTP/1.1", "GET /moved/jwks.json HTTP/1.1"]
        );
    }

    #[test]
    fn a_redirect_to_another_port_is_refused_and_not_followed() {
        let (other, other_server) = serve(vec![http("200 OK", br#"{"keys":[]}"#)]);
        let (origin, server) = serve(vec![redirect(&format!("{other}/jwks.json?k=v"))]);
        let err = HttpFetch::new()
            .fetch(&format!("{origin}/jwks.json"))
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::Refused(m) if m.contains("same origin") && !m.contains("k=v")),
            "{err}"
        );
        assert_eq!(server.join().unwrap().len(), 1);
        // The other server was never contacted: connect to it once ourselves to end it.
        drop(std::net::TcpStream::connect(
            other.trim_start_matches("http://"),
        ));
        assert!(other_server.join().unwrap()[0].is_empty());
    }

    #[test]
    fn a_silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let started = std::time::Instant::now();
        let err = HttpFetch::with_timeout(Duration::from_millis(300))
            .fetch(&url)
            .unwrap_err();
        assert!(matches!(err, FetchError::Io(_)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        drop(listener);
    }

    #[test]
    fn messages_never_show_userinfo_or_query() {
        let (url, server) = serve_once(http("404 Not Found", b"nope"));
        let url = url.replace("http://", "http://admin:hunter2@") + "?api_key=s3cr3t";
        let err = HttpFetch::new().get(&url).unwrap_err();
        assert!(err.contains("404"), "{err}");
        assert!(!err.contains("hunter2") && !err.contains("s3cr3t"), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn fetches_a_body() {
        let (url, server) = serve_once(http("200 OK", br#"{"keys":[]}"#));
        assert_eq!(HttpFetch::new().get(&url).unwrap(), br#"{"keys":[]}"#);
        server.join().unwrap();
    }

    #[test]
    fn reports_http_errors_with_their_status() {
        let (url, server) = serve_once(http("404 Not Found", b"nope"));
        let err = HttpFetch::new().get(&url).unwrap_err().to_string();
        assert!(err.contains("404") && err.contains(&redact(&url)), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn refuses_oversized_bodies() {
        let big = vec![b' '; MAX_BODY as usize + 10];
        let (url, server) = serve_once(http("200 OK", &big));
        let err = HttpFetch::new().get(&url).unwrap_err().to_string();
        assert!(err.contains("larger than 1024 KiB"), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn a_closed_port_is_an_error_not_a_hang() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = HttpFetch::new()
            .get(&format!("http://127.0.0.1:{port}/jwks.json"))
            .unwrap_err();
        assert!(err.contains("cannot fetch"), "{err}");
    }

    #[test]
    fn https_uses_the_aws_lc_rs_provider_without_panicking() {
        // No TLS server here: the handshake must fail as an error (plain HTTP answer), which
        // proves the TLS config builds with our provider instead of panicking for lack of one.
        let (url, server) = serve_once(http("200 OK", b"{}"));
        let url = url.replace("http://", "https://");
        let err = HttpFetch::new().get(&url).unwrap_err().to_string();
        assert!(err.contains("cannot fetch"), "{err}");
        server.join().unwrap();
    }
}
