//! Entry point: parse the command line, set up logging, run.

use clap::Parser;
use mentoring_api::cli::{self, Cli};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    mentoring_api::startup::limit_malloc_arenas();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match cli::run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
