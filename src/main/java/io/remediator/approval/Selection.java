package io.remediator.approval;

import io.remediator.remediation.Action;
import java.util.List;

/**
 * Which actions of the reviewed plan an approval is for. Chosen from the report as it is read
 * inside the approval's write, so what is approved is what that very version of the plan offers.
 */
public sealed interface Selection {
    /** The keys the operator named (the API). */
    record Named(List<String> keys) implements Selection {
        public Named {
            keys = keys == null ? List.of() : List.copyOf(keys);
        }
    }

    /**
     * Every awaiting action a link or a Slack button may approve (`slack.approval.maxAction`).
     *
     * @param from       the Slack message the button was clicked in, which must be the report's own; null for a link
     * @param namespaces for a click in an owner channel's message (docs/owners.md): the namespaces
     *                   whose actions the clicker may approve there, as that message's namespaces'
     *                   `kubevirt-remediator/approvers` say; null for the platform message
     */
    record Offered(Action maxAction, Message from, java.util.Set<String> namespaces) implements Selection {
        public Offered(Action maxAction, Message from) {
            this(maxAction, from, null);
        }

        public Offered {
            namespaces = namespaces == null ? null : java.util.Set.copyOf(namespaces);
        }
    }

    /** A Slack message: its channel ID and timestamp. */
    record Message(String channel, String ts) {}
}
