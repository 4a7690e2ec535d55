//! Lifecycle states as enums. Each kind has AWS's own vocabulary, plus `Planned` for inputs that
//! describe what will be created (a plan, a template: no state recorded) and `Other` for a word
//! vpclint does not know, kept as written so messages can quote it.

macro_rules! states {
    ($($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? })*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Debug, PartialEq, Eq, Default)]
            pub enum $name {
                /// No state recorded: the input describes a resource still to be created.
                #[default]
                Planned,
                $($variant,)*
                Other(String),
            }

            impl $name {
                /// The state AWS reports as `word` (any case); empty is [`Self::Planned`].
                pub fn parse(word: &str) -> $name {
                    let lower = word.to_ascii_lowercase();
                    match lower.as_str() {
                        "" => $name::Planned,
                        $($word => $name::$variant,)*
                        _ => $name::Other(lower),
                    }
                }

                /// The state as AWS writes it (`planned` when none is recorded).
                pub fn as_str(&self) -> &str {
                    match self {
                        $name::Planned => "planned",
                        $($name::$variant => $word,)*
                        $name::Other(word) => word,
                    }
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        )*
    };
}

states! {
    /// A gateway's attachment to a VPC. `describe-internet-gateways` shows an attached gateway as
    /// `available`.
    AttachmentState { Attaching = "attaching", Attached = "attached", Available = "available",
        Detaching = "detaching", Detached = "detached" }
    /// `NatGateway.State`.
    NatState { Pending = "pending", Available = "available", Deleting = "deleting", Deleted = "deleted",
        Failed = "failed" }
    /// `VpcPeeringConnection.Status.Code`.
    PeeringState { InitiatingRequest = "initiating-request", PendingAcceptance = "pending-acceptance",
        Provisioning = "provisioning", Active = "active", Deleting = "deleting", Deleted = "deleted",
        Rejected = "rejected", Failed = "failed", Expired = "expired" }
    /// `Instance.State.Name`.
    InstanceState { Pending = "pending", Running = "running", ShuttingDown = "shutting-down",
        Terminated = "terminated", Stopping = "stopping", Stopped = "stopped" }
    /// The state of a transit gateway or of one of its attachments.
    TransitState { Pending = "pending", PendingAcceptance = "pendingacceptance", Available = "available",
        Modifying = "modifying", Initiating = "initiating", Deleting = "deleting", Deleted = "deleted",
        Failed = "failed", Failing = "failing", Rejected = "rejected", Rejecting = "rejecting" }
}

impl AttachmentState {
    /// Whether the gateway carries the VPC's traffic (or will, once the input is applied).
    pub fn is_attached(&self) -> bool {
        matches!(self, AttachmentState::Attached | AttachmentState::Available | AttachmentState::Planned)
    }
}

impl NatState {
    /// Deleted, deleting or failed: the gateway carries no traffic and needs no address.
    pub fn is_gone(&self) -> bool {
        matches!(self, NatState::Deleted | NatState::Deleting | NatState::Failed)
    }
}

impl PeeringState {
    /// Deleted, rejected, failed or expired: the connection carries no traffic and holds no CIDR claims.
    pub fn is_defunct(&self) -> bool {
        matches!(self, PeeringState::Deleted | PeeringState::Rejected | PeeringState::Failed | PeeringState::Expired)
    }

    /// Active, or to be created by the input (a plan or template peering is active once accepted).
    pub fn carries_traffic(&self) -> bool {
        matches!(self, PeeringState::Active | PeeringState::Planned)
    }
}

impl TransitState {
    /// Deleted, deleting or failed: the gateway or attachment carries no traffic.
    pub fn is_gone(&self) -> bool {
        matches!(self, TransitState::Deleted | TransitState::Deleting | TransitState::Failed)
    }
}

impl InstanceState {
    /// Terminated or shutting down: the instance is going away.
    pub fn is_gone(&self) -> bool {
        matches!(self, InstanceState::Terminated | InstanceState::ShuttingDown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_aws_words_and_keep_unknown_ones() {
        assert_eq!(PeeringState::parse("pending-acceptance"), PeeringState::PendingAcceptance);
        assert_eq!(PeeringState::parse("ACTIVE"), PeeringState::Active);
        assert_eq!(PeeringState::parse(""), PeeringState::Planned);
        assert_eq!(NatState::parse("sleeping"), NatState::Other("sleeping".into()));
        assert_eq!(NatState::parse("sleeping").as_str(), "sleeping");
        assert!(AttachmentState::parse("available").is_attached());
        assert!(!AttachmentState::parse("detached").is_attached());
        assert_eq!(TransitState::parse("pendingAcceptance"), TransitState::PendingAcceptance);
    }
}
