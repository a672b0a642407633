//! The tool never talks to the network: no network crate may enter the build.

#[test]
fn no_network_crate_in_the_lockfile() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"ratatui"), "parsed the lockfile");
    const NETWORK: [&str; 16] = [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "curl-sys",
        "isahc",
        "surf",
        "attohttpc",
        "rustls",
        "native-tls",
        "openssl",
        "openssl-sys",
        "tokio",
        "h2",
        "async-std",
        "socket2",
    ];
    let found: Vec<&&str> = NETWORK.iter().filter(|n| names.contains(n)).collect();
    assert!(found.is_empty(), "network crates in Cargo.lock: {found:?}");
}

#[test]
fn the_source_opens_no_socket() {
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for needle in ["std::net", "TcpStream", "UdpSocket", "TcpListener"] {
                    if text.contains(needle) {
                        offenders.push(format!("{}: {needle}", path.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}
