//! Deterministic synthetic AWS estates for benchmarks: AWS CLI `describe-*` dumps laid out as
//! `<account>/<region>/describe-*.json`, and `terraform show -json` plans, at a given scale.
//!
//! Every VPC is a realistic three-tier network (public, private and data subnets in three zones,
//! an internet gateway, a NAT gateway per zone, peering to the next VPC, a transit gateway
//! attachment, network ACLs of 10–40 entries, cross-referencing security groups, an application
//! load balancer, interfaces and instances). A controlled sprinkle of VPCs carries each rule's
//! violation, so every rule family has real work and real findings.

use serde_json::{Value, json};
use std::path::Path;

/// Resources the AWS CLI dump holds per VPC (see [`vpc_dump`]).
pub const RESOURCES_PER_VPC: usize = 31;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// How many accounts, regions and VPCs make about `resources` resources.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub accounts: usize,
    pub regions: usize,
    pub vpcs_per_region: usize,
}

impl Scale {
    pub fn for_resources(resources: usize) -> Scale {
        let vpcs = (resources / RESOURCES_PER_VPC).max(2);
        let regions = if vpcs >= 4 { 2 } else { 1 };
        // At most 1,500 VPCs per region, as organisations spread them over accounts.
        let accounts = vpcs.div_ceil(regions * 1500).max(1);
        Scale { accounts, regions, vpcs_per_region: (vpcs / (accounts * regions)).max(2) }
    }
}

/// What was written.
#[derive(Default, Debug)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
}

fn account_id(a: usize) -> String {
    format!("{:012}", 210987654321usize + a * 1_000_003)
}

/// A short hexadecimal id, unique per account, region, VPC and item.
fn hex(a: usize, r: usize, v: usize, k: usize) -> String {
    format!("{a:04x}{r:01x}{v:04x}{k:08x}")
}

/// Addresses: VPC `v` of a region gets 10.x.y.0/20 (4,096 distinct per region) and a secondary
/// 100.64.0.0/10 block; its six subnets are /23s of the primary block.
fn vpc_block(v: usize) -> (u32, u32) {
    ((v >> 4) as u32 & 255, ((v & 15) << 4) as u32)
}

struct Region {
    out: std::collections::BTreeMap<&'static str, Vec<Value>>,
}

impl Region {
    fn push(&mut self, key: &'static str, v: Value) {
        self.out.entry(key).or_default().push(v);
    }
}

/// One VPC and everything in it, as `describe-*` items.
fn vpc_dump(reg: &mut Region, a: usize, r: usize, v: usize, vpcs: usize) {
    let acct = account_id(a);
    let region = REGIONS[r];
    let azs: Vec<String> = ["a", "b"].iter().map(|z| format!("{region}{z}")).collect();
    let id = |prefix: &str, k: usize| format!("{prefix}-{}", hex(a, r, v, k));
    let vpc = id("vpc", 0);
    let (x, y) = vpc_block(v);
    let primary = format!("10.{x}.{y}.0/20");
    // Every 50th VPC's secondary block overlaps the next VPC's primary (peered): PEER001.
    let secondary = if v % 50 == 49 {
        let (nx, ny) = vpc_block((v + 1) % vpcs);
        format!("10.{nx}.{ny}.0/24")
    } else {
        format!("100.{}.{}.0/24", 64 + (v >> 8), v & 255)
    };
    reg.push(
        "Vpcs",
        json!({"VpcId": vpc, "OwnerId": acct, "CidrBlock": primary, "IsDefault": false, "State": "available",
            "CidrBlockAssociationSet": [
                {"AssociationId": id("vpc-cidr-assoc", 1), "CidrBlock": primary, "CidrBlockState": {"State": "associated"}},
                {"AssociationId": id("vpc-cidr-assoc", 2), "CidrBlock": secondary, "CidrBlockState": {"State": "associated"}}],
            "Tags": [{"Key": "Name", "Value": format!("vpc-{a}-{r}-{v}")}, {"Key": "env", "Value": (["prod", "dev"][v % 2])}]}),
    );
    // Subnets: public, private and data in each of two zones.
    let mut subnets = Vec::new();
    for k in 0..6 {
        let sid = id("subnet", 10 + k);
        // Every 70th VPC has a data subnet outside its blocks: SUB001.
        let cidr = if k == 5 && v % 70 == 31 {
            format!("172.16.{}.0/24", v & 255)
        } else {
            format!("10.{x}.{}.0/23", y + 2 * k as u32)
        };
        let tier = ["public", "public", "private", "private", "data", "data"][k];
        reg.push(
            "Subnets",
            json!({"SubnetId": sid, "VpcId": vpc, "OwnerId": acct, "AvailabilityZone": azs[k % 2], "CidrBlock": cidr,
                "MapPublicIpOnLaunch": tier == "public", "State": "available",
                "Tags": [{"Key": "Name", "Value": format!("{tier}-{}", azs[k % 2])}]}),
        );
        subnets.push(sid);
    }
    let igw = id("igw", 20);
    reg.push(
        "InternetGateways",
        json!({"InternetGatewayId": igw, "OwnerId": acct, "Attachments": [{"State": "available", "VpcId": vpc}]}),
    );
    // A NAT gateway per zone in the public subnets, each with an Elastic IP; every 100th VPC's
    // first NAT gateway has none (NAT001), every 200th VPC keeps an idle address (EIP001).
    let mut nats = Vec::new();
    for (z, public_subnet) in subnets[..2].iter().enumerate() {
        let nat = id("nat", 30 + z);
        let alloc = id("eipalloc", 40 + z);
        let addresses = if v % 100 == 7 && z == 0 {
            json!([])
        } else {
            json!([{"AllocationId": alloc, "PublicIp": format!("198.51.{}.{}", v & 255, z), "NetworkInterfaceId": id("eni", 50 + z)}])
        };
        reg.push(
            "NatGateways",
            json!({"NatGatewayId": nat, "SubnetId": public_subnet, "VpcId": vpc, "State": "available",
                "ConnectivityType": "public", "NatGatewayAddresses": addresses}),
        );
        reg.push(
            "Addresses",
            json!({"AllocationId": alloc, "PublicIp": format!("198.51.{}.{}", v & 255, z), "Domain": "vpc",
                "AssociationId": id("eipassoc", 40 + z), "NetworkInterfaceId": id("eni", 50 + z)}),
        );
        nats.push(nat);
    }
    if v % 200 == 77 {
        reg.push(
            "Addresses",
            json!({"AllocationId": id("eipalloc", 49), "PublicIp": format!("203.0.113.{}", v & 255), "Domain": "vpc"}),
        );
    }
    // Peering with the next VPC of the region (a ring), routed both ways.
    let next = (v + 1) % vpcs;
    let prev = (v + vpcs - 1) % vpcs;
    let (px, py) = vpc_block(prev);
    let prev_pcx = format!("pcx-{}", hex(a, r, prev, 60));
    let pcx = id("pcx", 60);
    let (nx, ny) = vpc_block(next);
    reg.push(
        "VpcPeeringConnections",
        json!({"VpcPeeringConnectionId": pcx, "Status": {"Code": "active", "Message": "Active"},
            "RequesterVpcInfo": {"VpcId": vpc, "OwnerId": acct, "Region": region, "CidrBlock": primary},
            "AccepterVpcInfo": {"VpcId": format!("vpc-{}", hex(a, r, next, 0)), "OwnerId": acct, "Region": region,
                "CidrBlock": format!("10.{nx}.{ny}.0/20")}}),
    );
    let tgw = format!("tgw-{}", hex(a, r, 0xffff, 0));
    let local = |c: &str| json!({"DestinationCidrBlock": c, "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"});
    let peer_route =
        |dest: String| json!({"DestinationCidrBlock": dest, "VpcPeeringConnectionId": pcx, "State": "active"});
    let back_route = json!({"DestinationCidrBlock": format!("10.{px}.{py}.0/20"), "VpcPeeringConnectionId": prev_pcx, "State": "active"});
    // Public table (explicitly associated), private tables per zone with a NAT route.
    let public_assoc = vec![
        json!({"Main": true, "RouteTableAssociationId": id("rtbassoc", 70)}),
        json!({"Main": false, "SubnetId": subnets[0], "RouteTableAssociationId": id("rtbassoc", 71)}),
        json!({"Main": false, "SubnetId": subnets[1], "RouteTableAssociationId": id("rtbassoc", 72)}),
    ];
    reg.push(
        "RouteTables",
        json!({"RouteTableId": id("rtb", 80), "VpcId": vpc, "OwnerId": acct, "Associations": public_assoc,
            "Routes": [local(&primary), local(&secondary),
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "State": "active"},
                peer_route(format!("10.{nx}.{ny}.0/20")), back_route.clone()]}),
    );
    for z in 0..2 {
        let assoc = vec![
            json!({"Main": false, "SubnetId": subnets[2 + z], "RouteTableAssociationId": id("rtbassoc", 73 + z)}),
            json!({"Main": false, "SubnetId": subnets[4 + z], "RouteTableAssociationId": id("rtbassoc", 75 + z)}),
        ];
        // Every 15th VPC sends zone b through zone a's NAT gateway (NAT003); every 60th routes
        // zone b to a NAT gateway that no longer exists (RT001).
        let gone = v % 60 == 23 && z == 1;
        let nat = if v % 15 == 2 && z == 1 {
            nats[0].clone()
        } else if gone {
            id("nat", 39)
        } else {
            nats[z].clone()
        };
        // AWS marks a route whose target is gone `blackhole`.
        let state = if gone { "blackhole" } else { "active" };
        // Every 20th VPC routes a range beyond its peer through the peering: PEER002.
        let far = if v % 20 == 3 && z == 0 { "10.255.0.0/16".to_string() } else { format!("10.{nx}.{ny}.0/20") };
        reg.push(
            "RouteTables",
            json!({"RouteTableId": id("rtb", 81 + z), "VpcId": vpc, "OwnerId": acct, "Associations": assoc,
                "Routes": [local(&primary), local(&secondary),
                    {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat, "State": state},
                    peer_route(far), back_route.clone(),
                    {"DestinationCidrBlock": "10.128.0.0/9", "TransitGatewayId": tgw, "State": "active"}]}),
        );
    }
    // Network ACLs: public (10–40 entries) and private (allow the VPC and replies).
    let mut entries = Vec::new();
    let ports = [22u16, 80, 443, 3306, 5432, 6379, 8080, 8443, 9000, 9090];
    let n = 10 + v % 31;
    for e in 0..n.saturating_sub(6) {
        let port = ports[e % ports.len()] + (e / ports.len()) as u16;
        // Every 45th VPC numbers two inbound entries alike: NACL003.
        let number = if v % 45 == 19 && e == 1 { 100 } else { 100 + e * 10 };
        entries.push(json!({"RuleNumber": number, "Egress": false, "Protocol": "6", "RuleAction": "allow",
            "CidrBlock": if e == 0 { "10.0.0.0/8" } else { "0.0.0.0/0" }, "PortRange": {"From": port, "To": port}}));
    }
    // Every 10th VPC allows only the upper ephemeral ports back out: NACL001.
    let from = if v % 10 == 5 { 32768 } else { 1024 };
    entries.push(json!({"RuleNumber": 90, "Egress": true, "Protocol": "6", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 25, "To": 25}}));
    entries.push(json!({"RuleNumber": 100, "Egress": true, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": from, "To": 65535}}));
    entries.push(json!({"RuleNumber": 110, "Egress": true, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}}));
    entries.push(json!({"RuleNumber": 900, "Egress": false, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}}));
    for egress in [false, true] {
        entries.push(json!({"RuleNumber": 32767, "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}));
    }
    reg.push(
        "NetworkAcls",
        json!({"NetworkAclId": id("acl", 90), "VpcId": vpc, "OwnerId": acct, "IsDefault": false, "Entries": entries,
            "Associations": subnets[..2].iter().enumerate().map(|(i, s)| json!({"NetworkAclAssociationId": id("aclassoc", 91 + i), "SubnetId": s})).collect::<Vec<_>>()}),
    );
    let mut private_entries = Vec::new();
    for egress in [false, true] {
        private_entries.push(json!({"RuleNumber": 100, "Egress": egress, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}));
        private_entries.push(json!({"RuleNumber": 32767, "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}));
    }
    reg.push(
        "NetworkAcls",
        json!({"NetworkAclId": id("acl", 95), "VpcId": vpc, "OwnerId": acct, "IsDefault": true, "Entries": private_entries,
            "Associations": subnets[2..].iter().enumerate().map(|(i, s)| json!({"NetworkAclAssociationId": id("aclassoc", 96 + i), "SubnetId": s})).collect::<Vec<_>>()}),
    );
    // Security groups: the load balancer's, the application's (from the load balancer's group),
    // the database's (from the application's). Every 40th VPC's database group still references a
    // deleted group (SG002); every 30th VPC opens SSH to the world on the app group (SG001).
    let (sg_lb, sg_app, sg_db) = (id("sg", 100), id("sg", 101), id("sg", 102));
    let world = |port: u16| json!({"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []});
    let from_group = |port: u16, g: &str| json!({"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": g, "UserId": acct}]});
    let egress_all = json!([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []}]);
    reg.push(
        "SecurityGroups",
        json!({"GroupId": sg_lb, "GroupName": "alb", "Description": "load balancer", "VpcId": vpc, "OwnerId": acct,
            "IpPermissions": [world(443), world(80)], "IpPermissionsEgress": egress_all}),
    );
    let mut app_in = vec![from_group(8080, &sg_lb)];
    if v % 30 == 17 {
        app_in.push(world(22));
    }
    reg.push(
        "SecurityGroups",
        json!({"GroupId": sg_app, "GroupName": "app", "Description": "application", "VpcId": vpc, "OwnerId": acct,
            "IpPermissions": app_in, "IpPermissionsEgress": egress_all}),
    );
    let db_source = if v % 40 == 13 { id("sg", 199) } else { sg_app.clone() };
    reg.push(
        "SecurityGroups",
        json!({"GroupId": sg_db, "GroupName": "db", "Description": "database", "VpcId": vpc, "OwnerId": acct,
            "IpPermissions": [from_group(5432, &db_source)], "IpPermissionsEgress": egress_all}),
    );
    // An internet-facing application load balancer in the public subnets, with a listener and a
    // target group.
    let lb_arn = format!("arn:aws:elasticloadbalancing:{region}:{acct}:loadbalancer/app/web-{v}/{}", hex(a, r, v, 110));
    reg.push(
        "LoadBalancers",
        json!({"LoadBalancerArn": lb_arn, "LoadBalancerName": format!("web-{v}"), "Scheme": "internet-facing",
            "Type": "application", "VpcId": vpc, "IpAddressType": "ipv4", "State": {"Code": "active"},
            "SecurityGroups": [sg_lb],
            // Every 25th VPC places it in a private subnet: LB001.
            "AvailabilityZones": [{"ZoneName": azs[0], "SubnetId": subnets[0]},
                {"ZoneName": azs[1], "SubnetId": subnets[if v % 25 == 11 { 3 } else { 1 }]}]}),
    );
    let tg_arn = format!("arn:aws:elasticloadbalancing:{region}:{acct}:targetgroup/app-{v}/{}", hex(a, r, v, 111));
    reg.push(
        "TargetGroups",
        json!({"TargetGroupArn": tg_arn, "TargetGroupName": format!("app-{v}"), "Protocol": "HTTP", "Port": 8080,
            "VpcId": vpc, "TargetType": "instance", "LoadBalancerArns": [lb_arn]}),
    );
    reg.push(
        "Listeners",
        json!({"ListenerArn": format!("arn:aws:elasticloadbalancing:{region}:{acct}:listener/app/web-{v}/{}/{}", hex(a, r, v, 110), hex(a, r, v, 112)),
            "LoadBalancerArn": lb_arn, "Port": 443, "Protocol": "HTTPS",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn}]}),
    );
    // Application instances in the private subnets, each with its interface.
    let mut instances = Vec::new();
    for k in 0..3 {
        let subnet = &subnets[2 + k % 2];
        let ip = format!("10.{x}.{}.{}", y + 4 + 2 * (k as u32 % 2), 10 + k);
        let eni = id("eni", 120 + k);
        reg.push(
            "NetworkInterfaces",
            json!({"NetworkInterfaceId": eni, "SubnetId": subnet, "VpcId": vpc, "AvailabilityZone": azs[k % 2],
                "PrivateIpAddress": ip, "PrivateIpAddresses": [{"PrivateIpAddress": ip, "Primary": true}],
                "Groups": [{"GroupId": sg_app, "GroupName": "app"}], "Status": "in-use", "InterfaceType": "interface",
                "Attachment": {"InstanceId": id("i", 130 + k), "DeviceIndex": 0, "Status": "attached"}}),
        );
        instances.push(json!({"InstanceId": id("i", 130 + k), "InstanceType": "m6i.large", "SubnetId": subnet, "VpcId": vpc,
            "PrivateIpAddress": ip, "State": {"Code": 16, "Name": "running"},
            "SecurityGroups": [{"GroupId": sg_app, "GroupName": "app"}],
            "NetworkInterfaces": [{"NetworkInterfaceId": eni, "SubnetId": subnet, "Groups": [{"GroupId": sg_app, "GroupName": "app"}]}]}));
    }
    reg.push("Reservations", json!({"ReservationId": id("r", 140), "OwnerId": acct, "Instances": instances}));
    // The VPC's transit gateway attachment, associated with one of two tables by pairs, so the
    // 50th VPC's overlap with the next also shares a table: TGW001.
    let table = format!("tgw-rtb-{}", hex(a, r, 0xffff, 1 + v.div_ceil(2) % 2));
    reg.push(
        "TransitGatewayAttachments",
        json!({"TransitGatewayAttachmentId": id("tgw-attach", 150), "TransitGatewayId": tgw, "TransitGatewayOwnerId": acct,
            "ResourceOwnerId": acct, "ResourceType": "vpc", "ResourceId": vpc, "State": "available",
            "Association": {"TransitGatewayRouteTableId": table, "State": "associated"}}),
    );
}

/// The transit gateway of a region and its two route tables.
fn region_dump(reg: &mut Region, a: usize, r: usize) {
    let acct = account_id(a);
    let tgw = format!("tgw-{}", hex(a, r, 0xffff, 0));
    reg.push("TransitGateways", json!({"TransitGatewayId": tgw, "OwnerId": acct, "State": "available"}));
    for t in 1..3 {
        reg.push(
            "TransitGatewayRouteTables",
            json!({"TransitGatewayRouteTableId": format!("tgw-rtb-{}", hex(a, r, 0xffff, t)), "TransitGatewayId": tgw,
                "State": "available", "DefaultAssociationRouteTable": t == 1, "DefaultPropagationRouteTable": t == 1}),
        );
    }
}

/// The AWS CLI command that lists each key.
fn file_for(key: &str) -> &'static str {
    match key {
        "Vpcs" => "describe-vpcs",
        "Subnets" => "describe-subnets",
        "RouteTables" => "describe-route-tables",
        "InternetGateways" => "describe-internet-gateways",
        "NatGateways" => "describe-nat-gateways",
        "Addresses" => "describe-addresses",
        "VpcPeeringConnections" => "describe-vpc-peering-connections",
        "NetworkAcls" => "describe-network-acls",
        "SecurityGroups" => "describe-security-groups",
        "LoadBalancers" => "elbv2-describe-load-balancers",
        "TargetGroups" => "elbv2-describe-target-groups",
        "Listeners" => "elbv2-describe-listeners",
        "NetworkInterfaces" => "describe-network-interfaces",
        "Reservations" => "describe-instances",
        "TransitGateways" => "describe-transit-gateways",
        "TransitGatewayAttachments" => "describe-transit-gateway-attachments",
        "TransitGatewayRouteTables" => "describe-transit-gateway-route-tables",
        _ => "describe-other",
    }
}

/// Write an account dump of `scale` under `dir` (`<account>/<region>/describe-*.json`).
pub fn write_aws(dir: &Path, scale: Scale) -> std::io::Result<Written> {
    let mut written = Written::default();
    for a in 0..scale.accounts {
        for (r, region) in REGIONS.iter().enumerate().take(scale.regions) {
            let mut reg = Region { out: Default::default() };
            region_dump(&mut reg, a, r);
            for v in 0..scale.vpcs_per_region {
                vpc_dump(&mut reg, a, r, v, scale.vpcs_per_region);
            }
            let path = dir.join(account_id(a)).join(region);
            std::fs::create_dir_all(&path)?;
            for (key, items) in reg.out {
                let text = serde_json::to_vec_pretty(&json!({ key: items }))?;
                written.bytes += text.len();
                written.files += 1;
                std::fs::write(path.join(format!("{}.json", file_for(key))), text)?;
            }
        }
    }
    Ok(written)
}

/// One managed resource of a plan: its planned values, its change, and its configuration.
struct PlanResource {
    address: String,
    rtype: &'static str,
    values: Value,
    unknown: Value,
    /// Attribute → addresses it refers to.
    references: Vec<(&'static str, Vec<String>)>,
}

fn plan_resources(v: usize, vpcs: usize) -> Vec<PlanResource> {
    let mut out = Vec::new();
    let (x, y) = vpc_block(v);
    let name = |t: &str, k: usize| format!("{t}.v{v}_{k}");
    let refer = |addr: &str| vec![format!("{addr}.id"), addr.to_string()];
    let mut push = |address: String, rtype: &'static str, values: Value, unknown: Value, references| {
        out.push(PlanResource { address, rtype, values, unknown, references })
    };
    let vpc = name("aws_vpc", 0);
    let cidr = format!("10.{x}.{y}.0/20");
    push(
        vpc.clone(),
        "aws_vpc",
        json!({"cidr_block": cidr, "enable_dns_support": true, "enable_dns_hostnames": true, "tags": {"Name": format!("vpc-{v}")}}),
        json!({"id": true, "arn": true, "ipv6_cidr_block": true, "main_route_table_id": true, "default_network_acl_id": true}),
        vec![],
    );
    let igw = name("aws_internet_gateway", 0);
    push(
        igw.clone(),
        "aws_internet_gateway",
        json!({"tags": {"Name": "igw"}}),
        json!({"id": true, "vpc_id": true}),
        vec![("vpc_id", refer(&vpc))],
    );
    let mut subnets = Vec::new();
    for k in 0..6 {
        let s = name("aws_subnet", k);
        // Every 70th VPC: a subnet outside the VPC (SUB001).
        let c = if k == 5 && v % 70 == 31 {
            format!("172.16.{}.0/24", v & 255)
        } else {
            format!("10.{x}.{}.0/23", y + 2 * k as u32)
        };
        push(
            s.clone(),
            "aws_subnet",
            json!({"cidr_block": c, "availability_zone": (["us-east-1a", "us-east-1b", "us-east-1c"][k % 3]), "map_public_ip_on_launch": k < 2}),
            json!({"id": true, "vpc_id": true, "arn": true}),
            vec![("vpc_id", refer(&vpc))],
        );
        subnets.push(s);
    }
    let eip = name("aws_eip", 0);
    push(
        eip.clone(),
        "aws_eip",
        json!({"domain": "vpc"}),
        json!({"id": true, "allocation_id": true, "public_ip": true}),
        vec![],
    );
    let nat = name("aws_nat_gateway", 0);
    // Every 100th VPC's NAT gateway has no allocation (NAT001).
    let nat_refs = if v % 100 == 7 {
        vec![("subnet_id", refer(&subnets[0]))]
    } else {
        vec![("subnet_id", refer(&subnets[0])), ("allocation_id", refer(&eip))]
    };
    push(
        nat.clone(),
        "aws_nat_gateway",
        json!({"connectivity_type": "public"}),
        json!({"id": true, "subnet_id": true, "allocation_id": v % 100 != 7}),
        nat_refs,
    );
    let public_rt = name("aws_route_table", 0);
    push(
        public_rt.clone(),
        "aws_route_table",
        json!({"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": null, "nat_gateway_id": "", "vpc_peering_connection_id": ""}]}),
        json!({"id": true, "vpc_id": true, "route": [{"gateway_id": true}]}),
        vec![("vpc_id", refer(&vpc)), ("route.gateway_id", refer(&igw))],
    );
    let private_rt = name("aws_route_table", 1);
    push(
        private_rt.clone(),
        "aws_route_table",
        json!({}),
        json!({"id": true, "vpc_id": true}),
        vec![("vpc_id", refer(&vpc))],
    );
    push(
        name("aws_route", 0),
        "aws_route",
        json!({"destination_cidr_block": "0.0.0.0/0"}),
        json!({"id": true, "route_table_id": true, "nat_gateway_id": true}),
        vec![("route_table_id", refer(&private_rt)), ("nat_gateway_id", refer(&nat))],
    );
    for (k, s) in subnets.iter().enumerate() {
        let table = if k < 2 { &public_rt } else { &private_rt };
        push(
            name("aws_route_table_association", k),
            "aws_route_table_association",
            json!({}),
            json!({"id": true, "subnet_id": true, "route_table_id": true}),
            vec![("subnet_id", refer(s)), ("route_table_id", refer(table))],
        );
    }
    // Peering with the next VPC, and a route through it (every 20th too wide: PEER002).
    let pcx = name("aws_vpc_peering_connection", 0);
    let next = format!("aws_vpc.v{}_0", (v + 1) % vpcs);
    push(
        pcx.clone(),
        "aws_vpc_peering_connection",
        json!({"auto_accept": true}),
        json!({"id": true, "vpc_id": true, "peer_vpc_id": true}),
        vec![("vpc_id", refer(&vpc)), ("peer_vpc_id", refer(&next))],
    );
    let (nx, ny) = vpc_block((v + 1) % vpcs);
    let dest = if v % 20 == 3 { "10.255.0.0/16".to_string() } else { format!("10.{nx}.{ny}.0/20") };
    push(
        name("aws_route", 1),
        "aws_route",
        json!({"destination_cidr_block": dest}),
        json!({"id": true, "route_table_id": true, "vpc_peering_connection_id": true}),
        vec![("route_table_id", refer(&private_rt)), ("vpc_peering_connection_id", refer(&pcx))],
    );
    // Security groups with inline rules: the load balancer's and the application's.
    let sg_lb = name("aws_security_group", 0);
    let rule = |port: u16, cidrs: Vec<&str>| json!({"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": cidrs, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""});
    push(
        sg_lb.clone(),
        "aws_security_group",
        json!({"name": format!("alb-{v}"), "ingress": [rule(443, vec!["0.0.0.0/0"])], "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""}]}),
        json!({"id": true, "vpc_id": true, "arn": true}),
        vec![("vpc_id", refer(&vpc))],
    );
    // Every 30th VPC: SSH open to the world (SG001).
    let app_rules = if v % 30 == 17 {
        vec![rule(22, vec!["0.0.0.0/0"]), rule(8080, vec!["10.0.0.0/8"])]
    } else {
        vec![rule(8080, vec!["10.0.0.0/8"])]
    };
    push(
        name("aws_security_group", 1),
        "aws_security_group",
        json!({"name": format!("app-{v}"), "ingress": app_rules, "egress": []}),
        json!({"id": true, "vpc_id": true}),
        vec![("vpc_id", refer(&vpc))],
    );
    // A public network ACL (every 10th forgets the lower ephemeral ports: NACL001).
    let from = if v % 10 == 5 { 32768 } else { 1024 };
    let entry = |n: usize, port_from: u16, port_to: u16, cidr: &str| json!({"rule_no": n, "action": "allow", "protocol": "6", "cidr_block": cidr, "from_port": port_from, "to_port": port_to, "icmp_code": 0, "icmp_type": 0, "ipv6_cidr_block": ""});
    let ingress: Vec<Value> =
        (0..10 + v % 21).map(|e| entry(100 + e * 10, 443 + e as u16, 443 + e as u16, "0.0.0.0/0")).collect();
    push(
        name("aws_network_acl", 0),
        "aws_network_acl",
        json!({"ingress": ingress, "egress": [entry(100, from, 65535, "0.0.0.0/0")]}),
        json!({"id": true, "vpc_id": true, "subnet_ids": true}),
        vec![("vpc_id", refer(&vpc)), ("subnet_ids", subnets[..2].iter().flat_map(|s| refer(s)).collect())],
    );
    // An internet-facing load balancer (every 25th in the private subnets: LB001).
    let lb_subnets: Vec<String> = if v % 25 == 11 {
        subnets[2..4].iter().flat_map(|s| refer(s)).collect()
    } else {
        subnets[..2].iter().flat_map(|s| refer(s)).collect()
    };
    push(
        name("aws_lb", 0),
        "aws_lb",
        json!({"name": format!("web-{v}"), "internal": false, "load_balancer_type": "application"}),
        json!({"id": true, "arn": true, "subnets": true, "security_groups": true, "dns_name": true}),
        vec![("subnets", lb_subnets), ("security_groups", refer(&sg_lb))],
    );
    out
}

/// Write `terraform show -json` plans of `scale` under `dir`: one plan per account and region
/// (a root module creating that region's VPCs).
pub fn write_terraform(dir: &Path, scale: Scale) -> std::io::Result<Written> {
    let mut written = Written::default();
    for a in 0..scale.accounts {
        for region in REGIONS.iter().take(scale.regions) {
            let (mut planned, mut changes, mut config) = (Vec::new(), Vec::new(), Vec::new());
            for v in 0..scale.vpcs_per_region {
                for p in plan_resources(v, scale.vpcs_per_region) {
                    let (rtype, rname) = p.address.split_once('.').unwrap_or((p.rtype, &p.address));
                    planned.push(json!({"address": p.address, "mode": "managed", "type": rtype, "name": rname,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                        "values": p.values, "sensitive_values": {}}));
                    changes.push(json!({"address": p.address, "mode": "managed", "type": rtype, "name": rname,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": null, "after": p.values, "after_unknown": p.unknown,
                            "before_sensitive": false, "after_sensitive": {}}}));
                    let mut expressions = serde_json::Map::new();
                    for (attr, refs) in p.references {
                        // `route.gateway_id` is an attribute of a nested block.
                        match attr.split_once('.') {
                            Some((block, inner)) => {
                                expressions.insert(block.into(), json!([{ inner: {"references": refs} }]));
                            }
                            None => {
                                expressions.insert(attr.into(), json!({"references": refs}));
                            }
                        }
                    }
                    config.push(json!({"address": p.address, "mode": "managed", "type": rtype, "name": rname,
                        "provider_config_key": "aws", "expressions": expressions, "schema_version": 0}));
                }
            }
            let plan = json!({"format_version": "1.2", "terraform_version": "1.9.8",
                "planned_values": {"root_module": {"resources": planned}},
                "resource_changes": changes,
                "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": region}}}},
                    "root_module": {"resources": config}},
                "applyable": true, "complete": true, "errored": false});
            let path = dir.join(format!("{}-{region}", account_id(a)));
            std::fs::create_dir_all(&path)?;
            let text = serde_json::to_vec(&plan)?;
            written.bytes += text.len();
            written.files += 1;
            std::fs::write(path.join("plan.json"), text)?;
        }
    }
    Ok(written)
}

/// Write a Terraform root module of `vpcs` VPCs, each with public and private subnets in three
/// zones (for_each over a map), a NAT gateway per zone, route tables and associations (count and
/// element()), and a security group: about ten resources per VPC plus three per zone. Returns the
/// number of resource instances.
pub fn write_terraform_sources(dir: &Path, vpcs: usize) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let names: Vec<String> = (0..vpcs).map(|v| format!("\"vpc{v}\" = {}", v % 250)).collect();
    let tf = format!(
        r#"locals {{
  vpcs  = {{ {vpcs} }}
  zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  subnets = merge([
    for name, n in local.vpcs : {{
      for i, zone in local.zones : "${{name}}-${{zone}}" => {{ vpc = name, zone = zone, index = i, n = n }}
    }}
  ]...)
}}

resource "aws_vpc" "this" {{
  for_each   = local.vpcs
  cidr_block = "10.${{each.value}}.0.0/16"
  tags       = {{ Name = each.key }}
}}

resource "aws_internet_gateway" "this" {{
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
}}

resource "aws_subnet" "public" {{
  for_each          = local.subnets
  vpc_id            = aws_vpc.this[each.value.vpc].id
  cidr_block        = cidrsubnet(aws_vpc.this[each.value.vpc].cidr_block, 8, each.value.index)
  availability_zone = each.value.zone
}}

resource "aws_subnet" "private" {{
  for_each          = local.subnets
  vpc_id            = aws_vpc.this[each.value.vpc].id
  cidr_block        = cidrsubnet(aws_vpc.this[each.value.vpc].cidr_block, 8, each.value.index + 10)
  availability_zone = each.value.zone
}}

resource "aws_route_table" "public" {{
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[each.key].id
  }}
}}

resource "aws_route_table_association" "public" {{
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public[local.subnets[each.key].vpc].id
}}

resource "aws_eip" "nat" {{
  for_each = local.subnets
  domain   = "vpc"
}}

resource "aws_nat_gateway" "this" {{
  for_each      = local.subnets
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id
}}

resource "aws_route_table" "private" {{
  for_each = local.subnets
  vpc_id   = aws_vpc.this[each.value.vpc].id
  route {{
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[each.key].id
  }}
}}

resource "aws_route_table_association" "private" {{
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}}

resource "aws_security_group" "web" {{
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"#,
        vpcs = names.join(", ")
    );
    std::fs::write(dir.join("main.tf"), tf)?;
    Ok(vpcs * 5 + vpcs * 3 * 7)
}
