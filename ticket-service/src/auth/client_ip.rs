//! The address of the person behind a request: the TCP peer, or, when the peer is one of the
//! configured `trusted_proxies`, the address that proxy wrote in `X-Forwarded-For`. Without
//! trusted proxies the header is ignored, so nobody can choose the address the login limit
//! and the audit log see.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::error::AppError;
use crate::state::AppState;

/// The client's address, as the per-address limits and the audit log use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
            .ok_or(AppError::BadForm)?;
        Ok(ClientIp(resolve(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

/// Walks `X-Forwarded-For` from the right, past the trusted proxies: the first address that
/// is not one of them is the client. Entries left of it could be written by anyone and are
/// never read. An entry that is not an address stops the walk at the last trusted hop.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.contains(&ip.to_canonical());
    let peer = peer.to_canonical();
    if !is_trusted(peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut candidate = peer;
    for hop in forwarded.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            return candidate;
        };
        let ip = ip.to_canonical();
        candidate = ip;
        if !is_trusted(ip) {
            return ip;
        }
    }
    candidate
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(resolve(ip("127.0.0.1"), &headers, &[]), ip("127.0.0.1"));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client() {
        let headers = forwarded(&["203.0.113.7"]);
        let trusted = [ip("10.0.0.1")];
        assert_eq!(
            resolve(ip("198.51.100.2"), &headers, &trusted),
            ip("198.51.100.2")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.1")];
        // The client wrote a fake first entry; the proxies appended what they saw.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7", "10.0.0.1"]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve(
                ip("::ffff:127.0.0.1"),
                &forwarded(&["203.0.113.9"]),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(
            resolve(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            resolve(
                ip("127.0.0.1"),
                &forwarded(&["203.0.113.7, junk"]),
                &trusted
            ),
            ip("127.0.0.1")
        );
    }
}
