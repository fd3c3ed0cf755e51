//! The baseline for `bench/run`: the smallest actix-web server answering `GET /health/live`
//! with the same JSON the service returns, same release profile, same worker count.

use actix_web::{App, HttpResponse, HttpServer, get};

#[get("/health/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8081".to_owned());
    let workers = std::env::var("HTTP_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(2);
    // Like the service: port 0 picks a free port, announced with the pid for bench/run.
    let listener = std::net::TcpListener::bind(addr)?;
    println!(
        "listening on port {} (pid {})",
        listener.local_addr()?.port(),
        std::process::id()
    );
    HttpServer::new(|| App::new().service(live))
        .workers(workers)
        .listen(listener)?
        .run()
        .await
}
