package io.remediator.approval;

import java.util.Set;

/**
 * Who may approve with the link of an owner channel's message (docs/owners.md): the page knows the
 * person only by the SSO proxy's identity header, and the namespaces name their approvers as Slack
 * users and groups, so the identity is looked up in Slack. Fails closed.
 */
public interface OwnerLinkApprovers {
    /** What the identity may approve with that channel's link. */
    sealed interface Answer permits May, Refused {}

    /**
     * @param namespaces the channel's namespaces whose `kubevirt-remediator/approvers` include the person
     * @param approver   who the report records ("alice@example.com (Slack U0ALICE001)")
     */
    record May(Set<String> namespaces, String approver) implements Answer {
        public May {
            namespaces = Set.copyOf(namespaces);
        }
    }

    /** @param why the sentence the page shows */
    record Refused(String why) implements Answer {}

    /**
     * @param channel  the owner channel the link was signed for
     * @param identity the identity header's value, or null when there is none
     */
    Answer of(String channel, String identity);

    /** Without Slack user lookups: an owner channel's link approves nothing. */
    OwnerLinkApprovers NONE = (channel, identity) -> new Refused("this service cannot tell who you are in Slack");
}
