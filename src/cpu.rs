//! CPU time from the kernel's accounting (`/proc`), and the wall clock, for the figures the
//! benches and the window's timing print. Zero where there is no `/proc`.

use std::time::Duration;

/// The name of the thread the benches run the host's loop on.
pub(crate) const HOST_THREAD: &str = "kantelspel-host";

/// CPU time of the whole process, every thread.
pub fn process() -> Duration {
    std::fs::read_to_string("/proc/self/stat").map_or(Duration::ZERO, |s| of_stat(&s))
}

/// CPU time of the host in a bench: its loop thread, Bevy's task pools that run its systems, and
/// its web server's thread; not the players' threads that share the process.
pub fn host() -> Duration {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    dir.flatten()
        .filter(|task| {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            let comm = comm.trim();
            // The kernel keeps 15 bytes of a name: "Compute Task Pool (0)" is "Compute Task Po".
            comm == HOST_THREAD
                || comm == crate::net::web::WEB_THREAD
                || ["Compute Task", "Async Compute", "IO Task Pool"]
                    .iter()
                    .any(|pool| comm.starts_with(pool))
        })
        .map(|task| {
            std::fs::read_to_string(task.path().join("stat"))
                .map_or(Duration::ZERO, |s| of_stat(&s))
        })
        .sum()
}

/// The wall clock in milliseconds, to line up what two processes on one machine saw.
pub(crate) fn unix_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// utime + stime of a `/proc/.../stat` line.
fn of_stat(stat: &str) -> Duration {
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line; `rest` starts at field 3.
    let field = |i: usize| {
        f.get(i - 3)
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // The kernel counts in clock ticks of 10 ms (USER_HZ = 100 on Linux).
    Duration::from_millis((field(14) + field(15)) * 10)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stat_line_gives_user_plus_system_time() {
        // pid (comm with ) and spaces) state ppid ... utime=250 stime=50 ...
        let line = "42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1";
        assert_eq!(super::of_stat(line).as_millis(), 3000);
    }
}
