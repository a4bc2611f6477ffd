//! Puts the commit the program is built from into `kantelspel --version`: `KANTELSPEL_COMMIT`
//! when the packaging sets it, else what git says, else "unknown" (a source archive).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=KANTELSPEL_COMMIT");
    let given = std::env::var("KANTELSPEL_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let commit = given.clone().or_else(|| {
        let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
        let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some();
        Some(if dirty {
            format!("{hash}-modified")
        } else {
            hash
        })
    });
    // An optimised build follows every commit. A test build does not: it would relink every
    // test binary after each commit for a line only `--version` prints.
    if given.is_none() && std::env::var("PROFILE").as_deref() == Ok("release") {
        for path in [
            git(&["rev-parse", "--git-path", "HEAD"]),
            git(&["rev-parse", "--git-path", "packed-refs"]),
            git(&["rev-parse", "--symbolic-full-name", "HEAD"])
                .and_then(|r| git(&["rev-parse", "--git-path", &r])),
        ]
        .into_iter()
        .flatten()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!(
        "cargo:rustc-env=KANTELSPEL_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
}
