//! AWS CLI / boto3 `describe-*` output: files are recognised by their top-level keys, never by name.

mod compute;
mod network;
mod security;

use super::draft::{Drafted, LinkById};
use super::{ErrorLocation, InputError, LoadState, Loaded};
use crate::model::net::{PortRange, Protocol, parse_cidr};
use crate::model::*;
use crate::source::{FileId, Origin};
use compute::*;
use ipnet::IpNet;
use network::*;
use security::*;
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
        let (message, help) = match value.as_array() {
            Some(items) => super::hint::bare_list(items),
            None => (
                format!("expected a JSON object of AWS CLI output, found {}", kind_of(value)),
                "vpclint reads the output of `aws ec2 describe-*` and `aws elbv2 describe-*`".into(),
            ),
        };
        ctx.listing.errors.push(InputError {
            file: Some(ctx.file),
            path: ctx.name.to_string(),
            location: ErrorLocation::Pointer(String::new()),
            message,
            help: Some(help),
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
    // Every key once, in key order, with its last value (as `member` reads one): sorted once,
    // not looked up key by key (a file of 100,000 keys stays n·log n).
    let mut entries: Vec<(usize, &str, &Value<'_>)> =
        root.as_vec().iter().enumerate().map(|(i, (k, v))| (i, k.as_ref(), v)).collect();
    entries.sort_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)));
    entries.dedup_by(|later, earlier| later.1 == earlier.1);
    for (_, key, value) in entries {
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
        "TagDescriptions" => read_tag_descriptions,
        "Tags" => read_ec2_tags,
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

/// What one AWS CLI file holds, read on its own (on a worker thread) and merged into the load in
/// file order, so that the result is the same whichever thread read it.
#[derive(Default)]
pub(crate) struct Listing {
    /// Resources read, in listing order, to join the design when the file's turn comes.
    drafted: Vec<Drafted>,
    errors: Vec<InputError>,
    /// Whether the file held a listing vpclint reads.
    recognised: bool,
    kinds_present: BTreeSet<ResourceKind>,
    kinds_listed: BTreeSet<crate::model::Listed>,
    links: Vec<LinkById>,
    stats: Stats,
}

impl Listing {
    /// Whether the file held nothing vpclint reads, and nothing wrong either.
    pub(crate) fn holds_nothing(&self) -> bool {
        !self.recognised && self.errors.is_empty()
    }

    pub(crate) fn merge_into(self, state: &mut LoadState, loaded: &mut Loaded) {
        let Listing { drafted, errors, recognised, kinds_present, kinds_listed, links, stats } = self;
        for resource in drafted {
            resource.add_to(state, &mut loaded.design);
        }
        loaded.errors.extend(errors);
        loaded.recognised += usize::from(recognised);
        let design = &mut loaded.design;
        design.kinds_present.extend(kinds_present);
        design.kinds_listed.extend(kinds_listed);
        design.stats.absorb(stats);
        loaded.links.extend(links);
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

    /// The account and region the file's path names, if any.
    fn scope_of(&self) -> (Option<String>, Option<String>) {
        (self.scope.account.clone(), self.scope.region.clone())
    }

    fn origin(&self, pointer: &str) -> Origin {
        Origin::new(self.file, pointer.to_string())
    }

    /// Keep `item` for the design, unless an earlier file (or item) defined it already: that is
    /// decided when the listing is merged, in file order.
    fn keep(&mut self, item: Drafted) {
        self.listing.drafted.push(item);
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
