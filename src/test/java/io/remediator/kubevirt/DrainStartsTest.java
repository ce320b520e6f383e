package io.remediator.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a drain began, read from a node as Kubernetes 1.30 returns it after `kubectl cordon` (pure). */
class DrainStartsTest {
    private static Node node(String managedFields) throws Exception {
        return new ObjectMapper().readValue("""
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"worker-3","managedFields":%s},
                 "spec":{"unschedulable":true,"taints":[{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule",
                   "timeAdded":"2026-12-07T09:14:03Z"}]}}
                """.formatted(managedFields), Node.class);
    }

    @Test
    void theCordonIsTheNewestWriteOfSpecUnschedulableNotTheKubeletsStatusNorTheTaintControllers() throws Exception {
        Node n = node("""
                [{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-12-07T09:20:00Z",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{}}}},
                 {"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2026-12-07T09:14:03Z",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:taints":{}}}},
                 {"manager":"kubectl-cordon","operation":"Update","apiVersion":"v1","time":"2026-12-07T09:14:02Z",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:unschedulable":{}}}}]
                """);
        assertThat(DrainStarts.of(n)).contains(Instant.parse("2026-12-07T09:14:02Z"));
    }

    @Test
    void onlyATaintTellsWhenTheNodeIsDrainedByTaintAndNothingTellsWithoutManagedFields() throws Exception {
        assertThat(DrainStarts.of(node("""
                [{"manager":"virt-handler","operation":"Update","apiVersion":"v1","time":"2026-12-07T10:00:00Z",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:taints":{}}}}]
                """))).contains(Instant.parse("2026-12-07T10:00:00Z"));
        assertThat(DrainStarts.of(node("[]"))).isEmpty();
        assertThat(DrainStarts.of(node("null"))).isEmpty();
    }
}
