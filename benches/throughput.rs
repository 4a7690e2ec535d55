//! Throughput of `vpclint check` on generated AWS CLI dumps, next to a bare serde_json parse of the
//! same bytes. Run with `cargo bench`; prints a table (see README, "Benchmarks").

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use vpclint::ingest::{self, Input};
use vpclint::report::{Outcome, json as json_report};

/// One region of one account with `vpcs` VPCs, in one merged `describe-*` file.
fn generate(account: usize, vpcs: usize) -> Value {
    let acct = format!("{:012}", 100000000000usize + account);
    let (mut v, mut s, mut rt, mut igw, mut nat, mut eip, mut pcx, mut acl, mut lb, mut sg) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for i in 0..vpcs {
        let vpc = format!("vpc-{account:05x}{i:012x}");
        let (a, b) = ((i / 256) % 256, i % 256);
        let cidr = format!("10.{a}.{b}.0/24");
        // every 50th VPC overlaps its neighbour: a PEER001 finding per 50 VPCs
        let second = if i % 50 == 49 {
            format!("10.{}.{}.0/25", ((i - 1) / 256) % 256, (i - 1) % 256)
        } else {
            format!("100.{a}.{b}.0/24")
        };
        v.push(json!({"VpcId": vpc, "OwnerId": acct, "CidrBlock": cidr, "IsDefault": false,
            "CidrBlockAssociationSet": [
                {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}},
                {"CidrBlock": second, "CidrBlockState": {"State": "associated"}}],
            "Tags": [{"Key": "Name", "Value": format!("vpc-{i}")}]}));
        let igw_id = format!("igw-{account:05x}{i:012x}");
        igw.push(json!({"InternetGatewayId": igw_id, "Attachments": [{"State": "available", "VpcId": vpc}]}));
        let mut subnets = vec![];
        for k in 0..4 {
            let id = format!("subnet-{account:05x}{i:010x}{k:02x}");
            s.push(json!({"SubnetId": id, "VpcId": vpc, "OwnerId": acct, "AvailabilityZone": format!("us-east-1{}", ["a", "b"][k % 2]),
                "CidrBlock": format!("10.{a}.{b}.{}/26", k * 64)}));
            subnets.push(id);
        }
        let nat_id = format!("nat-{account:05x}{i:012x}");
        let eip_id = format!("eipalloc-{account:05x}{i:012x}");
        eip.push(json!({"AllocationId": eip_id, "PublicIp": "198.51.100.1", "Domain": "vpc"}));
        // every 100th NAT gateway has no EIP: NAT001
        let addresses = if i % 100 == 7 { json!([]) } else { json!([{"AllocationId": eip_id}]) };
        nat.push(json!({"NatGatewayId": nat_id, "SubnetId": subnets[0], "VpcId": vpc, "State": "available",
            "ConnectivityType": "public", "NatGatewayAddresses": addresses}));
        let peer = format!("pcx-{account:05x}{i:012x}");
        let next = format!("vpc-{account:05x}{:012x}", (i + 1) % vpcs);
        let (na, nb) = ((((i + 1) % vpcs) / 256) % 256, ((i + 1) % vpcs) % 256);
        pcx.push(json!({"VpcPeeringConnectionId": peer, "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": vpc, "OwnerId": acct, "Region": "us-east-1", "CidrBlock": cidr},
            "AccepterVpcInfo": {"VpcId": next, "OwnerId": acct, "Region": "us-east-1", "CidrBlock": format!("10.{na}.{nb}.0/24")}}));
        let local = json!({"DestinationCidrBlock": cidr, "GatewayId": "local", "State": "active"});
        rt.push(json!({"RouteTableId": format!("rtb-{account:05x}{i:010x}01"), "VpcId": vpc,
            "Associations": [{"Main": true}, {"Main": false, "SubnetId": subnets[0]}, {"Main": false, "SubnetId": subnets[1]}],
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_id, "State": "active"}]}));
        // every 20th VPC routes a transitive range through its peering: PEER002
        let far = if i % 20 == 3 { "10.255.0.0/16".to_string() } else { format!("10.{na}.{nb}.0/24") };
        rt.push(json!({"RouteTableId": format!("rtb-{account:05x}{i:010x}02"), "VpcId": vpc,
            "Associations": [{"Main": false, "SubnetId": subnets[2]}, {"Main": false, "SubnetId": subnets[3]}],
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_id, "State": "active"},
                       {"DestinationCidrBlock": far, "VpcPeeringConnectionId": peer, "State": "active"}]}));
        let mut entries = vec![];
        for (n, port) in [22u16, 80, 443, 3306, 5432, 6379, 8080, 8443, 9000, 9090].iter().enumerate() {
            entries.push(json!({"RuleNumber": 100 + n * 10, "Egress": false, "Protocol": "6", "RuleAction": "allow",
                "CidrBlock": "10.0.0.0/8", "PortRange": {"From": port, "To": port}}));
        }
        // every 10th NACL forgets the low half of the ephemeral range: NACL001 warning
        let from = if i % 10 == 5 { 32768 } else { 1024 };
        entries.push(json!({"RuleNumber": 90, "Egress": true, "Protocol": "6", "RuleAction": "deny", "CidrBlock": "192.0.2.0/24", "PortRange": {"From": 0, "To": 65535}}));
        entries.push(json!({"RuleNumber": 100, "Egress": true, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": from, "To": 65535}}));
        entries.push(json!({"RuleNumber": 110, "Egress": true, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}}));
        entries.push(json!({"RuleNumber": 200, "Egress": false, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}}));
        for egress in [false, true] {
            entries.push(json!({"RuleNumber": 32767, "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}));
        }
        acl.push(json!({"NetworkAclId": format!("acl-{account:05x}{i:012x}"), "VpcId": vpc, "IsDefault": false,
            "Associations": subnets.iter().map(|s| json!({"SubnetId": s})).collect::<Vec<_>>(), "Entries": entries}));
        sg.push(json!({"GroupId": format!("sg-{account:05x}{i:012x}"), "VpcId": vpc, "GroupName": "web",
            "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}));
        // internet-facing ALB; every 25th sits in the NAT-routed subnets: LB001
        let lb_subnets = if i % 25 == 11 { [&subnets[2], &subnets[3]] } else { [&subnets[0], &subnets[1]] };
        lb.push(json!({"LoadBalancerArn": format!("arn:aws:elasticloadbalancing:us-east-1:{acct}:loadbalancer/app/lb{i}/{i:016x}"),
            "LoadBalancerName": format!("lb{i}"), "Scheme": "internet-facing", "Type": "application", "VpcId": vpc,
            "IpAddressType": "ipv4", "AvailabilityZones": lb_subnets.iter().map(|s| json!({"SubnetId": s})).collect::<Vec<_>>()}));
    }
    json!({"Vpcs": v, "Subnets": s, "RouteTables": rt, "InternetGateways": igw, "NatGateways": nat, "Addresses": eip,
        "VpcPeeringConnections": pcx, "NetworkAcls": acl, "LoadBalancers": lb, "SecurityGroups": sg})
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    // `cargo bench -- <filter>` passes arguments; a number limits the largest scale (in VPCs).
    let max: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(4000);
    println!("| VPCs | resources | MB | serde_json parse | vpclint check | ratio | resources/s | findings |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let dir = std::env::temp_dir().join(format!("vpclint-bench-{}", std::process::id()));
    for vpcs in [250, 1000, 4000].into_iter().filter(|&n| n <= max) {
        let _ = std::fs::remove_dir_all(&dir);
        let mut bytes_total = 0;
        let accounts = 4;
        let mut files = vec![];
        for a in 0..accounts {
            let path = dir.join(format!("{:012}", 100000000000usize + a)).join("us-east-1");
            std::fs::create_dir_all(&path).expect("temp dir");
            let text = serde_json::to_vec_pretty(&generate(a, vpcs / accounts)).expect("serialise");
            bytes_total += text.len();
            std::fs::write(path.join("dump.json"), &text).expect("write");
            files.push(text);
        }
        let runs = if vpcs >= 4000 { 3 } else { 5 };
        let (parse, _) = best_of(runs, || {
            files.iter().map(|f| serde_json::from_slice::<Value>(f).map(|_| 1).unwrap_or(0)).sum::<usize>()
        });
        let (check, (resources, findings)) = best_of(runs, || {
            let loaded = ingest::load(&[Input::Path(dir.clone())], &mut std::io::empty());
            let findings = vpclint::check(&loaded.design, &vpclint::config::Config::default());
            let outcome = Outcome { design: &loaded.design, findings, errors: Vec::new() };
            let rendered = json_report::render(&outcome);
            std::hint::black_box(rendered);
            (loaded.design.resource_count(), outcome.findings.len())
        });
        let mb = bytes_total as f64 / 1e6;
        println!(
            "| {vpcs} | {resources} | {mb:.1} | {:.1} ms | {:.1} ms | {:.2} | {:.0} | {findings} |",
            parse.as_secs_f64() * 1e3,
            check.as_secs_f64() * 1e3,
            parse.as_secs_f64() / check.as_secs_f64(),
            resources as f64 / check.as_secs_f64(),
        );
    }
    // VPCLINT_BENCH_KEEP=1 keeps the largest generated dump for inspection.
    if std::env::var_os("VPCLINT_BENCH_KEEP").is_some() {
        eprintln!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
