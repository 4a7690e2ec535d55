//! `cidrhost`, `cidrsubnet` and `cidrsubnets`: Terraform's address arithmetic (go-cidr), done on
//! `u128` so that IPv6 prefixes extend by any number of bits.

use super::{MAX_EXACT_INTEGER, check_elements, integer_arg, number_arg, string_arg};
use crate::ingest::terraform::hcl::value::{Evaluated, Value};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A network prefix with its host bits cleared, as Terraform's CIDR functions read one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Prefix {
    v6: bool,
    network: u128,
    length: u32,
}

impl Prefix {
    fn bits(self) -> u32 {
        if self.v6 { 128 } else { 32 }
    }

    fn with(self, network: u128, length: u32) -> Prefix {
        Prefix { v6: self.v6, network: network & network_mask(length, self.bits()), length }
    }

    fn contains(self, address: u128) -> bool {
        address & network_mask(self.length, self.bits()) == self.network
    }

    fn last_address(self) -> u128 {
        self.network | host_mask(self.bits() - self.length)
    }

    /// Through `ipnet`, whose text is the canonical form Terraform prints (RFC 5952 for IPv6).
    fn to_net(self) -> Option<IpNet> {
        let length = u8::try_from(self.length).ok()?;
        if self.v6 {
            Ipv6Net::new(Ipv6Addr::from(self.network), length).ok().map(IpNet::V6)
        } else {
            let address = Ipv4Addr::from(u32::try_from(self.network).ok()?);
            Ipv4Net::new(address, length).ok().map(IpNet::V4)
        }
    }

    fn text(self) -> String {
        self.to_net().map_or_else(|| format!("{:#x}/{}", self.network, self.length), |net| net.to_string())
    }

    fn address_text(self, address: u128) -> String {
        match u32::try_from(address) {
            Ok(v4) if !self.v6 => Ipv4Addr::from(v4).to_string(),
            _ => Ipv6Addr::from(address).to_string(),
        }
    }
}

/// The low `host_bits` bits set.
fn host_mask(host_bits: u32) -> u128 {
    if host_bits >= 128 { u128::MAX } else { (1u128 << host_bits) - 1 }
}

fn network_mask(length: u32, bits: u32) -> u128 {
    host_mask(bits) & !host_mask(bits.saturating_sub(length))
}

/// Reads `prefix` like Terraform: IPv4 octets may have leading zeros (read as decimal, a
/// historical accident Terraform keeps), host bits are ignored, and an IPv4-mapped IPv6 prefix
/// is the IPv4 prefix it maps.
fn parse_prefix(prefix: &str) -> Result<Prefix, String> {
    let invalid = || format!("invalid CIDR expression: invalid CIDR address: {prefix}");
    let (address, length) = prefix.split_once('/').ok_or_else(invalid)?;
    if length.is_empty() || !length.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let digits = length.trim_start_matches('0');
    let length: u32 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| invalid())? };
    let parsed = if address.contains(':') {
        let address: Ipv6Addr = address.parse().map_err(|_| invalid())?;
        Prefix { v6: true, network: u128::from(address), length }
    } else {
        Prefix { v6: false, network: u128::from(parse_ipv4_decimal(address).ok_or_else(invalid)?), length }
    };
    if length > parsed.bits() {
        return Err(invalid());
    }
    let parsed = parsed.with(parsed.network, length);
    const MAPPED: u128 = 0xffff;
    if parsed.v6 && length >= 96 && parsed.network >> 32 == MAPPED {
        return Ok(Prefix { v6: false, network: parsed.network & host_mask(32), length: length - 96 });
    }
    Ok(parsed)
}

/// Four decimal octets, leading zeros allowed.
fn parse_ipv4_decimal(address: &str) -> Option<u32> {
    let mut octets = address.split('.');
    let mut value = 0u32;
    for _ in 0..4 {
        let octet = octets.next()?;
        if octet.is_empty() || !octet.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = octet.trim_start_matches('0');
        let number: u32 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        if number > 255 {
            return None;
        }
        value = (value << 8) | number;
    }
    octets.next().is_none().then_some(value)
}

/// A subnet or host number, when it is a whole number `f64` holds exactly; `None` beyond that,
/// where vpclint cannot know the number the source wrote.
fn exact_number(value: &Value) -> Option<Result<i64, String>> {
    match number_arg(value) {
        Ok(n) if n.fract() == 0.0 && n.abs() > MAX_EXACT_INTEGER => None,
        Ok(_) => Some(integer_arg(value)),
        Err(message) => Some(Err(message)),
    }
}

fn cidr_string(value: &Value) -> Result<Prefix, String> {
    parse_prefix(&string_arg(value)?)
}

/// `cidrsubnet(prefix, newbits, netnum)`: subnet `netnum` of the prefix extended by `newbits`.
pub(super) fn cidrsubnet(args: &[Value]) -> Option<Evaluated> {
    let [prefix, newbits, netnum] = args else { return Some(Err("cidrsubnet expects 3 arguments".to_string())) };
    let netnum = match exact_number(netnum)? {
        Ok(netnum) => netnum,
        Err(message) => return Some(Err(message)),
    };
    Some(subnet(prefix, newbits, netnum))
}

fn subnet(prefix: &Value, newbits: &Value, netnum: i64) -> Evaluated {
    let newbits = integer_arg(newbits)?;
    let prefix = cidr_string(prefix)?;
    let length = i64::from(prefix.length) + newbits;
    if newbits < 0 || length > i64::from(prefix.bits()) {
        return Err(format!("insufficient address space to extend prefix of {} by {newbits}", prefix.length));
    }
    let length = u32::try_from(length).map_err(|_| "prefix length out of range".to_string())?;
    let newbits = length - prefix.length;
    let subnet_number = u128::try_from(netnum).ok().filter(|&number| number <= host_mask(newbits));
    let Some(subnet_number) = subnet_number else {
        return Err(format!("prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"));
    };
    let offset = subnet_number.checked_shl(prefix.bits() - length).unwrap_or(0);
    Ok(Value::String(prefix.with(prefix.network | offset, length).text()))
}

/// `cidrhost(prefix, hostnum)`: host `hostnum` of the prefix; a negative number counts back from
/// the last address.
pub(super) fn cidrhost(args: &[Value]) -> Option<Evaluated> {
    let [prefix, hostnum] = args else { return Some(Err("cidrhost expects 2 arguments".to_string())) };
    let hostnum = match exact_number(hostnum)? {
        Ok(hostnum) => hostnum,
        Err(message) => return Some(Err(message)),
    };
    Some(host(prefix, hostnum))
}

fn host(prefix: &Value, hostnum: i64) -> Evaluated {
    let prefix = cidr_string(prefix)?;
    let largest = host_mask(prefix.bits() - prefix.length);
    let from_end = hostnum < 0;
    // -1 is the last address, so the distance back from it is |hostnum| - 1.
    let distance = u128::from(if from_end { hostnum.unsigned_abs() - 1 } else { hostnum.unsigned_abs() });
    if distance > largest {
        return Err(format!("prefix of {} does not accommodate a host numbered {hostnum}", prefix.length));
    }
    let host = if from_end { largest - distance } else { distance };
    Ok(Value::String(prefix.address_text(prefix.network | host)))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets of the given sizes, each aligned to its
/// own size, as go-cidr's `NextSubnet` allocates them.
pub(super) fn cidrsubnets(args: &[Value]) -> Option<Evaluated> {
    Some(allocate_subnets(args))
}

fn allocate_subnets(args: &[Value]) -> Evaluated {
    let Some((prefix, sizes)) = args.split_first() else { return Err("cidrsubnets expects a prefix".to_string()) };
    let network = cidr_string(prefix)?;
    check_elements(sizes.len())?;
    let mut subnets = Vec::with_capacity(sizes.len());
    let mut current: Option<Prefix> = None;
    for (position, size) in sizes.iter().enumerate() {
        let length = subnet_length(network, size, position + 1)?;
        // Terraform starts from the subnet of the first size just below the prefix.
        let previous = current.unwrap_or_else(|| network.with(network.network.wrapping_sub(1), length));
        let next = next_subnet(previous, length);
        match next {
            Some(next) if network.contains(next.network) => {
                subnets.push(Value::String(next.text()));
                current = Some(next);
            }
            _ => {
                return Err(format!(
                    "not enough remaining address space for a subnet with a prefix of {length} bits after {}",
                    previous.text()
                ));
            }
        }
    }
    Ok(Value::List(subnets))
}

/// The prefix length of one `cidrsubnets` size argument (argument number `position`).
fn subnet_length(network: Prefix, size: &Value, position: usize) -> Result<u32, String> {
    let newbits = integer_arg(size).map_err(|message| format!("argument {position}: {message}"))?;
    if newbits < 1 {
        return Err("must extend prefix by at least one bit".to_string());
    }
    // Terraform's own limit, kept for 32-bit platforms.
    if newbits > 32 {
        return Err("may not extend prefix by more than 32 bits".to_string());
    }
    let length = network.length + newbits as u32;
    if length > network.bits() {
        let family = if network.v6 { "IPv6" } else { "IPv4" };
        return Err(format!("would extend prefix to {length} bits, which is too long for an {family} address"));
    }
    Ok(length)
}

/// The next subnet of `length` after `current`; `None` when the address space wraps around.
fn next_subnet(current: Prefix, length: u32) -> Option<Prefix> {
    let enclosing = current.with(current.last_address(), length);
    let after = enclosing.last_address().checked_add(1).filter(|&next| next <= host_mask(current.bits()))?;
    Some(current.with(after, length))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, id_of, n, ok, s, strings, symbols};
    use super::*;

    #[test]
    fn cidrsubnet_documentation_examples() {
        assert_eq!(ok("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]), s("172.18.0.0/16"));
        assert_eq!(ok("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]), s("10.1.2.240/28"));
        // The documentation's result: 162 fills bits 56–71, so group 4 is `a200`.
        assert_eq!(
            ok("cidrsubnet", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]),
            s("fd00:fd12:3456:7800:a200::/72")
        );
    }

    #[test]
    fn cidrsubnet_terraform_test_cases() {
        assert_eq!(ok("cidrsubnet", vec![s("192.168.2.0/20"), n(4.0), n(6.0)]), s("192.168.6.0/24"));
        assert_eq!(ok("cidrsubnet", vec![s("fe80::/48"), n(16.0), n(6.0)]), s("fe80:0:0:6::/64"));
        assert_eq!(ok("cidrsubnet", vec![s("::ffff:192.168.0.0/112"), n(8.0), n(6.0)]), s("192.168.6.0/24"));
        assert_eq!(ok("cidrsubnet", vec![s("fe80::/48"), n(33.0), n(6.0)]), s("fe80::3:0:0:0/81"));
        assert_eq!(ok("cidrsubnet", vec![s("010.001.0.0/24"), n(4.0), n(1.0)]), s("10.1.0.16/28"));
        assert!(err("cidrsubnet", vec![s("192.168.0.0/30"), n(4.0), n(6.0)]).contains("insufficient address space"));
        assert!(err("cidrsubnet", vec![s("192.168.0.0/16"), n(2.0), n(16.0)]).contains("does not accommodate"));
        assert!(err("cidrsubnet", vec![s("not-a-cidr"), n(4.0), n(6.0)]).contains("invalid CIDR expression"));
        assert!(err("cidrsubnet", vec![s("10.256.0.0/8"), n(4.0), n(6.0)]).contains("invalid CIDR"));
        assert!(err("cidrsubnet", vec![s("10.0.0.0/8"), n(2.0 / 3.0), n(0.75)]).contains("whole number"));
    }

    #[test]
    fn cidrsubnet_edges() {
        // Host bits of the prefix are ignored; numbers may be strings.
        assert_eq!(ok("cidrsubnet", vec![s("10.0.7.9/16"), s("8"), s("2")]), s("10.0.2.0/24"));
        assert_eq!(ok("cidrsubnet", vec![s("10.0.0.0/16"), n(0.0), n(0.0)]), s("10.0.0.0/16"));
        assert_eq!(ok("cidrsubnet", vec![s("0.0.0.0/0"), n(32.0), n(4294967295.0)]), s("255.255.255.255/32"));
        assert_eq!(ok("cidrsubnet", vec![s("::/0"), n(128.0), n(1.0)]), s("::1/128"));
        // IPv6 extended by more than 64 bits.
        assert_eq!(ok("cidrsubnet", vec![s("2001:db8::/32"), n(72.0), n(5.0)]), s("2001:db8::500:0/104"));
        assert!(err("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(-1.0)]).contains("does not accommodate"));
        assert!(err("cidrsubnet", vec![s("10.0.0.0/16"), n(-1.0), n(0.0)]).contains("insufficient"));
        assert!(err("cidrsubnet", vec![s("10.0.0.0/33"), n(1.0), n(0.0)]).contains("invalid CIDR"));
        assert!(err("cidrsubnet", vec![s("10.0.0/8"), n(1.0), n(0.0)]).contains("invalid CIDR"));
        // A netnum beyond exact f64 integers is not guessed.
        assert_eq!(call_result("cidrsubnet", vec![s("::/0"), n(64.0), n(1.0e17)]), None);
    }

    fn call_result(name: &str, args: Vec<Value>) -> Option<Evaluated> {
        super::super::call(name, args)
    }

    #[test]
    fn cidrsubnet_with_unknown_arguments_is_unknown() {
        assert_eq!(ok("cidrsubnet", vec![id_of("vpc"), n(8.0), n(1.0)]), symbols(&["vpc"]));
        assert_eq!(ok("cidrsubnet", vec![s("10.0.0.0/16"), id_of("bits"), n(1.0)]), symbols(&["bits"]));
    }

    #[test]
    fn cidrhost_documentation_examples() {
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]), s("10.12.112.16"));
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]), s("10.12.113.12"));
        assert_eq!(ok("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]), s("fd00:fd12:3456:7890::22"));
    }

    #[test]
    fn cidrhost_terraform_test_cases() {
        assert_eq!(ok("cidrhost", vec![s("192.168.1.0/24"), n(5.0)]), s("192.168.1.5"));
        assert_eq!(ok("cidrhost", vec![s("192.168.1.0/24"), n(-5.0)]), s("192.168.1.251"));
        assert_eq!(ok("cidrhost", vec![s("192.168.1.0/24"), n(-256.0)]), s("192.168.1.0"));
        assert_eq!(ok("cidrhost", vec![s("010.001.0.0/24"), n(6.0)]), s("10.1.0.6"));
        assert!(err("cidrhost", vec![s("192.168.1.0/30"), n(255.0)]).contains("does not accommodate a host"));
        assert!(err("cidrhost", vec![s("192.168.1.0/30"), n(-255.0)]).contains("does not accommodate a host"));
        assert!(err("cidrhost", vec![s("192.168.1.0/24"), n(-257.0)]).contains("does not accommodate a host"));
        assert!(err("cidrhost", vec![s("not-a-cidr"), n(6.0)]).contains("invalid CIDR"));
        assert!(err("cidrhost", vec![s("10.0.0.0/8"), n(0.75)]).contains("whole number"));
        assert_eq!(ok("cidrhost", vec![s("::/0"), n(-1.0)]), s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    #[test]
    fn cidrsubnets_documentation_examples() {
        assert_eq!(
            ok("cidrsubnets", vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]),
            strings(&["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"])
        );
        assert_eq!(
            ok("cidrsubnets", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(16.0), n(16.0), n(32.0)]),
            strings(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
    }

    #[test]
    fn cidrsubnets_terraform_test_cases() {
        let sizes = [3.0, 3.0, 3.0, 4.0, 4.0, 4.0, 7.0, 7.0, 7.0];
        let mut args = vec![s("10.0.0.0/21")];
        args.extend(sizes.iter().map(|size| n(*size)));
        assert_eq!(
            ok("cidrsubnets", args),
            strings(&[
                "10.0.0.0/24",
                "10.0.1.0/24",
                "10.0.2.0/24",
                "10.0.3.0/25",
                "10.0.3.128/25",
                "10.0.4.0/25",
                "10.0.4.128/28",
                "10.0.4.144/28",
                "10.0.4.160/28",
            ])
        );
        assert_eq!(ok("cidrsubnets", vec![s("010.0.0.0/21"), n(3.0)]), strings(&["10.0.0.0/24"]));
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/8")]), strings(&[]));
        assert_eq!(
            err("cidrsubnets", vec![s("10.0.0.0/30"), n(1.0), n(3.0)]),
            "would extend prefix to 33 bits, which is too long for an IPv4 address"
        );
        assert_eq!(
            err("cidrsubnets", vec![s("10.0.0.0/8"), n(1.0), n(1.0), n(1.0)]),
            "not enough remaining address space for a subnet with a prefix of 9 bits after 10.128.0.0/9"
        );
        assert_eq!(err("cidrsubnets", vec![s("10.0.0.0/8"), n(1.0), n(0.0)]), "must extend prefix by at least one bit");
        assert_eq!(
            err("cidrsubnets", vec![s("10.0.0.0/8"), n(1.0), n(-1.0)]),
            "must extend prefix by at least one bit"
        );
        assert_eq!(
            err("cidrsubnets", vec![s("fe80::/48"), n(1.0), n(33.0)]),
            "may not extend prefix by more than 32 bits"
        );
    }

    #[test]
    fn cidrsubnets_wraps_like_terraform_at_the_top_of_the_address_space() {
        // go-cidr reports a wrap past the last address as running out of space, which is also
        // what happens for a prefix starting at the zero address (its "previous" subnet wraps).
        assert!(err("cidrsubnets", vec![s("255.0.0.0/8"), n(1.0), n(1.0), n(1.0)]).contains("not enough remaining"));
        assert!(err("cidrsubnets", vec![s("0.0.0.0/8"), n(8.0)]).contains("not enough remaining"));
    }

    #[test]
    fn cidrsubnets_with_an_unknown_size_is_unknown() {
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/16"), n(4.0), id_of("size")]), symbols(&["size"]));
    }

    #[test]
    fn prefixes_parse_like_terraform() {
        assert_eq!(parse_prefix("10.1.2.3/16"), Ok(Prefix { v6: false, network: 0x0a01_0000, length: 16 }));
        assert_eq!(parse_prefix("10.0.0.0/016").map(|p| p.length), Ok(16));
        assert!(parse_prefix("10.0.0.0").is_err());
        assert!(parse_prefix("10.0.0.0/").is_err());
        assert!(parse_prefix("10.0.0.0/+8").is_err());
        assert!(parse_prefix("10.0.0.0.0/8").is_err());
        assert!(parse_prefix("::/129").is_err());
        assert!(parse_prefix("fe80::1%eth0/64").is_err());
    }
}
