//! The client's address, for throttles: the peer address, or behind a trusted reverse proxy
//! (`TRUSTED_PROXIES`) the nearest address in `X-Forwarded-For` that is not itself a trusted
//! proxy. An untrusted peer cannot choose its address by sending the header.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::config::Settings;

/// The client address as text (empty when the peer address is unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The client behind `peer`, given the `X-Forwarded-For` values and the trusted proxies.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    // Right to left: each trusted proxy appended the address it received the request from.
    Some(
        hops.iter()
            .rev()
            .find(|hop| !trusted.contains(hop))
            .or(hops.first())
            .copied()
            .unwrap_or(peer),
    )
}

impl FromRequest for ClientAddress {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = req
            .app_data::<web::Data<Settings>>()
            .map(|s| s.trusted_proxies.as_slice())
            .unwrap_or_default();
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = client_ip(req.peer_addr().map(|a| a.ip()), &forwarded, trusted);
        std::future::ready(Ok(ClientAddress(
            ip.map(|ip| ip.to_string()).unwrap_or_default(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let got = client_ip(Some(ip("203.0.113.9")), &["1.2.3.4"], &[ip("10.0.0.1")]);
        assert_eq!(got, Some(ip("203.0.113.9")));
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let got = client_ip(
            Some(ip("10.0.0.1")),
            &["6.6.6.6, 198.51.100.4", "10.0.0.2"],
            &trusted,
        );
        assert_eq!(
            got,
            Some(ip("198.51.100.4")),
            "the spoofed first hop is ignored"
        );
        let only_proxies = client_ip(Some(ip("10.0.0.1")), &["10.0.0.2"], &trusted);
        assert_eq!(only_proxies, Some(ip("10.0.0.2")));
        let no_header = client_ip(Some(ip("10.0.0.1")), &[], &trusted);
        assert_eq!(no_header, Some(ip("10.0.0.1")));
    }
}
