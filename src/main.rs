//! Entry point: parse the command line, set up logging, run.

use clap::Parser;
use mentoring_api::cli::{self, Cli};
use mentoring_api::observability::logging::{self, LogFormat};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    mentoring_api::startup::limit_malloc_arenas();
    match LogFormat::from_env() {
        Ok(format) => logging::init(format),
        Err(error) => {
            eprintln!("error: {error}");
            return std::process::ExitCode::FAILURE;
        }
    }
    match cli::run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
