//! After every resource of a template is read: its edits are applied to the resources they
//! change, and what AWS creates implicitly is added through the shared defaults.

use super::*;

impl Builder<'_, '_> {
    pub(super) fn finish(mut self) {
        let cycles: Vec<String> = self.template.cycles.borrow().iter().cloned().collect();
        for logical in cycles {
            self.error(
                format!("/Resources/{}", escape(&logical)),
                format!("{logical}: circular dependency: an attribute of {logical} refers to {logical} itself (CloudFormation rejects the template)"),
            );
        }
        let mut created = Created {
            vpcs: self.vpcs.keys().cloned().collect(),
            transit_gateways: self
                .tgws
                .iter()
                .map(|(id, t)| NewTransitGateway { id: id.clone(), associate: t.association, propagate: t.propagation })
                .collect(),
            ..Created::default()
        };
        defaults::create(self.state, self.loaded, self.file, &self.start, &created);

        let applied = edit::apply(self.loaded, self.file, &self.start, std::mem::take(&mut self.pending));
        created.nacl_associated = applied.nacl_associated;
        created.tgw_associated = applied.tgw_associated;
        created.attachments = std::mem::take(&mut self.tgw_attachments)
            .into_iter()
            .filter_map(|(id, tgw)| {
                Some(NewAttachment { id, transit_gateway: tgw.known()?, associate: true, propagate: true })
            })
            .collect();
        defaults::link(self.loaded, self.file, &self.start, &created);
        let d = &mut self.loaded.design;
        // Elastic IPs a NAT gateway, a load balancer mapping or an instance takes by allocation
        // are in use even without an association.
        for (logical, &e) in &self.eips {
            if self.referenced.contains(logical) && d.elastic_ips[e].association_id.is_none() {
                d.elastic_ips[e].association_id = Some("(referenced in the template)".into());
            }
        }
        let mut eip_instances: HashSet<String> = HashSet::new();
        for &e in self.eips.values() {
            eip_instances.extend(d.elastic_ips[e].instance.clone());
        }
        for (logical, &i) in &self.instances {
            let inst = &mut d.instances[i];
            // Without a subnet of this template the instance lands in the default VPC's default
            // subnet, or in one defined elsewhere: whether it gets an address is not known here.
            let launch = inst.subnet.as_ref().and_then(|s| self.launch_public_ip.get(&s.id).copied()).flatten();
            if eip_instances.contains(logical) {
                inst.public_ip = Some("(Elastic IP)".into());
            } else if launch == Some(true) {
                inst.public_ip = Some("(assigned at launch)".into());
            } else if launch.is_none() {
                inst.public_ip_unknown = true;
            }
        }
    }
}
