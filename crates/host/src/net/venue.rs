//! Which of this laptop's addresses the room can reach. A laptop at a venue has, besides its
//! Wi-Fi or cable, often a VPN, Docker's bridges or a virtual machine's adapter; the address in
//! the QR code must be the one a phone on the venue's Wi-Fi can open.
//!
//! Pure: the laptop's adapters come in as a list, so the choice is tested with made-up ones.

use std::net::{IpAddr, Ipv4Addr};

/// One address of one adapter, as the system lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Adapter {
    /// The system's name for it: `wlan0`, `enp3s0`, `en0`, `Wi-Fi`, `Ethernet 2`, `docker0`…
    pub name: String,
    pub ip: IpAddr,
    /// A point-to-point link (a VPN's tunnel, a dial-up): no phone sits on the other end.
    pub p2p: bool,
}

/// What an adapter is, as far as its name and address tell; the order is the preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Wi-Fi, the laptop's own hotspot included: where the phones are.
    Wifi,
    /// A cable.
    Cable,
    /// A network adapter the name does not tell more of (a Mac's `en0`, a shared connection).
    Network,
    /// A VPN's tunnel: leads to the office, not to the room.
    Vpn,
    /// A virtual machine's or container's adapter: exists only inside this laptop.
    Virtual,
    /// 169.254.x.x: the adapter found no network to take an address from.
    NoAddress,
    Loopback,
}

impl Kind {
    /// Whether a phone in the room can reach an address of this kind.
    pub fn reachable(self) -> bool {
        matches!(self, Kind::Wifi | Kind::Cable | Kind::Network)
    }

    /// The word key the window and the console show beside the address.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Wifi => "venue.wifi",
            Kind::Cable => "venue.cable",
            Kind::Network => "venue.network",
            Kind::Vpn => "venue.vpn",
            Kind::Virtual => "venue.virtual",
            Kind::NoAddress => "venue.no_address",
            Kind::Loopback => "venue.loopback",
        }
    }
}

/// One address the laptop has, with what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub name: String,
    pub ip: Ipv4Addr,
    pub kind: Kind,
}

/// The laptop's addresses on the local network, the best for players first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Venue {
    pub addresses: Vec<Address>,
}

fn lower_starts(name: &str, prefixes: &[&str]) -> bool {
    let n = name.to_ascii_lowercase();
    prefixes.iter().any(|p| n.starts_with(p))
}

fn lower_contains(name: &str, parts: &[&str]) -> bool {
    let n = name.to_ascii_lowercase();
    parts.iter().any(|p| n.contains(p))
}

/// What an adapter is, from its name (Linux, macOS and Windows spell them differently) and its
/// address.
fn kind_of(name: &str, ip: Ipv4Addr, p2p: bool) -> Kind {
    if ip.is_loopback() {
        return Kind::Loopback;
    }
    if ip.is_link_local() {
        return Kind::NoAddress;
    }
    // Windows names its adapters after what they are; a hypervisor's switch says "vEthernet".
    if lower_contains(
        name,
        &[
            "virtualbox",
            "vmware",
            "vethernet",
            "hyper-v",
            "virtual ethernet",
            "loopback",
        ],
    ) || lower_starts(
        name,
        &[
            "docker", "br-", "veth", "virbr", "vboxnet", "vmnet", "lxcbr", "lxdbr", "cni",
            "flannel", "cali", "podman", "kube", "vnic", "anpi", "awdl", "llw", "ap1",
        ],
    ) {
        return Kind::Virtual;
    }
    // 100.64.0.0/10 is the carrier-grade range Tailscale and its like hand out (a venue's
    // Wi-Fi rarely does, so a Wi-Fi or cable name still wins below).
    let cgnat = ip.octets()[0] == 100 && (ip.octets()[1] & 0xC0) == 64;
    if p2p
        || lower_starts(
            name,
            &[
                "tun",
                "tap",
                "wg",
                "utun",
                "ppp",
                "ipsec",
                "tailscale",
                "zt",
                "nordlynx",
                "proton",
                "gpd",
                "cscotun",
            ],
        )
        || lower_contains(
            name,
            &[
                "vpn",
                "wireguard",
                "anyconnect",
                "forti",
                "globalprotect",
                "pangp",
                "zerotier",
                "tailscale",
                "tap-windows",
            ],
        )
    {
        return Kind::Vpn;
    }
    // Windows' own hotspot is a "Local Area Connection* N" on the Wi-Fi card.
    if lower_starts(name, &["wl", "wi-fi", "wifi", "wlan", "wireless"])
        || lower_contains(
            name,
            &["wi-fi", "wireless", "wlan", "local area connection*"],
        )
    {
        return Kind::Wifi;
    }
    if lower_starts(
        name,
        &["eth", "enp", "eno", "ens", "enx", "ethernet", "lan"],
    ) {
        return Kind::Cable;
    }
    // Under a name that says nothing, a carrier-grade address is a tunnel's.
    if cgnat {
        return Kind::Vpn;
    }
    Kind::Network
}

/// Orders what the laptop has: reachable kinds first (Wi-Fi before cable: the phones are on
/// the Wi-Fi), a bridge last among its kind, a private address before a public one, then by
/// name so the choice is stable.
fn survey(adapters: &[Adapter]) -> Venue {
    let mut addresses: Vec<Address> = adapters
        .iter()
        .filter_map(|a| match a.ip {
            IpAddr::V4(ip) => Some(Address {
                name: a.name.clone(),
                ip,
                kind: kind_of(&a.name, ip, a.p2p),
            }),
            // A phone's user types an IPv4 address; an IPv6 one is no help in the QR code either.
            IpAddr::V6(_) => None,
        })
        .filter(|a| a.kind != Kind::Loopback)
        .collect();
    // A Mac's shared connection (`bridge100`) serves only what the Mac itself shares.
    let key = |a: &Address| {
        (
            a.kind,
            lower_starts(&a.name, &["bridge"]),
            !a.ip.is_private(),
            a.name.clone(),
            a.ip,
        )
    };
    addresses.sort_by_key(key);
    addresses.dedup_by(|a, b| a.ip == b.ip);
    Venue { addresses }
}

impl Venue {
    /// The address to put in the QR code: the best reachable one, if any.
    pub fn chosen(&self) -> Option<&Address> {
        self.addresses.first().filter(|a| a.kind.reachable())
    }
}

/// This laptop's adapters, as the system lists them now.
pub fn this_laptop() -> Venue {
    let adapters: Vec<Adapter> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i.oper_status != if_addrs::IfOperStatus::Down)
        .map(|i| Adapter {
            ip: i.ip(),
            p2p: i.is_p2p,
            name: i.name,
        })
        .collect();
    survey(&adapters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str, ip: [u8; 4]) -> Adapter {
        Adapter {
            name: name.into(),
            ip: IpAddr::V4(Ipv4Addr::from(ip)),
            p2p: false,
        }
    }

    fn chosen(adapters: &[Adapter]) -> Option<(String, Kind)> {
        survey(adapters).chosen().map(|c| (c.name.clone(), c.kind))
    }

    #[test]
    fn a_linux_laptop_with_docker_and_a_vpn_puts_its_wifi_in_the_code() {
        let list = [
            a("lo", [127, 0, 0, 1]),
            a("docker0", [172, 17, 0, 1]),
            a("br-5f2a9c", [172, 18, 0, 1]),
            a("tun0", [10, 8, 0, 6]),
            a("wlp2s0", [192, 168, 1, 23]),
            a("virbr0", [192, 168, 122, 1]),
        ];
        assert_eq!(chosen(&list), Some(("wlp2s0".into(), Kind::Wifi)));
        let v = survey(&list);
        assert!(v.addresses.iter().all(|x| x.name != "lo"));
        assert_eq!(v.addresses.len(), 5);
        assert_eq!(
            v.addresses
                .iter()
                .find(|x| x.name == "tun0")
                .map(|x| x.kind),
            Some(Kind::Vpn)
        );
    }

    #[test]
    fn a_windows_laptop_prefers_wifi_over_cable_and_never_a_hypervisor_switch() {
        let list = [
            a("vEthernet (WSL)", [172, 28, 96, 1]),
            a("Ethernet", [10, 20, 30, 40]),
            a("VirtualBox Host-Only Network", [192, 168, 56, 1]),
            a("Wi-Fi", [192, 168, 178, 50]),
            a("Ethernet 3", [169, 254, 12, 7]),
        ];
        let v = survey(&list);
        assert_eq!(chosen(&list), Some(("Wi-Fi".into(), Kind::Wifi)));
        assert_eq!(v.addresses[1].name, "Ethernet");
        assert_eq!(v.addresses[1].kind, Kind::Cable);
        let kinds: Vec<Kind> = v.addresses.iter().map(|x| x.kind).collect();
        assert!(kinds.contains(&Kind::Virtual) && kinds.contains(&Kind::NoAddress));
    }

    #[test]
    fn the_laptops_own_hotspot_counts_as_wifi() {
        // Windows' mobile hotspot, beside a Wi-Fi that found no network.
        let list = [
            a("Local Area Connection* 10", [192, 168, 137, 1]),
            a("Wi-Fi", [169, 254, 3, 3]),
        ];
        assert_eq!(
            chosen(&list),
            Some(("Local Area Connection* 10".into(), Kind::Wifi))
        );
        // NetworkManager's hotspot on Linux.
        assert_eq!(
            chosen(&[a("wlan0", [10, 42, 0, 1])]),
            Some(("wlan0".into(), Kind::Wifi))
        );
    }

    #[test]
    fn a_mac_with_tailscale_and_a_private_wifi_address() {
        let list = [
            a("utun3", [100, 101, 102, 103]),
            a("en0", [192, 168, 2, 14]),
            a("bridge100", [192, 168, 64, 1]),
            a("awdl0", [10, 0, 0, 1]),
        ];
        assert_eq!(chosen(&list), Some(("en0".into(), Kind::Network)));
        // A tunnel is a VPN whatever its name.
        let mut p2p = a("mystery0", [10, 1, 1, 1]);
        p2p.p2p = true;
        assert_eq!(survey(&[p2p]).addresses[0].kind, Kind::Vpn);
        // The carrier-grade range is Tailscale's even under another name.
        assert_eq!(
            kind_of("foo", Ipv4Addr::new(100, 64, 0, 1), false),
            Kind::Vpn
        );
        assert_eq!(
            kind_of("foo", Ipv4Addr::new(100, 128, 0, 1), false),
            Kind::Network
        );
    }

    #[test]
    fn a_private_address_comes_before_a_public_one_of_the_same_kind() {
        let list = [a("eth1", [145, 100, 1, 2]), a("eth0", [192, 168, 0, 5])];
        assert_eq!(
            survey(&list).chosen().map(|c| c.ip),
            Some(Ipv4Addr::new(192, 168, 0, 5))
        );
    }

    #[test]
    fn with_only_a_vpn_docker_and_no_dhcp_there_is_nothing_to_offer() {
        let list = [
            a("lo", [127, 0, 0, 1]),
            a("docker0", [172, 17, 0, 1]),
            a("wg0", [10, 6, 0, 2]),
            a("wlan0", [169, 254, 1, 1]),
        ];
        let v = survey(&list);
        assert_eq!(v.chosen(), None);
        assert_eq!(v.addresses.len(), 3);
        assert_eq!(survey(&[]).chosen(), None);
    }

    #[test]
    fn ipv6_and_duplicate_addresses_are_left_out() {
        let list = [
            Adapter {
                name: "wlan0".into(),
                ip: "fe80::1".parse().unwrap(),
                p2p: false,
            },
            a("wlan0", [192, 168, 1, 2]),
            a("wlan0", [192, 168, 1, 2]),
        ];
        assert_eq!(survey(&list).addresses.len(), 1);
    }
}
