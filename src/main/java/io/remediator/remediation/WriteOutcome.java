package io.remediator.remediation;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;

/** What one write (or its dry run) came to: the executor's only answer, never an exception. */
public sealed interface WriteOutcome {

    /** Written (or, dry run, would be). @param note what KubeVirt said it does about it, or null */
    record Done(String note) implements WriteOutcome {
        public PlannedAction.DryRun asDryRun() {
            return new PlannedAction.DryRun(true, null, note);
        }

        public PlannedAction.Result asResult() {
            return new PlannedAction.Result(PlannedAction.Outcome.DONE, note);
        }
    }

    /** Nothing needed writing: our own earlier request already did it, or the VMI was updated since. */
    record AlreadyDone(String why) implements WriteOutcome {
        public PlannedAction.DryRun asDryRun() {
            return new PlannedAction.DryRun(true, null, why);
        }

        public PlannedAction.Result asResult() {
            return new PlannedAction.Result(PlannedAction.Outcome.ALREADY_DONE, why);
        }
    }

    /** The API server, an admission webhook or KubeVirt said no, or it is not possible here. */
    record Refused(int code, String reason) implements WriteOutcome {
        public PlannedAction.DryRun asDryRun() {
            return new PlannedAction.DryRun(false, code, reason);
        }

        /** Stored as `failed`: for the ledger and the next pass, a refusal is a write that did not happen. */
        public PlannedAction.Result asResult() {
            return new PlannedAction.Result(PlannedAction.Outcome.FAILED, reason);
        }
    }

    /** No answer: the network, a timeout, an API server that went away. */
    record Failed(String reason) implements WriteOutcome {
        public PlannedAction.DryRun asDryRun() {
            return new PlannedAction.DryRun(false, null, reason);
        }

        public PlannedAction.Result asResult() {
            return new PlannedAction.Result(PlannedAction.Outcome.FAILED, reason);
        }
    }

    /** A failed call in the words the report shows: refused when the API answered with a code. */
    static WriteOutcome of(KubernetesClientException e) {
        return e.getCode() > 0 ? new Refused(e.getCode(), ApiErrors.describe(e)) : new Failed(ApiErrors.describe(e));
    }

    /** As the report stores a dry run. */
    PlannedAction.DryRun asDryRun();

    /** As the report stores the result of the write. */
    PlannedAction.Result asResult();
}
