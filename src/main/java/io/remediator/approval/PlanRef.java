package io.remediator.approval;

import io.remediator.remediation.PassResult;

/**
 * The plan an approval was given on. An operator using the API names the pass they reviewed; a
 * link or a Slack button names the set of actions it awaited (their keys, target UIDs and attempts,
 * {@link PassResult#awaitedDigest}), so it stays valid for its ttl while that set is unchanged,
 * however many follow-up passes run meanwhile (redteam-2 N7: a deferred migration made a pass every
 * batchInterval, and every link went stale after a minute).
 */
public sealed interface PlanRef {
    boolean matches(PassResult current);

    /** How the operator's words name it ("pass 3", "the plan the link was made for"). */
    String described();

    record Pass(int pass) implements PlanRef {
        @Override
        public boolean matches(PassResult current) {
            return current.pass() == pass;
        }

        @Override
        public String described() {
            return "pass " + pass;
        }
    }

    record Awaited(String digest) implements PlanRef {
        @Override
        public boolean matches(PassResult current) {
            return current.awaitedDigest().equals(digest);
        }

        @Override
        public String described() {
            return "the actions it was made for";
        }
    }
}
