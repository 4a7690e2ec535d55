//! What a file vpclint cannot use most likely is, and what to run to get one it can: a binary
//! Terraform plan, the text output of `terraform plan` or `terraform show`, AWS CLI output in
//! `--output table` or `--output text` form or narrowed with `--query`, Terraform variables, HCL
//! that is not a `.tf` file. Each is told by its first lines or its name, in one pass.

use serde_json_borrow::Value;
use std::borrow::Cow;
use std::path::Path;

/// What a file is, and what to do instead.
#[derive(Clone, Debug)]
pub(crate) struct Hint {
    /// What the file is, to follow "this is".
    pub what: String,
    pub help: String,
    /// Where the text shows it, when one place does.
    pub offset: Option<usize>,
}

/// The keys of AWS CLI responses that vpclint reads, what their items are told apart by (the id
/// field each item has; an earlier entry wins, since an item names others' ids too), and the
/// command that writes each.
const RESPONSES: &[(&str, &str, &str)] = &[
    ("VpcPeeringConnectionId", "VpcPeeringConnections", "aws ec2 describe-vpc-peering-connections"),
    ("TransitGatewayAttachmentId", "TransitGatewayAttachments", "aws ec2 describe-transit-gateway-attachments"),
    ("TransitGatewayRouteTableId", "TransitGatewayRouteTables", "aws ec2 describe-transit-gateway-route-tables"),
    ("TransitGatewayId", "TransitGateways", "aws ec2 describe-transit-gateways"),
    ("NatGatewayId", "NatGateways", "aws ec2 describe-nat-gateways"),
    ("AllocationId", "Addresses", "aws ec2 describe-addresses"),
    ("NetworkInterfaceId", "NetworkInterfaces", "aws ec2 describe-network-interfaces"),
    ("VpcEndpointId", "VpcEndpoints", "aws ec2 describe-vpc-endpoints"),
    ("InstanceId", "Reservations", "aws ec2 describe-instances"),
    ("RouteTableId", "RouteTables", "aws ec2 describe-route-tables"),
    ("NetworkAclId", "NetworkAcls", "aws ec2 describe-network-acls"),
    ("GroupId", "SecurityGroups", "aws ec2 describe-security-groups"),
    ("EgressOnlyInternetGatewayId", "EgressOnlyInternetGateways", "aws ec2 describe-egress-only-internet-gateways"),
    ("InternetGatewayId", "InternetGateways", "aws ec2 describe-internet-gateways"),
    ("PrefixListId", "ManagedPrefixLists", "aws ec2 describe-managed-prefix-lists"),
    ("ListenerArn", "Listeners", "aws elbv2 describe-listeners"),
    ("TargetGroupArn", "TargetGroups", "aws elbv2 describe-target-groups"),
    ("LoadBalancerArn", "LoadBalancers", "aws elbv2 describe-load-balancers"),
    ("LoadBalancerName", "LoadBalancerDescriptions", "aws elb describe-load-balancers"),
    ("SubnetId", "Subnets", "aws ec2 describe-subnets"),
    ("VpcId", "Vpcs", "aws ec2 describe-vpcs"),
];

/// The message and help for JSON whose top level is an array, not a response object.
pub(crate) fn bare_list(items: &[Value<'_>]) -> (String, String) {
    let first_keys = items.first().and_then(Value::as_object).map(|o| o.keys().collect::<Vec<_>>());
    let response = first_keys.and_then(|keys| RESPONSES.iter().find(|(id, ..)| keys.contains(id)));
    match response {
        Some((_, key, command)) => {
            let holding = match *key {
                "Reservations" => "the instances under `Reservations[].Instances`".to_string(),
                _ => format!("the list under `{key}`"),
            };
            (
                format!(
                    "expected a JSON object of AWS CLI output, found a bare list of `{key}` items: this looks like \
                     `{command}` output narrowed with --query"
                ),
                format!(
                    "vpclint needs the whole response, the object with {holding}: run `{command} --output json` without --query"
                ),
            )
        }
        None => (
            "expected a JSON object of AWS CLI output, found an array: this looks like output narrowed with --query"
                .to_string(),
            "vpclint needs the whole response: run the `aws ec2 describe-*` or `aws elbv2 describe-*` command with \
             `--output json` and without --query"
                .to_string(),
        ),
    }
}

/// A zip archive: what `terraform plan -out` writes.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// For a file read as bytes that vpclint cannot take as text.
pub(crate) fn of_binary(name: &str, bytes: &[u8]) -> Option<Hint> {
    if !bytes.starts_with(ZIP_MAGIC) {
        return None;
    }
    // The first member's name (a local file header: its length at 26, the name from 30). A plan
    // starts with `tfplan`; state and configuration members follow.
    let name_len = bytes.get(26..28).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    let first = bytes.get(30..30 + name_len).unwrap_or_default();
    let is_plan = first.starts_with(b"tfplan") || first.starts_with(b"tfstate") || first.starts_with(b"tfconfig/");
    let (plan, json) = plan_and_json_names(name);
    let run = format!("run `terraform show -json {plan} > {json}` and check {json}");
    Some(if is_plan {
        Hint {
            what: "a binary Terraform plan (written by `terraform plan -out`), not JSON".into(),
            help: run,
            offset: None,
        }
    } else {
        Hint {
            what: "a zip archive, not JSON or YAML text".into(),
            help: format!("if it is a saved Terraform plan, {run}"),
            offset: None,
        }
    })
}

/// The plan file as a shell argument, and the JSON file to write beside it.
fn plan_and_json_names(name: &str) -> (String, String) {
    if name == "<stdin>" {
        return ("PLANFILE".into(), "plan.json".into());
    }
    let path = Path::new(name);
    let json = if super::discover::extension_is(path, &["json"]) {
        path.with_extension("plan.json")
    } else {
        path.with_extension("json")
    };
    (shell_word(name), shell_word(&json.display().to_string()))
}

/// `s` as one shell word: quoted when it holds anything but the plain characters of a path.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-/+=:@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// For text in no supported format (not a CloudFormation template).
pub(crate) fn of_text(path: Option<&Path>, text: &str) -> Option<Hint> {
    let file_name = path.and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or_default();
    tfvars(file_name)
        .or_else(|| terraform_plan_text(text))
        .or_else(|| terraform_state_text(text))
        .or_else(|| aws_table(text))
        .or_else(|| aws_text(text))
        .or_else(|| hcl(text, super::discover::extension_is(Path::new(file_name), &["hcl"])))
}

/// For JSON that holds no AWS CLI response.
pub(crate) fn of_json(path: Option<&Path>, root: &Value<'_>) -> Option<Hint> {
    let file_name = path.and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or_default();
    tfvars(file_name).or_else(|| terraform_state_file(root))
}

fn tfvars(file_name: &str) -> Option<Hint> {
    (file_name.ends_with(".tfvars") || file_name.ends_with(".tfvars.json")).then(|| Hint {
        what: "a Terraform variables file, not a configuration".into(),
        help: "check the directory holding the .tf files (its terraform.tfvars and *.auto.tfvars are read with \
               them; give others with --var-file)"
            .into(),
        offset: None,
    })
}

/// The state file Terraform keeps (`terraform.tfstate`): not the form `terraform show -json` writes.
fn terraform_state_file(root: &Value<'_>) -> Option<Hint> {
    let root = root.as_object()?;
    let is_state = root.get("version").is_some_and(Value::is_number)
        && root.contains_key("terraform_version")
        && root.get("resources").is_some_and(Value::is_array);
    is_state.then(|| Hint {
        what: "a Terraform state file, which vpclint does not read as it is".into(),
        help: STATE_HELP.into(),
        offset: None,
    })
}

const STATE_HELP: &str = "run `terraform show -json > state.json` in the working directory and check state.json";

/// The lines of a text that are not blank: where each starts, and its visible text (terminal
/// colour codes, which `terraform plan` writes unless told not to, taken out), trimmed.
fn visible_lines(text: &str) -> impl Iterator<Item = (usize, Cow<'_, str>)> {
    text.split_inclusive('\n')
        .scan(0, |start, raw| {
            let at = *start + (raw.len() - raw.trim_start().len());
            *start += raw.len();
            let line = match without_colour_codes(raw) {
                Cow::Borrowed(l) => Cow::Borrowed(l.trim()),
                Cow::Owned(l) => Cow::Owned(l.trim().to_string()),
            };
            Some((at, line))
        })
        .filter(|(_, l)| !l.is_empty())
}

fn without_colour_codes(line: &str) -> Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
        } else if chars.next() == Some('[') {
            // A control sequence ends at its first character in `@`..=`~`.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    Cow::Owned(out)
}

fn terraform_plan_text(text: &str) -> Option<Hint> {
    const CHANGES: &[&str] = &[
        " will be created",
        " will be destroyed",
        " will be updated in-place",
        " must be replaced",
        " will be read during apply",
    ];
    let is_marker = |l: &str| {
        l.starts_with("Terraform will perform the following actions:")
            || l.starts_with("Terraform used the selected providers to generate the following execution")
            || l.starts_with("No changes. Your infrastructure matches the configuration.")
            || (l.starts_with("Plan: ") && l.contains(" to add"))
            || (l.starts_with("# ") && CHANGES.iter().any(|c| l.contains(c)))
    };
    let (offset, _) = visible_lines(text).find(|(_, l)| is_marker(l))?;
    Some(Hint {
        what: "the text output of `terraform plan`, not JSON".into(),
        help: "save the plan with `terraform plan -out plan.out`, then run `terraform show -json plan.out > \
               plan.json` and check plan.json"
            .into(),
        offset: Some(offset),
    })
}

/// `# aws_vpc.main:` followed by `resource "aws_vpc" "main" {`: state as `terraform show` or
/// `terraform state show` prints it.
fn terraform_state_text(text: &str) -> Option<Hint> {
    let is_address = |l: &str| {
        l.strip_prefix("# ").and_then(|l| l.strip_suffix(':')).is_some_and(|a| !a.is_empty() && !a.contains(' '))
    };
    let is_block = |l: &str| l.starts_with("resource \"") || l.starts_with("data \"");
    let mut previous: Option<(usize, bool)> = None;
    let offset = visible_lines(text).find_map(|(at, l)| {
        let found = previous.filter(|(_, address)| *address && is_block(&l)).map(|(offset, _)| offset);
        previous = Some((at, is_address(&l)));
        found
    })?;
    Some(Hint {
        what: "the text output of `terraform show` or `terraform state show`, not JSON".into(),
        help: STATE_HELP.into(),
        offset: Some(offset),
    })
}

/// What to rerun with `--output json`, from a response key or an operation name.
fn rerun(command: Option<&str>) -> String {
    match command {
        Some(c) => format!("rerun `{c}` with `--output json`"),
        None => "rerun the command with `--output json`".into(),
    }
}

/// A border of dashes, then a title between bars: `|  DescribeVpcs  |`.
fn aws_table(text: &str) -> Option<Hint> {
    let mut visible = visible_lines(text);
    let (_, border) = visible.next()?;
    let (offset, title) = visible.next()?;
    if border.len() < 3 || !border.bytes().all(|b| b == b'-') || !title.starts_with('|') || !title.ends_with('|') {
        return None;
    }
    let name = title.trim_matches(|c: char| c == '|' || c.is_whitespace());
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let operation = kebab(name);
    let command = RESPONSES.iter().map(|(.., c)| *c).find(|c| c.ends_with(&format!(" {operation}")));
    Some(Hint {
        what: "AWS CLI output in `--output table` form, not JSON".into(),
        help: rerun(command),
        offset: Some(offset),
    })
}

/// `DescribeVpcPeeringConnections` → `describe-vpc-peering-connections`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Tab-separated lines that start with a response key in capitals (`VPCS`, a tab, `10.0.0.0/16`, …).
fn aws_text(text: &str) -> Option<Hint> {
    let (offset, first) = visible_lines(text).next()?;
    let (word, _) = first.split_once('\t')?;
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return None;
    }
    let command = RESPONSES.iter().find(|(_, key, _)| key.eq_ignore_ascii_case(word)).map(|(.., c)| *c);
    Some(Hint {
        what: "AWS CLI output in `--output text` form, not JSON".into(),
        help: rerun(command),
        offset: Some(offset),
    })
}

/// Terraform blocks (`resource "aws_vpc" "main" {`) in a file Terraform would not read.
fn hcl(text: &str, named_hcl: bool) -> Option<Hint> {
    const BLOCKS: &[&str] = &["resource \"", "module \"", "data \"", "provider \"", "variable \"", "terraform {"];
    let block = visible_lines(text).find(|(_, l)| BLOCKS.iter().any(|b| l.starts_with(b)) && l.ends_with('{'));
    let help = "Terraform reads only the .tf and .tf.json files of a directory, and so does vpclint: check that \
                directory";
    match block {
        Some((offset, _)) => Some(Hint {
            what: "Terraform configuration in a file not named .tf".into(),
            help: help.into(),
            offset: Some(offset),
        }),
        None if named_hcl => {
            Some(Hint { what: "HCL, but not a Terraform .tf file".into(), help: help.into(), offset: None })
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(text: &str) -> Option<String> {
        of_text(Some(Path::new("out.txt")), text).map(|h| h.what)
    }

    #[test]
    fn text_outputs_are_told_apart() {
        let plan = "\u{1b}[0m\u{1b}[1m  # aws_vpc.main\u{1b}[0m will be created\n";
        assert!(hint(plan).is_some_and(|w| w.contains("`terraform plan`")));
        assert!(hint("Plan: 3 to add, 0 to change, 0 to destroy.\n").is_some_and(|w| w.contains("`terraform plan`")));
        let state = "# aws_vpc.main:\nresource \"aws_vpc\" \"main\" {\n    id = \"vpc-1\"\n}\n";
        assert!(hint(state).is_some_and(|w| w.contains("`terraform show`")));
        let table = "-------\n|  DescribeSubnets  |\n+-----+\n";
        let h = of_text(None, table).expect("a table");
        assert_eq!(h.help, "rerun `aws ec2 describe-subnets` with `--output json`");
        assert_eq!(h.offset, Some(8));
        let text = "ROUTETABLES\trtb-1\tvpc-1\nROUTES\t10.0.0.0/16\tlocal\n";
        let h = of_text(None, text).expect("text output");
        assert_eq!(h.help, "rerun `aws ec2 describe-route-tables` with `--output json`");
        assert!(hint("resource \"aws_vpc\" \"main\" {\n}\n").is_some_and(|w| w.contains("not named .tf")));
        assert!(hint("Description: a template\nResources: {}\n").is_none());
        assert!(hint("").is_none());
        assert!(hint("---\n|\n  a block scalar\n").is_none());
    }

    #[test]
    fn a_state_file_is_told_from_other_json() {
        let json = |text: &str| {
            serde_json::from_str::<serde_json_borrow::Value<'_>>(text).map(|v| of_json(None, &v).is_some())
        };
        let state = json(r#"{"version": 4, "terraform_version": "1.9.0", "serial": 3, "resources": []}"#);
        assert!(state.expect("json"));
        assert!(!json(r#"{"version": 4, "resources": []}"#).expect("json"));
        let tfvars: serde_json_borrow::Value<'_> = serde_json::from_str("{}").expect("json");
        assert!(of_json(Some(Path::new("env/prod.tfvars.json")), &tfvars).is_some());
    }

    #[test]
    fn a_binary_plan_names_the_json_to_write() {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend([0; 22]);
        zip.extend(6u16.to_le_bytes());
        zip.extend([0, 0]);
        zip.extend(b"tfplan\x00\xff");
        let h = of_binary("plans/prod plan.out", &zip).expect("a plan");
        assert!(h.what.starts_with("a binary Terraform plan"));
        assert_eq!(
            h.help,
            "run `terraform show -json 'plans/prod plan.out' > 'plans/prod plan.json'` and check 'plans/prod plan.json'"
        );
        assert!(of_binary("x.zip", b"PK\x03\x04").is_some_and(|h| h.what.starts_with("a zip archive")));
        assert!(of_binary("x.json", b"\xff\xfe").is_none());
    }

    #[test]
    fn a_bare_list_names_the_key_it_needs() {
        let list: serde_json_borrow::Value<'_> =
            serde_json::from_str(r#"[{"SubnetId": "subnet-1", "VpcId": "vpc-1"}]"#).expect("json");
        let (message, help) = bare_list(list.as_array().expect("an array"));
        assert!(message.contains("bare list of `Subnets` items"), "{message}");
        assert!(help.contains("the list under `Subnets`: run `aws ec2 describe-subnets --output json`"), "{help}");
        let (message, _) = bare_list(&[]);
        assert!(message.contains("found an array"), "{message}");
    }
}
