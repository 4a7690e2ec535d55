//! AWS CLI / boto3 `describe-*` output: files are recognised by their top-level keys, never by name.

use super::{ErrorLocation, HasMeta, InputError, LoadState, Loaded};
use crate::model::net::{PortRange, Protocol, parse_cidr};
use crate::model::*;
use crate::source::{FileId, Origin};
use ipnet::IpNet;
use serde_json_borrow::{ObjectAsVec as Map, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// Account and region implied by a path laid out as `…/<account-id>/<region>/…`
/// (or Batfish's `…/accounts/<account>/<region>/…`).
#[derive(Clone, Debug, Default)]
pub struct PathScope {
    pub account: Option<String>,
    pub region: Option<String>,
}

impl PathScope {
    pub fn from_path(path: Option<&Path>) -> PathScope {
        let mut scope = PathScope::default();
        let Some(path) = path else { return scope };
        let parts: Vec<String> = path
            .parent()
            .map(|p| p.components().filter_map(|c| c.as_os_str().to_str().map(str::to_string)).collect())
            .unwrap_or_default();
        for (i, part) in parts.iter().enumerate() {
            let after_accounts = i > 0 && parts[i - 1] == "accounts";
            if after_accounts || (part.len() == 12 && part.bytes().all(|b| b.is_ascii_digit())) {
                scope.account = Some(part.clone());
            } else if is_region(part) {
                scope.region = Some(part.clone());
            }
        }
        scope
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, …
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.len() <= 4
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The region of an availability zone name (`us-east-1a` → `us-east-1`).
fn region_of_zone(zone: &str) -> Option<String> {
    let trimmed = zone.trim_end_matches(|c: char| c.is_ascii_lowercase());
    if is_region(trimmed) {
        return Some(trimmed.to_string());
    }
    // Local and Wavelength zones: `us-west-2-lax-1a`.
    let parts: Vec<&str> = zone.split('-').collect();
    (parts.len() > 3).then(|| parts[..3].join("-")).filter(|r| is_region(r))
}

/// Account and region of an ARN (`arn:aws:elasticloadbalancing:us-east-1:123456789012:…`).
fn arn_scope(arn: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return (None, None);
    }
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    (some(parts[4]), some(parts[3]).filter(|r| is_region(r)))
}

/// Keys that describe a response, not resources.
const METADATA_KEYS: &[&str] = &["ResponseMetadata", "NextToken", "Marker", "NextMarker", "IsTruncated"];

/// Read one parsed JSON document: what it holds, ready to merge into a load.
pub(crate) fn read_listing(file: FileId, name: &str, value: &Value<'_>, scope: &PathScope) -> Listing {
    let mut ctx = Ctx { file, name, scope, listing: Listing::default(), recognised: 0 };
    read_document(&mut ctx, value);
    ctx.listing
}

fn read_document(ctx: &mut Ctx<'_>, value: &Value<'_>) {
    let Some(mut root) = value.as_object() else {
        ctx.listing.errors.push(InputError {
            file: Some(ctx.file),
            path: ctx.name.to_string(),
            location: ErrorLocation::Pointer(String::new()),
            message: format!("expected a JSON object of AWS CLI output, found {}", kind_of(value)),
            help: Some("vpclint reads the output of `aws ec2 describe-*` and `aws elbv2 describe-*`".into()),
        });
        return;
    };
    let mut prefix = String::new();
    // boto3 recordings (placebo) wrap the response: {"status_code": 200, "data": {...}}.
    if root.contains_key("status_code")
        && let Some(data) = member(root, "data").and_then(Value::as_object)
    {
        root = data;
        prefix = "/data".into();
    }
    let mut keys: Vec<&str> = root.keys().collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let Some(value) = member(root, key) else { continue };
        let pointer = format!("{prefix}/{}", escape(key));
        if METADATA_KEYS.contains(&key) {
            *ctx.listing.stats.metadata_keys.entry(key.to_string()).or_default() += 1;
            continue;
        }
        let Some(reader) = reader_for(key) else {
            let n = value.as_array().map_or(1, <[Value]>::len);
            *ctx.listing.stats.unmodelled_keys.entry(key.to_string()).or_default() += n;
            continue;
        };
        ctx.recognised += 1;
        let Some(items) = value.as_array() else {
            if !value.is_null() {
                ctx.error(&pointer, format!("`{key}` must be an array, found {}", kind_of(value)));
            }
            continue;
        };
        reader(ctx, &pointer, items);
    }
    if ctx.recognised > 0 {
        ctx.listing.recognised = true;
    }
    if ctx.recognised == 0 && !root.keys().all(|k| METADATA_KEYS.contains(&k)) {
        let mut keys: Vec<&str> = root.keys().collect();
        keys.sort_unstable();
        keys.dedup();
        keys.truncate(5);
        ctx.listing
            .stats
            .files_skipped
            .push((ctx.name.to_string(), format!("no AWS network resources (top-level keys: {})", keys.join(", "))));
    }
}

/// The value of `key` in `obj`. With a repeated key the last one counts, as in serde_json.
fn member<'v, 'a>(obj: &'v Map<'a>, key: &str) -> Option<&'v Value<'a>> {
    obj.as_vec().iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v)
}

type Reader = fn(&mut Ctx<'_>, &str, &[Value<'_>]);

fn reader_for(key: &str) -> Option<Reader> {
    Some(match key {
        "Vpcs" => |c, p, items| c.each(p, items, ResourceKind::Vpc, read_vpc),
        "Subnets" => |c, p, items| c.each(p, items, ResourceKind::Subnet, read_subnet),
        "RouteTables" => |c, p, items| c.each(p, items, ResourceKind::RouteTable, read_route_table),
        "InternetGateways" => |c, p, items| c.each(p, items, ResourceKind::InternetGateway, read_igw),
        "EgressOnlyInternetGateways" => {
            |c, p, items| c.each(p, items, ResourceKind::EgressOnlyInternetGateway, read_eigw)
        }
        "NatGateways" => |c, p, items| c.each(p, items, ResourceKind::NatGateway, read_nat),
        "Addresses" => |c, p, items| c.each(p, items, ResourceKind::ElasticIp, read_address),
        "VpcPeeringConnections" => |c, p, items| c.each(p, items, ResourceKind::PeeringConnection, read_peering),
        "SecurityGroups" => |c, p, items| c.each(p, items, ResourceKind::SecurityGroup, read_sg),
        "NetworkAcls" => |c, p, items| c.each(p, items, ResourceKind::NetworkAcl, read_nacl),
        "LoadBalancers" => |c, p, items| c.each(p, items, ResourceKind::LoadBalancer, read_elbv2),
        "LoadBalancerDescriptions" => |c, p, items| c.each(p, items, ResourceKind::LoadBalancer, read_classic_elb),
        "TargetGroups" => |c, p, items| c.each(p, items, ResourceKind::TargetGroup, read_target_group),
        "Listeners" => |c, p, items| c.each(p, items, ResourceKind::Listener, read_listener),
        "NetworkInterfaces" => |c, p, items| c.each(p, items, ResourceKind::NetworkInterface, read_eni),
        "Reservations" => read_reservations,
        "TransitGateways" => |c, p, items| c.each(p, items, ResourceKind::TransitGateway, read_tgw),
        "TransitGatewayAttachments" => {
            |c, p, items| c.each(p, items, ResourceKind::TransitGatewayAttachment, read_tgw_attachment)
        }
        "TransitGatewayVpcAttachments" => {
            |c, p, items| c.each(p, items, ResourceKind::TransitGatewayVpcAttachment, read_tgw_vpc_attachment)
        }
        "TransitGatewayRouteTables" => {
            |c, p, items| c.each(p, items, ResourceKind::TransitGatewayRouteTable, read_tgw_route_table)
        }
        "VpcEndpoints" => |c, p, items| c.each(p, items, ResourceKind::VpcEndpoint, read_endpoint),
        "TargetHealthByGroup" => read_target_health,
        "TransitGatewayRouteTablePropagations" => |c, p, items| read_tgw_links(c, p, items, true),
        "Associations" => |c, p, items| read_tgw_links(c, p, items, false),
        "ManagedPrefixLists" | "PrefixLists" => {
            |c, p, items| c.each(p, items, ResourceKind::ManagedPrefixList, read_prefix_list)
        }
        _ => return None,
    })
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn kind_of(v: &Value<'_>) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Str(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct Ctx<'a> {
    file: FileId,
    name: &'a str,
    scope: &'a PathScope,
    listing: Listing,
    /// Top-level keys read as resource listings.
    recognised: usize,
}

/// A resource read from a listing, waiting to be added to the design (or counted as a duplicate).
type Pending = Box<dyn FnOnce(&mut LoadState, &mut Design) + Send>;

/// What one AWS CLI file holds, read on its own (on a worker thread) and merged into the load in
/// file order, so that the result is the same whichever thread read it.
#[derive(Default)]
pub(crate) struct Listing {
    pending: Vec<Pending>,
    errors: Vec<InputError>,
    /// Whether the file held a listing vpclint reads.
    recognised: bool,
    kinds_present: BTreeSet<ResourceKind>,
    kinds_listed: BTreeSet<crate::model::Listed>,
    tgw_table_links: Vec<(String, String, bool)>,
    target_registrations: Vec<(String, Target)>,
    stats: Stats,
}

impl Listing {
    pub(crate) fn merge_into(self, state: &mut LoadState, loaded: &mut Loaded) {
        let Listing {
            pending,
            errors,
            recognised,
            kinds_present,
            kinds_listed,
            tgw_table_links,
            target_registrations,
            stats,
        } = self;
        for add in pending {
            add(state, &mut loaded.design);
        }
        loaded.errors.extend(errors);
        loaded.recognised += usize::from(recognised);
        let design = &mut loaded.design;
        design.kinds_present.extend(kinds_present);
        design.kinds_listed.extend(kinds_listed);
        design.tgw_table_links.extend(tgw_table_links);
        design.target_registrations.extend(target_registrations);
        design.stats.absorb(stats);
    }
}

/// A field that could not be read: where, and why.
struct FieldError {
    pointer: String,
    message: String,
}

type Res<T> = Result<T, FieldError>;

impl Ctx<'_> {
    fn error(&mut self, pointer: &str, message: String) {
        self.listing.errors.push(InputError {
            file: Some(self.file),
            path: self.name.to_string(),
            location: ErrorLocation::Pointer(pointer.to_string()),
            message,
            help: None,
        });
    }

    /// Read each element of a resource list; a bad element is reported and skipped, the rest load.
    fn each(
        &mut self,
        pointer: &str,
        items: &[Value<'_>],
        kind: ResourceKind,
        read: fn(&mut Ctx<'_>, Item<'_>) -> Res<()>,
    ) {
        self.listing.kinds_present.insert(kind);
        self.listing.kinds_listed.insert((kind, self.scope.account.clone(), self.scope.region.clone()));
        for (i, v) in items.iter().enumerate() {
            let ptr = format!("{pointer}/{i}");
            let result = match v.as_object() {
                Some(obj) => read(self, Item { obj, ptr: ptr.clone() }),
                None => Err(FieldError {
                    pointer: ptr.clone(),
                    message: format!("expected a {} object, found {}", kind.name(), kind_of(v)),
                }),
            };
            if let Err(e) = result {
                *self.listing.stats.rejected.entry(kind).or_default() += 1;
                self.error(&e.pointer, e.message);
            }
        }
    }

    /// Common metadata. A `<account>/<region>/` layout is the user's own statement of where a dump
    /// came from (Batfish snapshots reuse one recorded file under several accounts), so the path
    /// wins; the content (`OwnerId`, zone, ARN) fills what the path does not say.
    fn meta(
        &self,
        item: &Item<'_>,
        id_key: &'static str,
        account: Option<String>,
        region: Option<String>,
    ) -> Res<Meta> {
        let id = item.req_str(id_key)?;
        let tags = item.tags()?;
        let name = tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.clone());
        Ok(Meta {
            id: id.to_string(),
            account: self.scope.account.clone().or(account),
            region: self.scope.region.clone().or(region),
            name,
            tags,
            origin: Origin::new(self.file, item.ptr.clone()),
            id_key,
            module_source: None,
            document: None,
            provenance: crate::model::Provenance::Dump,
        })
    }

    fn origin(&self, pointer: &str) -> Origin {
        Origin::new(self.file, pointer.to_string())
    }

    /// Keep `item` for the design, unless an earlier file (or item) defined it already: that is
    /// decided when the listing is merged, in file order.
    fn keep<T: HasMeta + Send + 'static>(
        &mut self,
        kind: ResourceKind,
        item: T,
        arena: fn(&mut Design) -> &mut Vec<T>,
    ) {
        self.listing.pending.push(Box::new(move |state, design| {
            state.push_first(design, kind, item, arena);
        }));
    }
}

/// One JSON object of the input, with its pointer, and typed accessors that report wrong shapes.
struct Item<'a> {
    obj: &'a Map<'a>,
    ptr: String,
}

impl<'a> Item<'a> {
    fn at(&self, key: &str) -> String {
        format!("{}/{}", self.ptr, escape(key))
    }
    fn wrong(&self, key: &str, expected: &str, v: &Value<'_>) -> FieldError {
        FieldError { pointer: self.at(key), message: format!("`{key}` must be {expected}, found {}", kind_of(v)) }
    }
    /// A string field; missing, null and "" are all absent.
    fn str(&self, key: &str) -> Res<Option<&'a str>> {
        match member(self.obj, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Str(s)) if s.is_empty() => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, "a string", v)),
        }
    }
    fn req_str(&self, key: &str) -> Res<&'a str> {
        self.str(key)?
            .ok_or_else(|| FieldError { pointer: self.ptr.clone(), message: format!("missing required field `{key}`") })
    }
    fn owned(&self, key: &str) -> Res<Option<String>> {
        Ok(self.str(key)?.map(str::to_string))
    }
    fn bool(&self, key: &str) -> Res<Option<bool>> {
        match member(self.obj, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Str(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::Str(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(self.wrong(key, "a boolean", v)),
        }
    }
    fn int(&self, key: &str) -> Res<Option<i64>> {
        match member(self.obj, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| FieldError {
                pointer: self.at(key),
                message: format!("`{key}` must be an integer, found {n}"),
            }),
            Some(Value::Str(s)) => s.trim().parse().map(Some).map_err(|_| FieldError {
                pointer: self.at(key),
                message: format!("`{key}` must be an integer, found \"{s}\""),
            }),
            Some(v) => Err(self.wrong(key, "an integer", v)),
        }
    }
    fn port(&self, key: &str) -> Res<Option<u16>> {
        match self.int(key)? {
            None => Ok(None),
            Some(n) if (0..=65535).contains(&n) => Ok(Some(n as u16)),
            // ICMP type/code and "all" use -1.
            Some(-1) => Ok(None),
            Some(n) => {
                Err(FieldError { pointer: self.at(key), message: format!("`{key}` {n} is not a port (0-65535)") })
            }
        }
    }
    fn obj(&self, key: &str) -> Res<Option<Item<'a>>> {
        match member(self.obj, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(Item { obj: o, ptr: self.at(key) })),
            Some(v) => Err(self.wrong(key, "an object", v)),
        }
    }
    fn arr(&self, key: &str) -> Res<&'a [Value<'a>]> {
        match member(self.obj, key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(v) => Err(self.wrong(key, "an array", v)),
        }
    }
    fn objs(&self, key: &str) -> Res<Vec<Item<'a>>> {
        let base = self.at(key);
        self.arr(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(o) => Ok(Item { obj: o, ptr: format!("{base}/{i}") }),
                v => Err(FieldError {
                    pointer: format!("{base}/{i}"),
                    message: format!("elements of `{key}` must be objects, found {}", kind_of(v)),
                }),
            })
            .collect()
    }
    fn strs(&self, key: &str) -> Res<Vec<String>> {
        let base = self.at(key);
        self.arr(key)?
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(i, v)| match v {
                Value::Str(s) => Ok(s.to_string()),
                v => Err(FieldError {
                    pointer: format!("{base}/{i}"),
                    message: format!("elements of `{key}` must be strings, found {}", kind_of(v)),
                }),
            })
            .collect()
    }
    fn cidr(&self, key: &str) -> Res<Option<IpNet>> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => parse_cidr(s).map(Some).ok_or_else(|| FieldError {
                pointer: self.at(key),
                message: format!("`{key}` is not a valid CIDR block: \"{s}\""),
            }),
        }
    }
    fn tags(&self) -> Res<Vec<(String, String)>> {
        let mut tags = Vec::new();
        for t in self.objs("Tags")? {
            if let Some(k) = t.str("Key")? {
                tags.push((k.to_string(), t.str("Value")?.unwrap_or_default().to_string()));
            }
        }
        Ok(tags)
    }
    /// The state of a CIDR association (`CidrBlockState.State`): does the block hold addresses?
    fn association_active(&self, state_key: &str) -> Res<bool> {
        let state = match self.obj(state_key)? {
            Some(s) => s.owned("State")?,
            None => None,
        };
        Ok(!matches!(state.as_deref(), Some("disassociated" | "disassociating" | "failed" | "failing")))
    }
}

fn zone_region(item: &Item<'_>, key: &str) -> Res<Option<String>> {
    Ok(item.str(key)?.and_then(region_of_zone))
}

fn read_vpc(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let meta = c.meta(&item, "VpcId", item.owned("OwnerId")?, None)?;
    let mut cidrs = Vec::new();
    for a in item.objs("CidrBlockAssociationSet")? {
        if let Some(net) = a.cidr("CidrBlock")? {
            cidrs.push(VpcCidr {
                net,
                associated: a.association_active("CidrBlockState")?,
                origin: c.origin(&a.at("CidrBlock")),
            });
        }
    }
    if let Some(primary) = item.cidr("CidrBlock")?
        && !cidrs.iter().any(|x| x.net == primary)
    {
        cidrs.insert(0, VpcCidr { net: primary, associated: true, origin: c.origin(&item.at("CidrBlock")) });
    }
    for a in item.objs("Ipv6CidrBlockAssociationSet")? {
        if let Some(net) = a.cidr("Ipv6CidrBlock")? {
            cidrs.push(VpcCidr {
                net,
                associated: a.association_active("Ipv6CidrBlockState")?,
                origin: c.origin(&a.at("Ipv6CidrBlock")),
            });
        }
    }
    let vpc = Vpc { is_default: item.bool("IsDefault")?.unwrap_or(false), cidrs, meta, undecided_blocks: Vec::new() };
    c.keep(ResourceKind::Vpc, vpc, |d| &mut d.vpcs);
    Ok(())
}

fn read_subnet(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let meta = c.meta(&item, "SubnetId", item.owned("OwnerId")?, zone_region(&item, "AvailabilityZone")?)?;
    let mut ipv6_cidrs = Vec::new();
    for a in item.objs("Ipv6CidrBlockAssociationSet")? {
        if let Some(net) = a.cidr("Ipv6CidrBlock")?
            && a.association_active("Ipv6CidrBlockState")?
        {
            ipv6_cidrs.push(net);
        }
    }
    let subnet = Subnet {
        vpc: item.str("VpcId")?.map(Ref::new),
        availability_zone: item.owned("AvailabilityZone")?,
        cidr: item.cidr("CidrBlock")?,
        ipv6_cidrs,
        meta,
    };
    c.keep(ResourceKind::Subnet, subnet, |d| &mut d.subnets);
    Ok(())
}

fn read_route(c: &Ctx<'_>, r: &Item<'_>) -> Res<Route> {
    let (destination, key) = if let Some(n) = r.cidr("DestinationCidrBlock")? {
        (Destination::Cidr(n), "DestinationCidrBlock")
    } else if let Some(n) = r.cidr("DestinationIpv6CidrBlock")? {
        (Destination::Cidr(n), "DestinationIpv6CidrBlock")
    } else if let Some(p) = r.str("DestinationPrefixListId")? {
        (Destination::PrefixList(p.to_string()), "DestinationPrefixListId")
    } else {
        return Err(FieldError { pointer: r.ptr.clone(), message: "route has no destination".into() });
    };
    let target = route_target(r)?;
    let state = match r.str("State")?.map(str::to_ascii_lowercase).as_deref() {
        None | Some("active") => RouteState::Active,
        Some("blackhole") => RouteState::Blackhole,
        Some(other) => RouteState::Other(other.to_string()),
    };
    Ok(Route { destination, target, state, origin: c.origin(&r.at(key)), defined_by: None })
}

fn route_target(r: &Item<'_>) -> Res<RouteTarget> {
    let t = |kind, id: &str| RouteTarget { kind, id: id.to_string(), idx: None };
    // An instance route names both the instance and its interface: the instance is the target.
    let ordered: [(&str, TargetKind); 10] = [
        ("InstanceId", TargetKind::Instance),
        ("NatGatewayId", TargetKind::NatGateway),
        ("VpcPeeringConnectionId", TargetKind::PeeringConnection),
        ("TransitGatewayId", TargetKind::TransitGateway),
        ("EgressOnlyInternetGatewayId", TargetKind::EgressOnlyInternetGateway),
        ("NetworkInterfaceId", TargetKind::NetworkInterface),
        ("CarrierGatewayId", TargetKind::CarrierGateway),
        ("LocalGatewayId", TargetKind::LocalGateway),
        ("CoreNetworkArn", TargetKind::CoreNetwork),
        ("GatewayId", TargetKind::Unknown),
    ];
    for (key, kind) in ordered {
        if let Some(id) = r.str(key)? {
            if kind != TargetKind::Unknown {
                return Ok(t(kind, id));
            }
            let kind = match id {
                "local" => TargetKind::Local,
                _ if id.starts_with("igw-") => TargetKind::InternetGateway,
                _ if id.starts_with("vgw-") => TargetKind::VirtualPrivateGateway,
                _ if id.starts_with("vpce-") => TargetKind::VpcEndpoint,
                _ if id.starts_with("eigw-") => TargetKind::EgressOnlyInternetGateway,
                _ => TargetKind::Unknown,
            };
            return Ok(t(kind, id));
        }
    }
    Ok(t(TargetKind::Unknown, ""))
}

fn read_route_table(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let meta = c.meta(&item, "RouteTableId", item.owned("OwnerId")?, None)?;
    let mut main = false;
    let mut subnets = Vec::new();
    for a in item.objs("Associations")? {
        let state = match a.obj("AssociationState")? {
            Some(s) => s.owned("State")?,
            None => None,
        };
        if matches!(state.as_deref(), Some("disassociated" | "disassociating" | "failed")) {
            continue;
        }
        if a.bool("Main")?.unwrap_or(false) {
            main = true;
        }
        if let Some(s) = a.str("SubnetId")? {
            subnets.push((Ref::new(s), c.origin(&a.at("SubnetId"))));
        }
    }
    let routes = item.objs("Routes")?.iter().map(|r| read_route(c, r)).collect::<Res<Vec<_>>>()?;
    let table =
        RouteTable { vpc: item.str("VpcId")?.map(Ref::new), main, subnets, routes, has_unknown_routes: false, meta };
    c.keep(ResourceKind::RouteTable, table, |d| &mut d.route_tables);
    Ok(())
}

fn read_attachments(item: &Item<'_>) -> Res<Vec<GatewayAttachment>> {
    let mut out = Vec::new();
    for a in item.objs("Attachments")? {
        if let Some(vpc) = a.str("VpcId")? {
            out.push(GatewayAttachment { vpc: Ref::new(vpc), state: a.owned("State")?.unwrap_or_default() });
        }
    }
    Ok(out)
}

fn read_igw(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let igw = InternetGateway {
        attachments: read_attachments(&item)?,
        meta: c.meta(&item, "InternetGatewayId", item.owned("OwnerId")?, None)?,
    };
    c.keep(ResourceKind::InternetGateway, igw, |d| &mut d.internet_gateways);
    Ok(())
}

fn read_eigw(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let igw = InternetGateway {
        attachments: read_attachments(&item)?,
        meta: c.meta(&item, "EgressOnlyInternetGatewayId", None, None)?,
    };
    c.keep(ResourceKind::EgressOnlyInternetGateway, igw, |d| &mut d.egress_only_internet_gateways);
    Ok(())
}

fn read_nat(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let connectivity = match item.str("ConnectivityType")? {
        None | Some("public") => Connectivity::Public,
        Some("private") => Connectivity::Private,
        Some(other) => {
            return Err(FieldError {
                pointer: item.at("ConnectivityType"),
                message: format!("`ConnectivityType` must be \"public\" or \"private\", found \"{other}\""),
            });
        }
    };
    let mut allocations = Vec::new();
    for a in item.objs("NatGatewayAddresses")? {
        if let Some(alloc) = a.str("AllocationId")? {
            allocations.push(Ref::new(alloc));
        }
    }
    let nat = NatGateway {
        vpc: item.str("VpcId")?.map(Ref::new),
        subnet: item.str("SubnetId")?.map(Ref::new),
        state: item.owned("State")?.unwrap_or_default(),
        connectivity,
        allocations,
        allocation_unknown: false,
        meta: c.meta(&item, "NatGatewayId", None, None)?,
    };
    c.keep(ResourceKind::NatGateway, nat, |d| &mut d.nat_gateways);
    Ok(())
}

fn read_address(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let id_key = if item.str("AllocationId")?.is_some() { "AllocationId" } else { "PublicIp" };
    let eip = ElasticIp {
        public_ip: item.owned("PublicIp")?,
        network_interface: item.owned("NetworkInterfaceId")?,
        instance: item.owned("InstanceId")?,
        association_id: item.owned("AssociationId")?,
        meta: c.meta(&item, id_key, item.owned("NetworkInterfaceOwnerId")?, None)?,
    };
    c.keep(ResourceKind::ElasticIp, eip, |d| &mut d.elastic_ips);
    Ok(())
}

fn read_peer_side(c: &Ctx<'_>, item: &Item<'_>, key: &str) -> Res<PeerSide> {
    let Some(info) = item.obj(key)? else {
        return Err(FieldError { pointer: item.ptr.clone(), message: format!("missing required field `{key}`") });
    };
    let mut cidrs: Vec<(IpNet, Origin)> = Vec::new();
    let mut add = |net: IpNet, ptr: String| {
        if !cidrs.iter().any(|(n, _)| *n == net) {
            cidrs.push((net, c.origin(&ptr)));
        }
    };
    for b in info.objs("CidrBlockSet")? {
        if let Some(n) = b.cidr("CidrBlock")? {
            add(n, b.at("CidrBlock"));
        }
    }
    if let Some(n) = info.cidr("CidrBlock")? {
        add(n, info.at("CidrBlock"));
    }
    for b in info.objs("Ipv6CidrBlockSet")? {
        if let Some(n) = b.cidr("Ipv6CidrBlock")? {
            add(n, b.at("Ipv6CidrBlock"));
        }
    }
    Ok(PeerSide {
        vpc: Ref::new(info.req_str("VpcId")?),
        owner: info.owned("OwnerId")?,
        region: info.owned("Region")?,
        cidrs,
        origin: c.origin(&info.ptr),
    })
}

fn read_peering(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let requester = read_peer_side(c, &item, "RequesterVpcInfo")?;
    let accepter = read_peer_side(c, &item, "AccepterVpcInfo")?;
    let status = match item.obj("Status")? {
        Some(s) => s.owned("Code")?.unwrap_or_default(),
        None => String::new(),
    };
    let mut meta = c.meta(&item, "VpcPeeringConnectionId", None, None)?;
    // Both accounts of a cross-account peering list it: identify it by its requester, not by the
    // dump it was found in, so that it is loaded once.
    meta.account = requester.owner.clone().or(meta.account);
    meta.region = requester.region.clone().or(meta.region);
    let pcx = PeeringConnection { meta, status: status.to_ascii_lowercase(), requester, accepter };
    c.keep(ResourceKind::PeeringConnection, pcx, |d| &mut d.peering_connections);
    Ok(())
}

fn read_sg_rules(c: &Ctx<'_>, item: &Item<'_>, key: &str) -> Res<Vec<SgRule>> {
    let mut rules = Vec::new();
    for p in item.objs(key)? {
        let proto_text = p.req_str("IpProtocol")?;
        let protocol = Protocol::parse(proto_text).ok_or_else(|| FieldError {
            pointer: p.at("IpProtocol"),
            message: format!("`IpProtocol` is not a protocol: \"{proto_text}\""),
        })?;
        let ports = if protocol.has_ports() {
            match (p.port("FromPort")?, p.port("ToPort")?) {
                (Some(a), Some(b)) if a > b => {
                    return Err(FieldError {
                        pointer: p.at("FromPort"),
                        message: format!("`FromPort` {a} is greater than `ToPort` {b}"),
                    });
                }
                (Some(a), Some(b)) => Some(PortRange::new(a, b)),
                _ => None,
            }
        } else {
            None
        };
        let mut cidrs = Vec::new();
        for r in p.objs("IpRanges")? {
            cidrs.extend(r.cidr("CidrIp")?);
        }
        for r in p.objs("Ipv6Ranges")? {
            cidrs.extend(r.cidr("CidrIpv6")?);
        }
        let mut prefix_lists = Vec::new();
        for r in p.objs("PrefixListIds")? {
            prefix_lists.extend(r.owned("PrefixListId")?);
        }
        let mut groups = Vec::new();
        for r in p.objs("UserIdGroupPairs")? {
            if let Some(id) = r.owned("GroupId")? {
                groups.push(GroupRef { id, account: r.owned("UserId")?, idx: None });
            }
        }
        // Underline the ports when the rule has them, else the protocol.
        let key = if p.obj.contains_key("FromPort") { "FromPort" } else { "IpProtocol" };
        rules.push(SgRule { protocol, ports, cidrs, prefix_lists, groups, origin: c.origin(&p.at(key)) });
    }
    Ok(rules)
}

fn read_sg(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let sg = SecurityGroup {
        vpc: item.str("VpcId")?.map(Ref::new),
        group_name: item.owned("GroupName")?,
        ingress: read_sg_rules(c, &item, "IpPermissions")?,
        egress: read_sg_rules(c, &item, "IpPermissionsEgress")?,
        meta: c.meta(&item, "GroupId", item.owned("OwnerId")?, None)?,
    };
    c.keep(ResourceKind::SecurityGroup, sg, |d| &mut d.security_groups);
    Ok(())
}

fn read_nacl_entry(c: &Ctx<'_>, e: &Item<'_>) -> Res<NaclEntry> {
    let number = e
        .int("RuleNumber")?
        .ok_or_else(|| FieldError { pointer: e.ptr.clone(), message: "missing required field `RuleNumber`".into() })?;
    if !(1..=32768).contains(&number) {
        return Err(FieldError {
            pointer: e.at("RuleNumber"),
            message: format!("`RuleNumber` {number} is outside 1-32768"),
        });
    }
    let proto_text = e.req_str("Protocol")?;
    let protocol = Protocol::parse(proto_text).ok_or_else(|| FieldError {
        pointer: e.at("Protocol"),
        message: format!("`Protocol` is not a protocol: \"{proto_text}\""),
    })?;
    let allow = match e.req_str("RuleAction")?.to_ascii_lowercase().as_str() {
        "allow" => true,
        "deny" => false,
        other => {
            return Err(FieldError {
                pointer: e.at("RuleAction"),
                message: format!("`RuleAction` must be \"allow\" or \"deny\", found \"{other}\""),
            });
        }
    };
    let cidr = match (e.cidr("CidrBlock")?, e.cidr("Ipv6CidrBlock")?) {
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => {
            return Err(FieldError {
                pointer: e.ptr.clone(),
                message: "entry has neither `CidrBlock` nor `Ipv6CidrBlock`".into(),
            });
        }
    };
    let ports = match e.obj("PortRange")? {
        Some(p) if protocol.has_ports() => match (p.port("From")?, p.port("To")?) {
            (Some(a), Some(b)) if a > b => {
                return Err(FieldError {
                    pointer: p.at("From"),
                    message: format!("`From` {a} is greater than `To` {b}"),
                });
            }
            (Some(a), Some(b)) => Some(PortRange::new(a, b)),
            _ => None,
        },
        _ => None,
    };
    Ok(NaclEntry {
        number: number as u32,
        egress: e.bool("Egress")?.unwrap_or(false),
        protocol,
        allow,
        cidr,
        ports,
        origin: c.origin(&e.at("RuleNumber")),
    })
}

fn read_nacl(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let mut subnets = Vec::new();
    for a in item.objs("Associations")? {
        if let Some(s) = a.str("SubnetId")? {
            subnets.push((Ref::new(s), c.origin(&a.at("SubnetId"))));
        }
    }
    let entries = item.objs("Entries")?.iter().map(|e| read_nacl_entry(c, e)).collect::<Res<Vec<_>>>()?;
    let nacl = NetworkAcl {
        vpc: item.str("VpcId")?.map(Ref::new),
        is_default: item.bool("IsDefault")?.unwrap_or(false),
        subnets,
        entries,
        has_unknown_entries: false,
        meta: c.meta(&item, "NetworkAclId", item.owned("OwnerId")?, None)?,
    };
    c.keep(ResourceKind::NetworkAcl, nacl, |d| &mut d.network_acls);
    Ok(())
}

fn read_scheme(item: &Item<'_>) -> Res<Scheme> {
    match item.str("Scheme")? {
        Some("internet-facing") => Ok(Scheme::InternetFacing),
        Some("internal") | None => Ok(Scheme::Internal),
        Some(other) => Err(FieldError {
            pointer: item.at("Scheme"),
            message: format!("`Scheme` must be \"internet-facing\" or \"internal\", found \"{other}\""),
        }),
    }
}

fn read_elbv2(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let arn = item.req_str("LoadBalancerArn")?;
    let (account, region) = arn_scope(arn);
    let kind = match item.str("Type")? {
        Some("application") | None => LbKind::Application,
        Some("network") => LbKind::Network,
        Some("gateway") => LbKind::Gateway,
        Some(other) => {
            return Err(FieldError {
                pointer: item.at("Type"),
                message: format!("`Type` must be application, network or gateway, found \"{other}\""),
            });
        }
    };
    let mut subnets = Vec::new();
    let mut zones = Vec::new();
    for z in item.objs("AvailabilityZones")? {
        zones.extend(z.owned("ZoneName")?);
        if let Some(s) = z.str("SubnetId")? {
            subnets.push((Ref::new(s), c.origin(&z.at("SubnetId"))));
        }
    }
    let mut meta = c.meta(&item, "LoadBalancerArn", account, region)?;
    if meta.name.is_none() {
        meta.name = item.owned("LoadBalancerName")?;
    }
    let lb = LoadBalancer {
        kind,
        scheme: read_scheme(&item)?,
        vpc: item.str("VpcId")?.map(Ref::new),
        subnets,
        ip_address_type: item.owned("IpAddressType")?,
        security_groups: item.strs("SecurityGroups")?.into_iter().map(Ref::new).collect(),
        zones,
        meta,
    };
    c.keep(ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers);
    Ok(())
}

fn read_classic_elb(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let base = item.at("Subnets");
    let subnets = item
        .strs("Subnets")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| (Ref::new(s), c.origin(&format!("{base}/{i}"))))
        .collect();
    let zones = item.strs("AvailabilityZones")?;
    let region = zones.first().and_then(|z| region_of_zone(z));
    let lb = LoadBalancer {
        kind: LbKind::Classic,
        scheme: read_scheme(&item)?,
        vpc: item.str("VPCId")?.map(Ref::new),
        subnets,
        ip_address_type: None,
        security_groups: item.strs("SecurityGroups")?.into_iter().map(Ref::new).collect(),
        zones,
        meta: c.meta(&item, "LoadBalancerName", None, region)?,
    };
    // A classic load balancer lists its listeners inline.
    let mut listeners = Vec::new();
    for (i, d) in item.objs("ListenerDescriptions")?.iter().enumerate() {
        if let Some(l) = d.obj("Listener")? {
            let mut meta = lb.meta.clone();
            meta.id = format!("{}:{}", lb.meta.id, l.port("LoadBalancerPort")?.unwrap_or_default());
            meta.origin = c.origin(&d.ptr);
            meta.id_key = "";
            let _ = i;
            listeners.push(Listener {
                load_balancer: Some(Ref::new(lb.meta.id.clone())),
                protocol: l.owned("Protocol")?,
                port: l.port("LoadBalancerPort")?,
                meta,
            });
        }
    }
    c.listing.pending.push(Box::new(move |state, design| {
        if state.push_first(design, ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers).is_some() {
            design.listeners.extend(listeners);
        } else if !listeners.is_empty() {
            // The load balancer was loaded already, with its listeners: these repeat them.
            *design.stats.duplicates.entry(ResourceKind::Listener).or_default() += listeners.len();
        }
    }));
    Ok(())
}

fn read_target_group(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let arn = item.req_str("TargetGroupArn")?;
    let (account, region) = arn_scope(arn);
    let tg = TargetGroup {
        vpc: item.str("VpcId")?.map(Ref::new),
        protocol: item.owned("Protocol")?,
        port: item.port("Port")?,
        load_balancers: item.strs("LoadBalancerArns")?.into_iter().map(Ref::new).collect(),
        target_type: item.owned("TargetType")?,
        targets: Vec::new(),
        meta: c.meta(&item, "TargetGroupArn", account, region)?,
    };
    c.keep(ResourceKind::TargetGroup, tg, |d| &mut d.target_groups);
    Ok(())
}

fn read_listener(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let arn = item.req_str("ListenerArn")?;
    let (account, region) = arn_scope(arn);
    let l = Listener {
        load_balancer: item.str("LoadBalancerArn")?.map(Ref::new),
        protocol: item.owned("Protocol")?,
        port: item.port("Port")?,
        meta: c.meta(&item, "ListenerArn", account, region)?,
    };
    c.keep(ResourceKind::Listener, l, |d| &mut d.listeners);
    Ok(())
}

fn read_eni(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let mut private_ips = Vec::new();
    for p in item.objs("PrivateIpAddresses")? {
        private_ips.extend(p.owned("PrivateIpAddress")?);
    }
    if private_ips.is_empty() {
        private_ips.extend(item.owned("PrivateIpAddress")?);
    }
    let mut security_groups = Vec::new();
    for g in item.objs("Groups")? {
        security_groups.extend(g.owned("GroupId")?);
    }
    let mut tags = item.tags()?;
    // ENIs carry their tags in `TagSet`.
    for t in item.objs("TagSet")? {
        if let Some(k) = t.str("Key")? {
            tags.push((k.to_string(), t.str("Value")?.unwrap_or_default().to_string()));
        }
    }
    let mut meta =
        c.meta(&item, "NetworkInterfaceId", item.owned("OwnerId")?, zone_region(&item, "AvailabilityZone")?)?;
    meta.name = tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.clone());
    meta.tags = tags;
    let public_ip = match item.obj("Association")? {
        Some(a) => a.owned("PublicIp")?,
        None => None,
    };
    let eni = NetworkInterface {
        vpc: item.str("VpcId")?.map(Ref::new),
        subnet: item.str("SubnetId")?.map(Ref::new),
        private_ips,
        public_ip,
        security_groups: security_groups.into_iter().map(Ref::new).collect(),
        meta,
    };
    c.keep(ResourceKind::NetworkInterface, eni, |d| &mut d.network_interfaces);
    Ok(())
}

fn read_reservations(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>]) {
    c.listing.kinds_present.insert(ResourceKind::Instance);
    c.listing.kinds_listed.insert((ResourceKind::Instance, c.scope.account.clone(), c.scope.region.clone()));
    for (i, v) in items.iter().enumerate() {
        let ptr = format!("{pointer}/{i}");
        let Some(obj) = v.as_object() else {
            *c.listing.stats.rejected.entry(ResourceKind::Instance).or_default() += 1;
            c.error(&ptr, format!("expected a reservation object, found {}", kind_of(v)));
            continue;
        };
        let reservation = Item { obj, ptr };
        let owner = reservation.owned("OwnerId").ok().flatten();
        let instances = match reservation.objs("Instances") {
            Ok(list) => list,
            Err(e) => {
                *c.listing.stats.rejected.entry(ResourceKind::Instance).or_default() += 1;
                c.error(&e.pointer, e.message);
                continue;
            }
        };
        for inst in instances {
            if let Err(e) = read_instance(c, inst, owner.clone()) {
                *c.listing.stats.rejected.entry(ResourceKind::Instance).or_default() += 1;
                c.error(&e.pointer, e.message);
            }
        }
    }
}

fn read_instance(c: &mut Ctx<'_>, item: Item<'_>, owner: Option<String>) -> Res<()> {
    let region = match item.obj("Placement")? {
        Some(p) => zone_region(&p, "AvailabilityZone")?,
        None => None,
    };
    let mut security_groups = Vec::new();
    for g in item.objs("SecurityGroups")? {
        security_groups.extend(g.owned("GroupId")?);
    }
    let state = match item.obj("State")? {
        Some(s) => s.owned("Name")?,
        None => None,
    };
    let inst = Instance {
        vpc: item.str("VpcId")?.map(Ref::new),
        subnet: item.str("SubnetId")?.map(Ref::new),
        private_ip: item.owned("PrivateIpAddress")?,
        public_ip: item.owned("PublicIpAddress")?,
        public_ip_unknown: false,
        security_groups: security_groups.into_iter().map(Ref::new).collect(),
        state,
        meta: c.meta(&item, "InstanceId", owner, region)?,
    };
    c.keep(ResourceKind::Instance, inst, |d| &mut d.instances);
    Ok(())
}

fn read_tgw(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let (account, region) = item.str("TransitGatewayArn")?.map(arn_scope).unwrap_or_default();
    let tgw = TransitGateway {
        state: item.owned("State")?,
        meta: c.meta(&item, "TransitGatewayId", item.owned("OwnerId")?.or(account), region)?,
    };
    c.keep(ResourceKind::TransitGateway, tgw, |d| &mut d.transit_gateways);
    Ok(())
}

fn read_tgw_attachment(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let resource_type = item.owned("ResourceType")?;
    let resource_id = item.owned("ResourceId")?;
    let vpc = (resource_type.as_deref() == Some("vpc")).then(|| resource_id.clone()).flatten().map(Ref::new);
    let association = match item.obj("Association")? {
        Some(a) if a.str("State")? != Some("disassociated") => a.owned("TransitGatewayRouteTableId")?,
        _ => None,
    };
    let att = TransitGatewayAttachment {
        transit_gateway: item.str("TransitGatewayId")?.map(Ref::new),
        resource_type,
        resource_id,
        vpc,
        subnets: Vec::new(),
        state: item.owned("State")?,
        association,
        meta: c.meta(&item, "TransitGatewayAttachmentId", item.owned("ResourceOwnerId")?, None)?,
    };
    c.keep(ResourceKind::TransitGatewayAttachment, att, |d| &mut d.transit_gateway_attachments);
    Ok(())
}

fn read_tgw_vpc_attachment(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let vpc_id = item.owned("VpcId")?;
    let att = TransitGatewayAttachment {
        transit_gateway: item.str("TransitGatewayId")?.map(Ref::new),
        resource_type: Some("vpc".into()),
        vpc: vpc_id.clone().map(Ref::new),
        resource_id: vpc_id,
        subnets: item.strs("SubnetIds")?.into_iter().map(Ref::new).collect(),
        state: item.owned("State")?,
        association: None,
        meta: c.meta(&item, "TransitGatewayAttachmentId", item.owned("VpcOwnerId")?, None)?,
    };
    c.keep(ResourceKind::TransitGatewayVpcAttachment, att, |d| &mut d.transit_gateway_vpc_attachments);
    Ok(())
}

fn read_tgw_route_table(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let rt = TransitGatewayRouteTable {
        transit_gateway: item.str("TransitGatewayId")?.map(Ref::new),
        associations: Vec::new(),
        propagations: Vec::new(),
        routes: Vec::new(),
        meta: c.meta(&item, "TransitGatewayRouteTableId", None, None)?,
    };
    c.keep(ResourceKind::TransitGatewayRouteTable, rt, |d| &mut d.transit_gateway_route_tables);
    Ok(())
}

fn read_endpoint(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let ep = VpcEndpoint {
        vpc: item.str("VpcId")?.map(Ref::new),
        endpoint_type: item.owned("VpcEndpointType")?,
        service_name: item.owned("ServiceName")?,
        subnets: item.strs("SubnetIds")?.into_iter().map(Ref::new).collect(),
        route_tables: item.strs("RouteTableIds")?.into_iter().map(Ref::new).collect(),
        meta: c.meta(&item, "VpcEndpointId", item.owned("OwnerId")?, None)?,
    };
    c.keep(ResourceKind::VpcEndpoint, ep, |d| &mut d.vpc_endpoints);
    Ok(())
}

/// `describe-target-health`, one listing per target group (as `TargetHealthByGroup`).
fn read_target_health(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>]) {
    for (i, v) in items.iter().enumerate() {
        let ptr = format!("{pointer}/{i}");
        let Some(obj) = v.as_object() else { continue };
        let item = Item { obj, ptr };
        let result: Res<()> = (|| {
            let group = item.req_str("TargetGroupArn")?.to_string();
            for d in item.objs("TargetHealthDescriptions")? {
                if let Some(t) = d.obj("Target")? {
                    let target = Target { id: t.req_str("Id")?.to_string(), port: t.port("Port")? };
                    c.listing.target_registrations.push((group.clone(), target));
                    *c.listing.stats.merged.entry("TargetHealthByGroup targets".into()).or_default() += 1;
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            c.error(&e.pointer, e.message);
        }
    }
}

/// Transit gateway route table associations or propagations listed on their own; entries that
/// do not name their route table cannot be placed and are counted as not modelled.
fn read_tgw_links(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>], propagation: bool) {
    for (i, v) in items.iter().enumerate() {
        let Some(obj) = v.as_object() else { continue };
        let item = Item { obj, ptr: format!("{pointer}/{i}") };
        let (Ok(Some(table)), Ok(Some(attachment))) =
            (item.owned("TransitGatewayRouteTableId"), item.owned("TransitGatewayAttachmentId"))
        else {
            let key = if propagation { "TransitGatewayRouteTablePropagations" } else { "Associations" };
            *c.listing.stats.unmodelled_keys.entry(format!("{key} (no route table id)")).or_default() += 1;
            continue;
        };
        *c.listing.stats.merged.entry("transit gateway route table links".into()).or_default() += 1;
        let state = item.owned("State").ok().flatten();
        if matches!(state.as_deref(), Some("disassociated" | "disabled" | "disabling" | "disassociating")) {
            continue;
        }
        c.listing.tgw_table_links.push((table, attachment, propagation));
    }
}

fn read_prefix_list(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let pl = ManagedPrefixList {
        name: item.owned("PrefixListName")?,
        family: item.owned("AddressFamily")?,
        meta: c.meta(&item, "PrefixListId", item.owned("OwnerId")?, None)?,
    };
    c.keep(ResourceKind::ManagedPrefixList, pl, |d| &mut d.managed_prefix_lists);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_from_batfish_and_plain_layouts() {
        let s = PathScope::from_path(Some(Path::new("snap/aws_configs/accounts/111/us-west-1/Vpcs.json")));
        assert_eq!((s.account.as_deref(), s.region.as_deref()), (Some("111"), Some("us-west-1")));
        let s = PathScope::from_path(Some(Path::new("dump/123456789012/eu-central-1/x/vpcs.json")));
        assert_eq!((s.account.as_deref(), s.region.as_deref()), (Some("123456789012"), Some("eu-central-1")));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("aws-configs"));
        assert_eq!(region_of_zone("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(region_of_zone("us-west-2-lax-1a").as_deref(), Some("us-west-2"));
    }
}
