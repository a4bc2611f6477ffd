//! The `kantelspel` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() {
    kantelspel::started();
    let cli = kantelspel::cli::Cli::parse();
    std::process::exit(kantelspel::cli::run(cli));
}
