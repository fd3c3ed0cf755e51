//! One delivery attempt over HTTP: resolve the endpoint, refuse this service itself, sign the
//! message the Standard Webhooks way and judge the answer.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::http::header::HttpDate;
use chrono::Utc;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use url::{Host, Url};

use super::message::WebhookMessage;
use crate::db::models::webhook_deliveries::Due;
use crate::domain::webhooks::{Outcome, is_own_address, sign};

/// Identifies the sender to receivers.
const USER_AGENT: &str = concat!("mentoring-api-webhooks/", env!("CARGO_PKG_VERSION"));

/// Sends deliveries with a timeout, never to `own` (the service's listening address).
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    pub own: SocketAddr,
    pub timeout: Duration,
}

impl Sender {
    /// Tries `due` once; every failure becomes [`Outcome::Failed`] with its cause.
    /// `sister`: the sister programme whose event it is (`None`: the default programme).
    pub async fn send(&self, due: &Due, sister: Option<&str>) -> Outcome {
        self.try_send(due, sister)
            .await
            .unwrap_or_else(|error| Outcome::Failed {
                status: None,
                error,
                retry_after: None,
            })
    }

    async fn try_send(&self, due: &Due, sister: Option<&str>) -> Result<Outcome, String> {
        let url = Url::parse(&due.url).map_err(|e| format!("invalid URL: {e}"))?;
        let addresses = self.resolve(&url).await?;
        let mut client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.timeout)
            .timeout(self.timeout)
            .user_agent(USER_AGENT);
        if let Some(Host::Domain(name)) = url.host() {
            // Connect to exactly the addresses checked above (no second, different DNS answer).
            client = client.resolve_to_addrs(name, &addresses);
        }
        let client = client.build().map_err(|e| e.to_string())?;
        let message = WebhookMessage::of(&due.event);
        let body = serde_json::to_string(&message).map_err(|e| e.to_string())?;
        let msg_id = message.data.webhook_id(sister);
        let timestamp = Utc::now().timestamp();
        let signature = sign(&due.secret, &msg_id, timestamp, &body)?;
        let response = client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e.without_url()))?;
        let retry_after = retry_after(response.headers());
        Ok(Outcome::of_status(response.status().as_u16(), retry_after))
    }

    /// The endpoint's addresses, refusing any that is this service.
    async fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, String> {
        let port = url.port_or_known_default().unwrap_or(80);
        let addresses: Vec<SocketAddr> = match url.host() {
            Some(Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(Host::Domain(name)) => {
                tokio::time::timeout(self.timeout, tokio::net::lookup_host((name, port)))
                    .await
                    .map_err(|_| "name resolution timed out".to_owned())?
                    .map_err(|e| format!("name resolution failed: {e}"))?
                    .collect()
            }
            None => return Err("the URL has no host".to_owned()),
        };
        if addresses.is_empty() {
            return Err("the host name has no address".to_owned());
        }
        if addresses.iter().any(|a| is_own_address(*a, self.own)) {
            return Err("refused: the URL points to this service itself".to_owned());
        }
        Ok(addresses)
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        format!("cannot connect: {error}")
    } else {
        error.to_string()
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date: std::time::SystemTime = value.parse::<HttpDate>().ok()?.into();
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_is_read_as_seconds_or_date() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(120)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
