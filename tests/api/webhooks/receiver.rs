//! A real HTTP receiver for webhook tests: answers each push with the next scripted answer (the
//! last one repeats) and records what arrived.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

/// How the receiver answers one push.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<u64>,
}

/// `status` without `Retry-After`.
pub const fn status(status: u16) -> Answer {
    Answer {
        status,
        retry_after: None,
    }
}

/// One push as received.
#[derive(Debug, Clone)]
pub struct Call {
    pub webhook_id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    pub at: Instant,
    pub answered: u16,
}

impl Call {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the push is JSON")
    }
}

#[derive(Default)]
struct State {
    script: Vec<Answer>,
    calls: Vec<Call>,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

fn header(req: &HttpRequest, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn receive(req: HttpRequest, body: String, state: web::Data<Mutex<State>>) -> HttpResponse {
    let mut state = state.lock().unwrap();
    let answer = if state.script.len() > 1 {
        state.script.remove(0)
    } else {
        state.script[0]
    };
    state.calls.push(Call {
        webhook_id: header(&req, "webhook-id"),
        timestamp: header(&req, "webhook-timestamp"),
        signature: header(&req, "webhook-signature"),
        body,
        at: Instant::now(),
        answered: answer.status,
    });
    let mut response =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(answer.status).unwrap());
    if let Some(seconds) = answer.retry_after {
        response.insert_header(("Retry-After", seconds.to_string()));
    }
    response.finish()
}

impl Receiver {
    /// Starts a receiver on a free loopback port answering with `script`.
    pub fn start(script: &[Answer]) -> Self {
        let state = Arc::new(Mutex::new(State {
            script: script.to_vec(),
            calls: Vec::new(),
        }));
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("receiver binds");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/mentoring"),
            state,
            handle,
        }
    }

    /// Answers from now on with `script`.
    pub fn answer(&self, script: &[Answer]) {
        self.state.lock().unwrap().script = script.to_vec();
    }

    /// What arrived so far.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Waits (up to 20 s) until at least `n` pushes arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Call> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let calls = self.calls();
            if calls.len() >= n {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} pushes, got {}: {calls:?}",
                calls.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops listening.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}
