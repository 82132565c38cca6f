//! Fetching a JWKS over http(s): the one network edge of jwtctl.
//!
//! Blocking `ureq` with rustls on the aws-lc-rs provider (the crypto library jsonwebtoken
//! already uses, so the binary carries one), Mozilla's roots (webpki-roots), bounded time and
//! bounded size. Proxies follow the usual `HTTPS_PROXY`/`NO_PROXY` variables (ureq reads them).

use super::Fetch;
use std::sync::Arc;
use std::time::Duration;

/// Largest JWKS document accepted. Real ones are a few KiB.
pub(crate) const MAX_BODY: u64 = 1024 * 1024;

/// How long to wait for a connection, and for each of the response head and body.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(10);

/// Redirects followed (identity providers move their JWKS behind a redirect now and then).
const MAX_REDIRECTS: u32 = 5;

/// A [`Fetch`] over the network.
pub(crate) struct HttpFetch {
    agent: ureq::Agent,
}

impl HttpFetch {
    /// An agent with jwtctl's limits.
    pub(crate) fn new() -> Self {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(ureq::tls::RootCerts::WebPki)
            .unversioned_rustls_crypto_provider(provider)
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_connect(Some(TIMEOUT))
            .timeout_recv_response(Some(TIMEOUT))
            .timeout_recv_body(Some(TIMEOUT))
            .timeout_global(Some(TIMEOUT * 3))
            .max_redirects(MAX_REDIRECTS)
            // A 404 is reported with its status below, not as a transport error.
            .http_status_as_error(false)
            .user_agent(concat!("jwtctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        HttpFetch { agent }
    }
}

impl Default for HttpFetch {
    fn default() -> Self {
        HttpFetch::new()
    }
}

impl Fetch for HttpFetch {
    fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let failed = |why: String| format!("cannot fetch the JWKS from {url}: {why}");
        let mut response = self
            .agent
            .get(url)
            .header("Accept", "application/jwk-set+json, application/json")
            .call()
            .map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!("HTTP {status}")));
        }
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => failed(format!(
                    "the response is larger than {} KiB; a JWKS is a few KiB",
                    MAX_BODY / 1024
                )),
                other => failed(other.to_string()),
            })
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

    #[test]
    fn fetches_a_body() {
        let (url, server) = serve_once(http("200 OK", br#"{"keys":[]}"#));
        assert_eq!(HttpFetch::new().get(&url).unwrap(), br#"{"keys":[]}"#);
        server.join().unwrap();
    }

    #[test]
    fn reports_http_errors_with_their_status() {
        let (url, server) = serve_once(http("404 Not Found", b"nope"));
        let err = HttpFetch::new().get(&url).unwrap_err();
        assert!(err.contains("404") && err.contains(&url), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn refuses_oversized_bodies() {
        let big = vec![b' '; MAX_BODY as usize + 10];
        let (url, server) = serve_once(http("200 OK", &big));
        let err = HttpFetch::new().get(&url).unwrap_err();
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
        let err = HttpFetch::new().get(&url).unwrap_err();
        assert!(err.contains("cannot fetch"), "{err}");
        server.join().unwrap();
    }
}
