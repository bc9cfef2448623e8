//! Which addresses an outbound fetch may reach: only globally reachable ones, by IANA's IPv4
//! and IPv6 special-purpose address registries. Anything special is refused, including blocks
//! the registries call global but that lead elsewhere (relays, translators, anycast services).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `(network, prefix length)` blocks of IPv4 no fetch may reach.
const SPECIAL_V4: [([u8; 4], u32); 18] = [
    ([0, 0, 0, 0], 8),       // "this network"
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // shared address space (carrier-grade NAT)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local (cloud metadata)
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation
    ([192, 31, 196, 0], 24), // AS112
    ([192, 52, 193, 0], 24), // AMT
    ([192, 88, 99, 0], 24),  // 6to4 relay anycast
    ([192, 168, 0, 0], 16),  // private
    ([192, 175, 48, 0], 24), // direct delegation AS112
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation
    ([203, 0, 113, 0], 24),  // documentation
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and the limited broadcast address
];

/// Blocks inside global unicast (2000::/3) that are special.
const SPECIAL_V6: [([u16; 2], u32); 4] = [
    ([0x2001, 0x0000], 23), // IETF protocol assignments (Teredo, ORCHID, …)
    ([0x2001, 0x0db8], 32), // documentation
    ([0x2002, 0x0000], 16), // 6to4
    ([0x3fff, 0x0000], 20), // documentation
];

fn in_v4_block(ip: Ipv4Addr, (network, length): ([u8; 4], u32)) -> bool {
    let mask = u32::MAX.checked_shl(32 - length).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn in_v6_block(ip: Ipv6Addr, ([high, low], length): ([u16; 2], u32)) -> bool {
    let mask = u32::MAX.checked_shl(32 - length).unwrap_or(0);
    let [a, b, ..] = ip.segments();
    ((u32::from(a) << 16) | u32::from(b)) & mask == ((u32::from(high) << 16) | u32::from(low)) & mask
}

pub fn is_public_v4(ip: Ipv4Addr) -> bool {
    !SPECIAL_V4.iter().any(|block| in_v4_block(ip, *block))
}

/// IPv6: global unicast (2000::/3) outside the special blocks; an IPv4-mapped address
/// (`::ffff:a.b.c.d`, which reaches that IPv4 address) by its IPv4 address. Everything else,
/// NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and IPv4-compatible forms included, is refused.
pub fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    (ip.segments()[0] & 0xe000) == 0x2000 && !SPECIAL_V6.iter().any(|block| in_v6_block(ip, *block))
}

pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_purpose_address_is_refused() {
        let special = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "198.18.0.1",
            "198.19.255.255",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.0.8",
            "192.0.0.170",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "192.88.99.1",
            "::",
            "::1",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "::8.8.8.8",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::808:808",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:808:808::1",
            "2001::1",
            "2001:0:4136:e378::1",
            "2001:db8::1",
            "100::1",
            "3fff::1",
            "5f00::1",
        ];
        for ip in special {
            assert!(!is_public(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "198.20.0.1",
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }
}
