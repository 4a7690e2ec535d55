//! After every resource of a plan is read: the edits that change other resources are applied,
//! and what AWS creates implicitly is added through the shared defaults.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn finish(mut self) {
        for (subnet, (n, origin)) in std::mem::take(&mut self.nacl_subnets) {
            self.loaded.design.network_acls[n].subnets.push((Ref::new(subnet), origin));
        }
        let pending = std::mem::take(&mut self.pending);
        // The VPCs whose main table the plan names or manages get none from AWS's defaults. The
        // defaults come first: an edit may change them (a route in `aws_vpc.x.main_route_table_id`).
        let main_vpcs: Vec<String> = pending
            .iter()
            .filter_map(|e| match e {
                Edit::MainAssociation { table: Some(t), vpc: Some(v) } if self.tables.contains_key(t) => {
                    Some(v.clone())
                }
                Edit::ManagedMainTable { vpc: Some(v) } => Some(v.clone()),
                _ => None,
            })
            .collect();
        let mut created = self.created(main_vpcs, HashSet::new(), HashSet::new());
        defaults::create(self.state, self.loaded, self.plan.file, &self.start, &created);
        let applied = edit::apply(self.loaded, self.plan.file, &self.start, pending);
        let edit::Applied { fed_tables, fed_nacls, fed_groups, nacl_associated, tgw_associated, .. } = applied;
        for &t in &self.maybe_dynamic_tables {
            if !fed_tables.contains(&t) {
                self.loaded.design.route_tables[t].has_unknown_routes = true;
            }
        }
        for &(g, egress) in &self.maybe_dynamic_groups {
            if !fed_groups.contains(&(g, egress)) {
                let sg = &mut self.loaded.design.security_groups[g];
                if egress { sg.has_unknown_egress = true } else { sg.has_unknown_ingress = true }
            }
        }
        for &n in &self.maybe_dynamic_nacls {
            if !fed_nacls.contains(&n) {
                self.loaded.design.network_acls[n].has_unknown_entries = true;
            }
        }
        self.public_addresses_at_launch();
        created.nacl_associated.extend(nacl_associated);
        created.tgw_associated.extend(tgw_associated);
        defaults::link(self.loaded, self.plan.file, &self.start, &created);
    }

    /// Instances that do not say whether they get a public address get one when their subnet
    /// maps public addresses on launch (or an Elastic IP names them); a subnet outside the plan,
    /// or a setting known only after apply, leaves it unknown.
    fn public_addresses_at_launch(&mut self) {
        let plan = self.plan;
        let with_eip: HashSet<String> = plan
            .resources
            .iter()
            .filter(|r| r.rtype == "aws_eip" || r.rtype == "aws_eip_association")
            .flat_map(|r| {
                let attr = if r.rtype == "aws_eip" { "instance" } else { "instance_id" };
                plan.link(r, attr, &["aws_instance"]).ids()
            })
            .collect();
        for (i, subnet) in std::mem::take(&mut self.launch_by_subnet) {
            let inst = &mut self.loaded.design.instances[i];
            if with_eip.contains(&inst.meta.id) {
                inst.public_ip = Some("(Elastic IP)".into());
                continue;
            }
            let setting = subnet.first().and_then(|s| plan.by_address.get(&s).map(|&j| &plan.resources[j]));
            match setting {
                Some(s) if Self::is_unknown(s, "map_public_ip_on_launch") => inst.public_ip_unknown = true,
                Some(s) if s.values.get("map_public_ip_on_launch") == Some(&Value::Bool(true)) => {
                    inst.public_ip = Some("(assigned at launch)".into());
                }
                Some(_) => {}
                None => inst.public_ip_unknown = true,
            }
        }
    }

    /// What the plan creates that AWS adds to, for the shared defaults.
    pub(super) fn created(
        &self,
        main_vpcs: Vec<String>,
        tgw_associated: HashSet<String>,
        nacl_associated: HashSet<String>,
    ) -> Created {
        let plan = self.plan;
        let exists = |r: &Res<'_>| r.values.get("id").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        let mut created = Created {
            managed_main_table: main_vpcs.into_iter().collect(),
            tgw_associated,
            nacl_associated,
            ..Created::default()
        };
        for r in &plan.resources {
            match r.rtype.as_str() {
                // An existing VPC's implicit resources are not in the plan.
                "aws_vpc" if self.vpcs.contains_key(&r.address) && !exists(r) => created.vpcs.push(r.address.clone()),
                "aws_default_network_acl" => {
                    created.managed_default_nacl.extend(plan.link(r, "default_network_acl_id", VPC).first());
                    created.nacl_associated.extend(plan.link(r, "subnet_ids", SUBNET).ids());
                }
                "aws_network_acl" => created.nacl_associated.extend(plan.link(r, "subnet_ids", SUBNET).ids()),
                "aws_default_security_group" => {
                    created.managed_default_group.extend(plan.link(r, "vpc_id", VPC).first())
                }
                "aws_ec2_transit_gateway" if !exists(r) => {
                    let setting = |attr: &str| match r.values.get(attr).and_then(Value::as_str) {
                        Some(v) => Some(v.eq_ignore_ascii_case("enable")),
                        None => (!Self::is_unknown(r, attr)).then_some(true),
                    };
                    created.transit_gateways.push(NewTransitGateway {
                        id: r.address.clone(),
                        associate: setting("default_route_table_association"),
                        propagate: setting("default_route_table_propagation"),
                    });
                }
                "aws_ec2_transit_gateway_vpc_attachment" => {
                    let Some(tgw) = plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"]).first() else {
                        continue;
                    };
                    // Both default to true; an unknown one is not assumed.
                    let joins = |attr: &str| match r.values.get(attr).and_then(Value::as_bool) {
                        Some(b) => b,
                        None => !Self::is_unknown(r, attr),
                    };
                    created.attachments.push(NewAttachment {
                        id: r.address.clone(),
                        transit_gateway: tgw,
                        associate: joins("transit_gateway_default_route_table_association"),
                        propagate: joins("transit_gateway_default_route_table_propagation"),
                    });
                }
                _ => {}
            }
        }
        created
    }
}
