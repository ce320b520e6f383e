package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch-backed caches of the objects the runbook reads: outdated VMIs (by label), VMs,
 * migrations, virt-launcher pods (by label), KubeVirt CRs and, when a namespace selector is
 * configured, the namespaces it selects. The first diagnosis pays for one paginated LIST per
 * kind (all in parallel); later ones read memory and cost no API call at all.
 *
 * <p>If the first LIST of any kind fails (a 403, the API down), every cache is stopped and the
 * error is thrown, so the diagnosis reports it and the next one starts over.
 */
public final class KubeVirtInformers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeVirtInformers.class);

    private final KubernetesClient client;
    private final long pageSize;
    private final String namespaceSelector;
    private final String policyNamespaceSelector;
    private volatile Set<String> keptAnnotations;
    private volatile OptionalWatch ownerNamespaces;
    private volatile Set<String> ownerVmKeys = Set.of();
    private volatile String ownerLabel;
    private final Duration syncTimeout;
    /** The default 120 s doubles to 64 min at most: a very large cluster's first read on a slow API server. */
    private final FirstReadLimit syncLimit;
    private volatile List<SharedIndexInformer<?>> running = List.of();
    /** Every cache of {@link #running} has synced (set after the first sync, cleared when they stop). */
    private volatile boolean synced;
    private volatile SharedIndexInformer<GenericKubernetesResource> vmis;
    private SharedIndexInformer<GenericKubernetesResource> vms;
    private SharedIndexInformer<GenericKubernetesResource> migrations;
    private SharedIndexInformer<GenericKubernetesResource> pods;
    private volatile SharedIndexInformer<GenericKubernetesResource> kubeVirts;
    private final FailedMigrationEvents failedMigrations;
    private final TargetPods targetPods = new TargetPods();
    private final OptionalWatch disruptionBudgets;
    private final OptionalWatch migrationPolicies;
    private final OptionalWatch allNamespaces;
    private final OptionalWatch nodes;
    /** VMI UID → evacuation node and when this service first saw that mark. */
    private final java.util.Map<String, java.util.Map.Entry<String, java.time.Instant>> evacuationSeen =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ControlPlaneUpdates controlPlaneUpdates = new ControlPlaneUpdates(java.time.Clock.systemUTC());
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<Namespace> policyNamespaces;
    private volatile Runnable actedOnChanged = () -> { };
    /** Parses LIST responses and runs the caches' event handlers; its threads end when idle. */
    private final ExecutorService listing = PrunedList.threads("kubevirt-caches");

    /**
     * @param namespaceSelector       the diagnosis's label selector on namespaces, or null/blank
     * @param policyNamespaceSelector the remediation policy's one, or null/blank
     * @param optOutKey               label or annotation key that opts a VM or VMI out, or null
     */
    public KubeVirtInformers(KubernetesClient client, int pageSize, String namespaceSelector,
                             String policyNamespaceSelector, String optOutKey, Duration syncTimeout) {
        this.client = client;
        this.pageSize = pageSize;
        this.namespaceSelector = blankToNull(namespaceSelector);
        this.policyNamespaceSelector = blankToNull(policyNamespaceSelector);
        this.keptAnnotations = optOutKey == null ? Set.of() : Set.of(optOutKey);
        this.syncTimeout = syncTimeout;
        this.syncLimit = new FirstReadLimit(syncTimeout);
        this.failedMigrations = new FailedMigrationEvents(client, pageSize, syncTimeout);
        this.disruptionBudgets = new OptionalWatch(() -> client.genericKubernetesResources("policy/" + KubeVirtResources.policyVersion(client),
                "PodDisruptionBudget").inAnyNamespace().withLimit(pageSize == 0 ? null : (long) pageSize)
                .runnableInformer(0), "PodDisruptionBudgets (which ones refuse KubeVirt's evictions)", syncTimeout);
        this.migrationPolicies = new OptionalWatch(() -> client.genericKubernetesResources(KubeVirtResources.MIGRATION_POLICY)
                .withLimit(pageSize == 0 ? null : (long) pageSize).runnableInformer(0),
                "MigrationPolicies (whether a migration may go post-copy or pause the guest)", syncTimeout);
        this.allNamespaces = new OptionalWatch(() -> {
            var informer = client.genericKubernetesResources("v1", "Namespace").withLimit(pageSize == 0 ? null : (long) pageSize)
                    .runnableInformer(0);
            informer.itemStore(new PrunedItemStore(new KeptFields(List.of(), Set.of(KeptFields.ALL), Set.of())));
            return informer;
        }, "namespaces' labels (MigrationPolicies select by them)", syncTimeout);
        this.nodes = new OptionalWatch(() -> {
            var informer = client.genericKubernetesResources("v1", "Node").withLimit(pageSize == 0 ? null : (long) pageSize)
                    .runnableInformer(0);
            informer.itemStore(new PrunedItemStore(new KeptFields(List.of("spec.unschedulable", "spec.taints",
                    "status.allocatable", "status.conditions"), Set.of(KeptFields.ALL), ClusterNode.MCO_ANNOTATIONS)));
            return informer;
        }, "nodes (how many can take a migrating VM: devices.kubevirt.io/kvm)", syncTimeout);
    }


    /**
     * Also keeps what namespaces and VMs say about their own maintenance (docs/owners.md): the
     * Namespaces' owner label and these annotations, and these VM annotations. Called before the
     * caches start.
     */
    public synchronized KubeVirtInformers keepingOwnerAnnotations(String ownerLabel, Set<String> namespaceKeys,
                                                                  Set<String> vmKeys) {
        this.ownerLabel = ownerLabel;
        this.ownerVmKeys = Set.copyOf(vmKeys);
        Set<String> vm = new java.util.HashSet<>(keptAnnotations);
        vm.addAll(vmKeys);
        this.keptAnnotations = Set.copyOf(vm);
        this.ownerNamespaces = new OptionalWatch(() -> {
            var informer = client.genericKubernetesResources("v1", "Namespace").withLimit(pageSize == 0 ? null : (long) pageSize)
                    .runnableInformer(0);
            informer.itemStore(new PrunedItemStore(new KeptFields(List.of(), Set.of(ownerLabel), Set.copyOf(namespaceKeys))));
            return informer;
        }, "namespaces' kubevirt-remediator annotations (their windows, batches, policy and owners)", syncTimeout);
        return this;
    }

    /** A namespace's owner label and kept annotations. */
    public record OwnerMeta(String owner, java.util.Map<String, String> annotations) {}

    /**
     * Namespaces with an owner label or a kept annotation, by name; empty without
     * {@link #keepingOwnerAnnotations} or when they cannot be read (added to {@code problems}).
     */
    public synchronized java.util.Map<String, OwnerMeta> ownerNamespaces(List<String> problems) {
        if (ownerNamespaces == null) {
            return java.util.Map.of();
        }
        ownerNamespaces.startIfNeeded(problems);
        java.util.Map<String, OwnerMeta> out = new java.util.HashMap<>();
        for (GenericKubernetesResource n : ownerNamespaces.items()) {
            var labels = n.getMetadata().getLabels();
            var annotations = n.getMetadata().getAnnotations();
            String owner = labels == null ? null : labels.get(ownerLabel);
            if (owner != null || annotations != null && !annotations.isEmpty()) {
                out.put(n.getMetadata().getName(), new OwnerMeta(owner, annotations == null ? java.util.Map.of()
                        : java.util.Map.copyOf(annotations)));
            }
        }
        return out;
    }

    /** `namespace/vm` → the VM's kept owner annotations, for VMs that carry any. */
    public synchronized java.util.Map<String, java.util.Map<String, String>> ownerVmAnnotations() {
        startIfNeeded();
        java.util.Map<String, java.util.Map<String, String>> out = new java.util.HashMap<>();
        if (ownerVmKeys.isEmpty()) {
            return out;
        }
        for (GenericKubernetesResource r : vms.getStore().list()) {
            var a = r.getMetadata().getAnnotations();
            if (a == null) {
                continue;
            }
            java.util.Map<String, String> kept = new java.util.HashMap<>();
            a.forEach((k, v) -> {
                if (ownerVmKeys.contains(k)) {
                    kept.put(k, v);
                }
            });
            if (!kept.isEmpty()) {
                out.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), java.util.Map.copyOf(kept));
            }
        }
        // A VMI may opt itself out for a while too (a VM's VMI has its VM's name); its VM's, if set, counts.
        String skipUntil = "kubevirt-remediator/skip-until";
        if (ownerVmKeys.contains(skipUntil)) {
            for (GenericKubernetesResource r : vmis.getStore().list()) {
                var a = r.getMetadata().getAnnotations();
                if (a != null && a.get(skipUntil) != null) {
                    String key = r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
                    java.util.Map<String, String> merged = new java.util.HashMap<>(out.getOrDefault(key, java.util.Map.of()));
                    merged.putIfAbsent(skipUntil, a.get(skipUntil));
                    out.put(key, java.util.Map.copyOf(merged));
                }
            }
        }
        return out;
    }

    public KubeVirtInformers(KubernetesClient client, int pageSize, String namespaceSelector, Duration syncTimeout) {
        this(client, pageSize, namespaceSelector, null, null, syncTimeout);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * Called (on the watch's thread: keep it short) when a migration this service created changes,
     * or a VMI stops being outdated (or goes away): what a follow-up of its actions looks at.
     */
    public void onActedOnChange(Runnable listener) {
        this.actedOnChanged = listener;
    }

    /** Namespaces matching the policy's selector, or null when it has none. Starts the caches if needed. */
    public synchronized Set<String> policyNamespaces() {
        if (policyNamespaceSelector == null) {
            return null;
        }
        startIfNeeded();
        return names(policyNamespaces);
    }

    /**
     * The KubeVirt CR KubeVirt acts on ({@link KubeVirtInstallation#effective}), with its update's
     * frozen times; null without one. Reads only the KubeVirt CRs' cache: what the rollout watch
     * looks at every few seconds.
     */
    public KubeVirtInstallation kubeVirt() {
        startedWithoutLock();
        return KubeVirtInstallation.effective(read(kubeVirts, KubeVirtRecords::kubeVirt).stream()
                .map(controlPlaneUpdates::frozen)
                .sorted(Comparator.comparing(KubeVirtInstallation::namespace).thenComparing(KubeVirtInstallation::name))
                .toList());
    }

    /** Every migration in the cache (with its phase times and failure). */
    public synchronized List<VirtualMachineInstanceMigration> migrations() {
        startIfNeeded();
        return read(migrations, KubeVirtRecords::migration);
    }

    /**
     * The failure text per migration (ns/name) that only Events give, once their watches run: its
     * `FailedMigration` or `migrationTargetPodUnschedulable`; over those, the scheduler's
     * `FailedScheduling` on its target pod, then `NoSuitableNodesForHostModelMigration` (the cause of
     * that), then virt-handler's `Migrated` Warning with libvirt's words.
     */
    public synchronized java.util.Map<String, String> failedMigrationMessages() {
        java.util.Map<String, String> messages = new java.util.HashMap<>(failedMigrations.latestMessages());
        if (migrations == null) {
            return messages;
        }
        java.util.Map<String, String> scheduling = new java.util.HashMap<>();
        failedMigrations.schedulingFailures().forEach((pod, text) -> {
            // The target pod is deleted when it stays unschedulable (migration.go:1741): its migration
            // is remembered from when the cache still had it.
            String uid = targetPods.migrationOf(pod);
            if (uid != null) {
                scheduling.put(uid, text);
            }
        });
        java.util.Map<String, String> migrated = failedMigrations.failuresByMigrationUid();
        List<FailedMigrationEvents.Seen> hostModel = failedMigrations.hostModelEvents();
        for (GenericKubernetesResource m : migrations.getStore().list()) {
            String uid = m.getMetadata().getUid();
            String key = m.getMetadata().getNamespace() + "/" + m.getMetadata().getName();
            if (uid != null && scheduling.containsKey(uid)) {
                messages.put(key, scheduling.get(uid));
            }
            if (!hostModel.isEmpty()) {
                VirtualMachineInstanceMigration mm = KubeVirtRecords.migration(m);
                hostModel.stream().filter(e -> e.namespace().equals(mm.namespace()) && during(e, mm))
                        .map(FailedMigrationEvents.Seen::message).findFirst().ifPresent(t -> messages.put(key, t));
            }
            // A VMI's Event names the migration by UID; the handler's libvirt text says more than the
            // controller's "source node reported migration failed".
            if (uid != null && migrated.containsKey(uid)) {
                messages.put(key, migrated.get(uid));
            }
        }
        return messages;
    }

    /**
     * A host-model Event is this migration's when it names it, or names its VMI while it was
     * unfinished: created before the Event was last seen, not finished before it was first seen.
     */
    private static boolean during(FailedMigrationEvents.Seen e, VirtualMachineInstanceMigration m) {
        if ("VirtualMachineInstanceMigration".equals(e.kind())) {
            return e.name().equals(m.name());
        }
        if (!e.name().equals(m.vmiName()) || m.createdAt() == null || e.lastAt() == null) {
            return false;
        }
        Instant finished = m.failedAt() != null ? m.failedAt() : m.succeededAt();
        return !m.createdAt().isAfter(e.lastAt()) && (finished == null || e.firstAt() == null || !finished.isBefore(e.firstAt()));
    }

    /**
     * The outdated VMIs in the cache (`ns/name`), from their labels alone: what a look between full
     * looks counts (at 10,000 VMIs a few milliseconds, against a diagnosis's hundreds).
     */
    public java.util.Set<String> outdatedVmiKeys() {
        startedWithoutLock();
        java.util.Set<String> out = new java.util.HashSet<>();
        for (GenericKubernetesResource r : vmis.getStore().list()) {
            var labels = r.getMetadata().getLabels();
            if (labels != null && labels.containsKey(KubeVirtResources.OUTDATED_LABEL)) {
                out.add(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
            }
        }
        return out;
    }

    /** The VMIs (ns/name) KubeVirt has put in migration backoff within the Events' lifetime (an hour by default). */
    public synchronized java.util.Set<String> backoffVmis() {
        startIfNeeded();
        return failedMigrations.backoffVmis();
    }

    /** Launcher pods in phase Failed (KubeVirt's VirtLauncherPodsStuckFailed fires at 200). */
    public synchronized int failedLauncherPods() {
        startIfNeeded();
        return (int) pods.getStore().list().stream().filter(p -> "Failed".equals(p.get("status", "phase"))).count();
    }

    /** The VM by namespace and name, from the cache (one lookup, no copy of the cache). */
    public synchronized java.util.Optional<VirtualMachine> vm(String namespace, String name) {
        startIfNeeded();
        GenericKubernetesResource r = vms.getStore().getByKey(namespace + "/" + name);
        return r == null ? java.util.Optional.empty() : java.util.Optional.of(KubeVirtRecords.vm(r));
    }

    /**
     * The nodes, from their cache (started on first use); what could not be read is added to
     * {@code problems} and the list is then empty.
     */
    public synchronized List<ClusterNode> nodes(List<String> problems) {
        nodes.startIfNeeded(problems);
        return nodes.items().stream().map(KubeVirtRecords::node).sorted(Comparator.comparing(ClusterNode::name)).toList();
    }

    /**
     * The VMIs holding up a drain now ({@link DrainBlockers}), from the caches: the nodes' and the
     * kept VMIs'; what could not be read is added to {@code problems}.
     */
    public synchronized List<DrainBlockers> drainBlockers(List<String> problems) {
        startIfNeeded();
        List<ClusterNode> all = nodes(problems);
        KubeVirtInstallation kv = kubeVirt();
        String drainTaint = EvictionReads.drainTaintKey(kv);
        Set<String> draining = all.stream().filter(n -> n.drainMark(drainTaint) != null).map(ClusterNode::name)
                .collect(Collectors.toSet());
        if (draining.isEmpty()) {
            return List.of();
        }
        String strategy = kv == null || kv.defaultEvictionStrategy() == null ? KubeVirtInstallation.DEFAULT_EVICTION_STRATEGY
                : kv.defaultEvictionStrategy();
        // Every 2 s during a drain: only the kept VMIs on the drained nodes are turned into records,
        // not every outdated VMI of the cluster.
        List<VirtualMachineInstance> onThem = vmis.getStore().list().stream()
                .filter(r -> {
                    Object node = r.get("status", "nodeName");
                    return node != null && draining.contains(node.toString());
                })
                .map(KubeVirtRecords::vmi).toList();
        return DrainBlockers.find(all, onThem, drainTaint, strategy);
    }

    public synchronized ClusterSnapshot snapshot() {
        startIfNeeded();
        List<KubeVirtInstallation> kvs = read(kubeVirts, KubeVirtRecords::kubeVirt).stream()
                .map(controlPlaneUpdates::frozen)
                .sorted(Comparator.comparing(KubeVirtInstallation::namespace)
                        .thenComparing(KubeVirtInstallation::name))
                .toList();
        List<VirtualMachineInstance> all = read(vmis, KubeVirtRecords::vmi);
        List<String> problems = new ArrayList<>();
        failedMigrations.startIfNeeded(problems);
        disruptionBudgets.startIfNeeded(problems);
        migrationPolicies.startIfNeeded(problems);
        List<MigrationPolicy> policies = migrationPolicies.items().stream().map(KubeVirtRecords::migrationPolicy)
                .sorted(Comparator.comparing(MigrationPolicy::name)).toList();
        java.util.Map<String, java.util.Map<String, String>> namespaceLabels = new java.util.HashMap<>();
        if (policies.stream().anyMatch(p -> !p.namespaceLabels().isEmpty())) {
            allNamespaces.startIfNeeded(problems);
            allNamespaces.items().forEach(n -> namespaceLabels.put(n.getMetadata().getName(),
                    n.getMetadata().getLabels() == null ? java.util.Map.of() : n.getMetadata().getLabels()));
        }
        List<VirtualMachineInstance> outdated = all.stream().filter(VirtualMachineInstance::outdated).toList();
        Set<String> outdatedNamespaces = outdated.stream().map(VirtualMachineInstance::namespace)
                .collect(Collectors.toSet());
        return new ClusterSnapshot(
                kvs,
                outdated,
                all.stream().filter(v -> !v.outdated() && v.pendingLiveUpdate() != null).toList(),
                read(vms, KubeVirtRecords::vm),
                read(migrations, KubeVirtRecords::migration),
                read(pods, KubeVirtRecords::launcherPod),
                hyperConverged(KubeVirtInstallation.effective(kvs), problems),
                failedMigrations.latestMessages(),
                List.copyOf(problems),
                namespaces == null ? null : names(namespaces),
                failedMigrations.evictionFailures(),
                disruptionBudgets.items().stream().filter(b -> outdatedNamespaces.contains(b.getMetadata().getNamespace()))
                        .map(KubeVirtRecords::disruptionBudget).toList(),
                policies,
                java.util.Map.copyOf(namespaceLabels),
                evacuationSeenSince(all),
                java.time.Instant.now(),
                all.stream().filter(v -> v.activePods().size() >= 2).toList());
    }

    /**
     * KubeVirt records no time for `status.evacuationNodeName`: the first snapshot that sees a mark
     * stands for it (a lower bound on how long it has been set), until the mark goes or changes.
     */
    private java.util.Map<String, java.time.Instant> evacuationSeenSince(List<VirtualMachineInstance> vmis) {
        java.time.Instant now = java.time.Instant.now();
        Set<String> marked = new java.util.HashSet<>();
        java.util.Map<String, java.time.Instant> out = new java.util.HashMap<>();
        for (VirtualMachineInstance v : vmis) {
            if (v.evacuationNodeName() == null || v.uid() == null) {
                continue;
            }
            marked.add(v.uid());
            var seen = evacuationSeen.compute(v.uid(), (uid, e) -> e != null && e.getKey().equals(v.evacuationNodeName())
                    ? e : java.util.Map.entry(v.evacuationNodeName(), now));
            out.put(v.uid(), seen.getValue());
        }
        evacuationSeen.keySet().retainAll(marked);
        return out;
    }

    /**
     * The HyperConverged behind an HCO-managed KubeVirt CR, read on demand (one GET per diagnosis,
     * and only under HCO). A refusal is reported, not fatal: the diagnosis still stands on the
     * KubeVirt CR, which HCO keeps in step.
     */
    private HyperConverged hyperConverged(KubeVirtInstallation kv, List<String> problems) {
        if (kv == null || kv.managedBy() == null) {
            return null;
        }
        try {
            GenericKubernetesResource hc = client.genericKubernetesResources(KubeVirtResources.HYPERCONVERGED)
                    .inNamespace(kv.managedBy().namespace()).withName(kv.managedBy().name()).get();
            if (hc == null) {
                problems.add("KubeVirt CR " + kv.namespace() + "/" + kv.name() + " is managed by HCO, but HyperConverged "
                        + kv.managedBy().namespace() + "/" + kv.managedBy().name() + " was not found");
            }
            return hc == null ? null : KubeVirtRecords.hyperConverged(hc);
        } catch (KubernetesClientException e) {
            problems.add("reading HyperConverged " + kv.managedBy().namespace() + "/" + kv.managedBy().name()
                    + " failed: " + ApiErrors.describe(e));
            return null;
        }
    }

    /**
     * The two reads the rollout watch makes between its full looks ({@link #kubeVirt},
     * {@link #outdatedVmiKeys}) take no lock once the caches have synced: a snapshot, which holds
     * it while it copies every cache (a second at 10,000 VMIs under load), runs on another thread
     * and must not hold up the burn-down. The informers' stores are safe to read concurrently.
     */
    private void startedWithoutLock() {
        if (!synced || running.stream().anyMatch(i -> !i.isRunning())) {
            synchronized (this) {
                startIfNeeded();
            }
        }
    }

    private void startIfNeeded() {
        if (running.isEmpty() || running.stream().anyMatch(i -> !i.isRunning())) {
            start();
        }
    }

    private static Set<String> names(SharedIndexInformer<Namespace> informer) {
        return informer.getStore().list().stream().map(n -> n.getMetadata().getName())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static <T> List<T> read(SharedIndexInformer<GenericKubernetesResource> informer,
                                    Function<GenericKubernetesResource, T> mapper) {
        return informer.getStore().list().stream().map(mapper).toList();
    }

    private void start() {
        stopAll();
        long started = System.nanoTime();
        List<SharedIndexInformer<?>> all = new ArrayList<>();
        // Every VMI is listed, but only outdated ones, those waiting for a live-update migration
        // (KubeVirt's alert counts both, and no label selector names the second kind) and those
        // that may refuse eviction (the drain-blocker watch's) are kept.
        vmis = informer(all, client.genericKubernetesResources(KubeVirtResources.VMI).inAnyNamespace(),
                new PrunedItemStore(new KeptFields(List.of("spec.evictionStrategy", "status.phase", "status.nodeName",
                        "status.conditions", "status.evacuationNodeName", "status.activePods",
                        "status.migrationState.migrationUid", "status.migrationState.completed",
                        "status.migrationState.failed", "status.migrationState.sourcePod",
                        "status.migrationState.targetPod"), Set.of(KeptFields.ALL), keptAnnotations),
                        KubeVirtInformers::kept));
        vms = informer(all, client.genericKubernetesResources(KubeVirtResources.VM).inAnyNamespace(),
                new PrunedItemStore(new KeptFields(List.of("spec.runStrategy", "spec.running", "status.conditions"),
                        Set.of(KeptFields.ALL), keptAnnotations)));
        migrations = informer(all, client.genericKubernetesResources(KubeVirtResources.MIGRATION).inAnyNamespace(),
                new PrunedItemStore(new KeptFields(List.of("spec.vmiName", "status.phase",
                        "status.phaseTransitionTimestamps", "status.migrationState.endTimestamp",
                        "status.migrationState.failureReason", "status.migrationState.abortStatus",
                        "status.migrationState.sourceNode", "status.migrationState.targetNode",
                        "status.conditions"), Set.of(KeptFields.ALL), Set.of(KubeVirtRecords.WORKLOAD_UPDATE_ANNOTATION,
                        KubeVirtResources.EVACUATION_ANNOTATION))));
        migrations.addEventHandler(new ActedOnChanges.MatchingObject(KubeVirtRecords::createdByRemediator,
                () -> actedOnChanged.run()));
        vmis.addEventHandler(new ActedOnChanges.OutdatedVmiLeft(() -> actedOnChanged.run()));
        pods = informer(all, client.genericKubernetesResources(KubeVirtResources.POD).inAnyNamespace()
                        .withLabel(KubeVirtResources.LAUNCHER_LABEL, "virt-launcher"),
                new PrunedItemStore(new KeptFields(List.of("spec.nodeName", "status.phase"),
                        Set.of(KubeVirtRecords.CREATED_BY_LABEL, KubeVirtRecords.MIGRATION_JOB_LABEL), Set.of())));
        pods.addEventHandler(targetPods);
        kubeVirts = informer(all, client.genericKubernetesResources(KubeVirtResources.KUBEVIRT).inAnyNamespace(), null);
        // Registered before the first LIST: every version the watch delivers is seen, in order.
        kubeVirts.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                controlPlaneUpdates.observe(KubeVirtRecords.kubeVirt(obj));
                actedOnChanged.run();
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                controlPlaneUpdates.observe(KubeVirtRecords.kubeVirt(newObj));
                // An update starting or completing: the rollout watch (and the outcome refresh) look soon.
                actedOnChanged.run();
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                controlPlaneUpdates.forget(KubeVirtRecords.kubeVirt(obj));
            }
        });
        failedMigrations.stop();
        namespaces = namespaceSelector == null ? null
                : informer(all, client.namespaces().withLabelSelector(namespaceSelector), null);
        policyNamespaces = policyNamespaceSelector == null ? null
                : informer(all, client.namespaces().withLabelSelector(policyNamespaceSelector), null);
        running = List.copyOf(all);
        try {
            syncLimit.await(running, "KubeVirt objects");
            synced = true;
        } catch (KubernetesClientException e) {
            stopAll();
            throw e;
        }
        log.info("caches of KubeVirt objects synced in {} ms: {} outdated VMIs, {} VMs, {} migrations, {} launcher pods",
                (System.nanoTime() - started) / 1_000_000, vmis.getStore().list().size(),
                vms.getStore().list().size(), migrations.getStore().list().size(), pods.getStore().list().size());
    }

    private <T extends HasMetadata> SharedIndexInformer<T> informer(
            List<SharedIndexInformer<?>> all, Informable<T> source, PrunedItemStore store) {
        // pageSize 0: no paging, so the first LIST asks for resourceVersion=0 and the API server's
        // watch cache answers it (no etcd read), in one response of every object.
        Informable<T> limited = source.withLimit(pageSize == 0 ? null : pageSize);
        SharedIndexInformer<T> informer;
        if (store != null) {
            // The big kinds: their LIST is pruned while it is parsed (PrunedList), so one response of
            // every object costs the heap only what the store keeps.
            @SuppressWarnings("unchecked")
            SharedIndexInformer<T> pruned = (SharedIndexInformer<T>) PrunedList.keeping(limited, client.getHttpClient(),
                    store.fields(), listing).informer(GenericKubernetesResource.class, store, listing);
            informer = pruned;
        } else {
            informer = limited.runnableInformer(0);
        }
        // Before the first sync an error must surface (it becomes the report's error); after it,
        // keep re-listing and re-watching as informers normally do.
        informer.exceptionHandler((isStarted, t) -> isStarted);
        all.add(informer);
        return informer;
    }

    private static boolean kept(GenericKubernetesResource r) {
        VirtualMachineInstance vmi = KubeVirtRecords.vmi(r);
        // A VMI without its own strategy may take the cluster's LiveMigrate: kept, and decided at a look.
        // One KubeVirt lists with two active pods may be running twice (an updated one too: #18320).
        return vmi.outdated() || vmi.pendingLiveUpdate() != null || DrainBlockers.refusesEviction(vmi, "LiveMigrate")
                || vmi.activePods().size() >= 2;
    }

    private void stopAll() {
        if (ownerNamespaces != null) {
            ownerNamespaces.stop();
        }
        failedMigrations.stop();
        disruptionBudgets.stop();
        migrationPolicies.stop();
        allNamespaces.stop();
        nodes.stop();
        synced = false;
        running.forEach(SharedIndexInformer::stop);
        running = List.of();
    }

    @Override
    public synchronized void close() {
        stopAll();
        listing.shutdown();
    }
}
