//! The workspace's layers hold by the compiler, and this test says which crates each may reach:
//! the rules reach no engine, network, window or file watcher; the host reaches no window, command
//! line or chart. Read from the committed `Cargo.lock`, so it needs no cargo at test time.

use std::collections::{BTreeMap, BTreeSet};

/// Each package in the lock file with the names of the packages it depends on.
fn lock() -> BTreeMap<String, Vec<String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock");
    let text = std::fs::read_to_string(path).expect("the workspace's Cargo.lock");
    let mut packages = BTreeMap::new();
    for block in text.split("[[package]]").skip(1) {
        let mut name = None;
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in block.lines() {
            let line = line.trim();
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_string());
            } else if line == "dependencies = [" {
                in_deps = true;
            } else if in_deps && line == "]" {
                in_deps = false;
            } else if in_deps {
                // "name" or "name version" when the lock holds two versions of a crate.
                let dep = line.trim_end_matches(',').trim_matches('"');
                deps.push(dep.split(' ').next().unwrap_or(dep).to_string());
            }
        }
        if let Some(n) = name {
            packages.entry(n).or_insert_with(Vec::new).extend(deps);
        }
    }
    packages
}

/// Every package `root` reaches, itself excluded.
fn reach(lock: &BTreeMap<String, Vec<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = lock[root].iter().map(String::as_str).collect();
    while let Some(p) = todo.pop() {
        if seen.insert(p.to_string()) {
            todo.extend(lock.get(p).into_iter().flatten().map(String::as_str));
        }
    }
    seen
}

/// `root` reaches none of `forbidden` and each of `needed`.
fn holds(root: &str, forbidden: &[&str], needed: &[&str]) {
    let reached = reach(&lock(), root);
    for f in forbidden {
        assert!(!reached.contains(*f), "{root} reaches {f}");
    }
    for n in needed {
        assert!(reached.contains(*n), "{root} does not reach {n}");
    }
}

#[test]
fn the_rules_reach_no_engine_network_window_or_watcher() {
    holds(
        "kantelspel-rules",
        &[
            "bevy",
            "bevy_ecs",
            "renet",
            "renetcode",
            "egui",
            "tokio",
            "axum",
            "notify",
            "kantelspel-host",
            "kantelspel",
        ],
        &["ron", "fluent-bundle"],
    );
}

#[test]
fn the_host_reaches_no_window_command_line_or_chart() {
    holds(
        "kantelspel-host",
        &[
            "egui",
            "bevy_egui",
            "egui_plot",
            "plotters",
            "clap",
            "notify",
            "kantelspel",
        ],
        &["kantelspel-rules", "renet", "axum"],
    );
}

#[test]
fn the_program_stands_on_the_host() {
    holds("kantelspel", &[], &["kantelspel-host", "bevy_egui"]);
}
