package io.remediator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.remediator.config.RemediatorConfig;
import io.remediator.kubevirt.ApiReachability;
import io.remediator.kubevirt.KubeVirtInformers;
import io.remediator.slack.SlackNotifications;
import io.remediator.slack.SlackSetup;
import io.remediator.approval.PlanApprovals;
import io.remediator.reconcile.ReportLoop;
import io.remediator.remediation.ActionExecutor;
import io.remediator.remediation.ActionLedger;
import io.remediator.remediation.Remediation;
import io.remediator.remediation.RemediationPolicy;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.web.Access;
import io.remediator.web.AccessCheck;
import io.remediator.slack.SlackApprovalRoutes;
import io.remediator.web.ReportPages;
import io.remediator.web.SecurityHeaders;
import io.remediator.web.ReportRoutes;
import io.remediator.report.Deliveries;
import io.remediator.report.NewReportBudget;
import io.remediator.report.StoredEpisodes;
import io.remediator.report.ReportStore;
import io.remediator.runbook.NamespaceScope;
import io.remediator.runbook.OutdatedVmiWorkloadsRunbook;
import io.remediator.runbook.Runbook;
import io.remediator.webhook.AlertIntake;
import io.remediator.web.BearerToken;
import io.remediator.webhook.StrictJson;
import io.remediator.webhook.WebhookEndpoint;
import io.remediator.report.ReportSpec;
import io.remediator.leader.Leadership;
import io.remediator.report.ReportRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.time.Clock;
import java.util.Map;

/** Wires the pipeline together and owns its lifecycle. Constructed once by {@link Main} (or a test). */
public final class RemediatorService implements AutoCloseable {
    private final RemediatorConfig config;
    private final ApiReachability reachability;
    private final ReportLoop loop;
    private final RemediatorMetrics metrics;
    private final SlackNotifications slack;
    private final KubeVirtInformers informers;
    private final Leadership leadership;
    private final Javalin http;
    private final TlsEndpoint tls;
    private final io.remediator.web.RolloutRoutes rolloutRoutes;
    private final io.remediator.web.PreflightRoutes preflightRoutes;
    private final StoredEpisodes episodes;
    private final Deliveries deliveries;

    public RemediatorService(RemediatorConfig config, KubernetesClient client, Clock clock) {
        this.config = config;
        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.metrics = new RemediatorMetrics();
        this.reachability = new ApiReachability(client, metrics::kubernetesReachable);

        RemediatorConfig.Diagnosis diagnosis = config.diagnosis();
        RemediatorConfig.Namespaces ns = diagnosis.namespaces();
        RemediationPolicy policy = RemediationPolicy.from(config.policy());
        this.informers = new KubeVirtInformers(client, diagnosis.pageSize(), ns.selector(),
                config.policy().namespaces().selector(), policy.optOutKey(),
                Duration.ofSeconds(diagnosis.syncTimeoutSeconds()))
                .keepingOwnerAnnotations(io.remediator.remediation.OwnerAnnotations.OWNER,
                        io.remediator.remediation.OwnerAnnotations.NAMESPACE_KEYS,
                        io.remediator.remediation.OwnerAnnotations.VM_KEYS);
        NamespaceScope scope = new NamespaceScope(Set.copyOf(ns.include()), Set.copyOf(ns.exclude()),
                !ns.selector().isBlank());
        Runbook outdated = new OutdatedVmiWorkloadsRunbook(informers, scope, diagnosis.failedMigrationsBeforeRestart(),
                policy.optOutKey(), config.dualLauncher().grace());
        Runbook nonEvictable = new io.remediator.runbook.nonevictable.NonEvictableRunbook(informers,
                new io.remediator.kubevirt.EvictionReads(client), config.vce().targetStrategy(),
                config.vce().autoRestartOnDrain(), policy.optOutKey(), clock);
        Map<String, Runbook> runbooks = Map.of(outdated.alertname(), outdated, nonEvictable.alertname(), nonEvictable);
        runbooks.keySet().forEach(name -> {
            if (io.remediator.runbook.Runbooks.of(name) == null) {
                // Its findings could not be stored and read back, nor shown: a programming error.
                throw new IllegalStateException("runbook " + name + " is not registered in runbook/Runbooks");
            }
        });

        RemediatorConfig.Reports rc = config.reports();
        String namespace = !rc.namespace().isBlank() ? rc.namespace()
                : client.getNamespace() != null && !client.getNamespace().isBlank() ? client.getNamespace() : "default";
        ReportStore reports = new ReportStore(client, namespace, rc.maxObjectBytes());
        String identity = Leadership.identity(config.leaderElection().identity());
        Remediation remediation = new Remediation(policy,
                new ActionExecutor(client, policy.enableWorkloadUpdatesMethods(), clock), new ActionLedger(), metrics, clock)
                .readingOwners(() -> ownerAnnotations(informers));
        this.loop = new ReportLoop(client, reports, runbooks, remediation, informers::policyNamespaces,
                new ReportRetention(reports, rc.maxReports(), rc.maxAge(), clock), metrics, clock,
                identity, diagnosis.repeatPassInterval());
        informers.onActedOnChange(() -> {
            loop.actedOnObjectsChanged();
            loop.kubeVirtChanged();
        });
        io.remediator.rollout.RolloutRecords rolloutRecords = new io.remediator.rollout.RolloutRecords(client, namespace);
        io.remediator.rollout.FailureWindows failureWindows = new io.remediator.rollout.FailureWindows(client, namespace);
        loop.watchRollouts(rolloutRecords, informers, config.rollout(), config.systemic(), failureWindows);
        if (config.vce().watchNodes()) {
            loop.watchDrains(io.remediator.runbook.nonevictable.NonEvictableRunbook.ALERTNAME, informers,
                    new io.remediator.kubevirt.DrainStarts(client));
        }
        this.rolloutRoutes = new io.remediator.web.RolloutRoutes(rolloutRecords);
        this.preflightRoutes = new io.remediator.web.PreflightRoutes(client, metrics, clock);
        this.slack = SlackSetup.notifications(config, reports, metrics, clock);
        io.remediator.report.PreflightResults preflightResults = new io.remediator.report.PreflightResults(client, namespace,
                io.remediator.report.PreflightResults.NAME);
        preflightRoutes.publishingTo(r -> preflightResults.save(io.remediator.preflight.PreflightCommand.json(r),
                io.remediator.preflight.PreflightCommand.markdown(r), r.generatedAt(), r.exitCode()));
        if (slack != null) {
            preflightRoutes.publishingTo(slack::publishPreflight);
        }
        if (slack != null) {
            slack.routingOwners(() -> ownerAnnotations(informers), config.slack().ownerChannels())
                    .announcingWindows(policy, config.notices().leadTime());
            // Only the Namespaces are read here: each look of the rollout watch would otherwise walk the VM cache.
            loop.routingRolloutsTo(() -> {
                io.remediator.remediation.OwnerAnnotations o = new io.remediator.remediation.OwnerAnnotations(
                        ownerNamespaces(informers, new java.util.ArrayList<>()), Map.of());
                return o.channels(o.namespaces().keySet()).values().stream().flatMap(java.util.Set::stream)
                        .collect(java.util.stream.Collectors.toSet());
            });
        }
        if (slack != null) {
            loop.onStatusWritten(slack::statusWritten);
            slack.followingRollouts(rolloutRecords, config.rollout().slackMinInterval());
            loop.onRolloutWritten(slack::rolloutWritten);
        }
        RemediatorConfig.LeaderElection le = config.leaderElection();
        this.leadership = new Leadership(client, namespace, le.leaseName(), identity, new Leadership.Timing(
                le.leaseDuration(), le.renewDeadline(), le.retryPeriod()),
                this::startActing, this::stopActing);
        metrics.leader(identity, leadership::leading);

        this.episodes = new StoredEpisodes(client, namespace);
        // New reports per minute across the replicas, and a ceiling on what is stored: retention
        // brings the count back to maxReports within seconds; beyond the ceiling is open work.
        NewReportBudget newReports = new NewReportBudget(rc.newPerMinute(), rc.maxReports() + rc.newPerMinute(), clock,
                episodes);
        this.deliveries = new Deliveries(reports, episodes, newReports::tryTake);
        metrics.reports(java.util.Arrays.stream(io.remediator.report.ReportPhase.values()).map(Enum::name).toList(),
                episodes::countByPhase);
        AlertIntake intake = new AlertIntake(runbooks.keySet(), item -> {
            Deliveries.Recorded recorded = deliveries.record(item);
            metrics.deliveryStored(item.alertname(), recorded.kind().metricName());
            return recorded.kind() == Deliveries.Kind.REFUSED ? AlertIntake.Stored.REFUSED
                    : new AlertIntake.Stored(recorded.spec(), recorded.kind() == Deliveries.Kind.NEW);
        }, reachability::reachable, metrics, clock, new AlertIntake.StoredSize() {
            @Override
            public int bytes(ReportSpec item) {
                // A repeat stores nothing new, and it fitted when it was stored: measuring it (a
                // serialization of every alert) was most of the cost of answering one.
                return deliveries.isRepeat(item) ? 0 : reports.specBytes(item);
            }

            @Override
            public int max() {
                return reports.maxSpecBytes();
            }
        });
        WebhookEndpoint webhook = new WebhookEndpoint(config.webhook().maxBodyBytes(),
                StrictJson.forWebhook(json), intake, metrics);
        String readToken = config.api().readToken();
        PlanApprovals approvals = new PlanApprovals(reports, clock, episodes::newerFiringEpisode);
        java.util.function.Supplier<java.util.Optional<io.remediator.rollout.FailureWindow>> window =
                // Shown without them when the read is refused; the leader's log says why it cannot keep them.
                new io.remediator.web.ReadEvery<>(java.time.Duration.ofSeconds(5), failureWindows::read,
                        java.util.Optional.empty(), clock);
        ReportRoutes reportRoutes = new ReportRoutes(reports, episodes, new ReportPages(),
                approvals).linkingRollouts(rolloutRoutes::currentLink).countingWithoutRollout(window);
        if (slack != null) {
            // The report's Slack message says what its page says; the rollout's link read at most every 5 s.
            slack.showingFailures(new io.remediator.rollout.ReportFailures(new io.remediator.web.ReadEvery<>(
                    java.time.Duration.ofSeconds(5), rolloutRoutes::currentLink, null, clock), window));
        }
        SlackApprovalRoutes slackApprovals = SlackApprovalRoutes.from(config, reports, approvals::approve,
                slack, clock);
        AccessCheck access = new AccessCheck(token(config.webhook()),
                readToken == null || readToken.isBlank() ? null : BearerToken.of(readToken),
                adminToken(config.api()), metrics::webhookRequest, config.server().tls().enabled());

        this.tls = config.server().tls().enabled()
                ? new TlsEndpoint(Path.of(config.server().tls().certFile()), Path.of(config.server().tls().keyFile()))
                : null;
        TlsEndpoint tls = this.tls;
        this.http = Javalin.create(c -> {
            c.jsonMapper(new JavalinJackson(json, false));
            c.startup.showJavalinBanner = false;
            c.jetty.host = config.server().host();
            c.jetty.port = config.server().port();
            // A slow or stalled client must not hold a thread: Alertmanager sends a whole body at once.
            c.jetty.modifyHttpConfiguration(h -> {
                h.setIdleTimeout(REQUEST_IDLE_TIMEOUT.toMillis());
                h.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
            });
            c.jetty.modifyServer(server -> server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
                @Override
                public void lifeCycleStarted(org.eclipse.jetty.util.component.LifeCycle event) {
                    for (var connector : server.getConnectors()) {
                        if (connector instanceof org.eclipse.jetty.server.AbstractConnector a) {
                            a.setIdleTimeout(REQUEST_IDLE_TIMEOUT.toMillis());
                        }
                    }
                }
            }));
            c.routes.before(SecurityHeaders::apply);
            c.jetty.modifyServer(server -> server.setErrorHandler(SecurityHeaders.errorPages()));
            if (config.server().tls().enabled()) {
                c.jetty.modifyServer(server -> server.setConnectors(new org.eclipse.jetty.server.Connector[] {
                        tls.connector(server, config.server().host(), config.server().port(),
                                REQUEST_IDLE_TIMEOUT.toMillis(), MIN_REQUEST_BYTES_PER_SECOND)}));
            }
            c.routes.beforeMatched(access);
            c.routes.exception(Exception.class, RemediatorService::unhandled);
            c.routes.post("/alertmanager/webhook", webhook, Access.ALERTMANAGER);
            reportRoutes.register(c.routes);
            rolloutRoutes.register(c.routes);
            preflightRoutes.register(c.routes);
            access.register(c.routes);
            slackApprovals.register(c.routes);
            c.routes.get("/", ctx -> ctx.redirect("/reports"), Access.ANYONE);
            c.routes.get("/healthz", ctx -> ctx.result("ok"), Access.ANYONE);
            c.routes.get("/readyz", ctx -> {
                // Every replica is ready to take webhooks and serve reports; the body says who acts.
                if (reachability.reachable()) {
                    String leader = leadership.leader();
                    ctx.result("ok; " + (leadership.leading() ? "this replica (" + identity + ") leads"
                            : "leader: " + (leader == null ? "none elected yet" : leader) + "; this replica ("
                            + identity + ") follows"));
                } else {
                    // The API's words (and its address) go to the log and metrics, not to anyone who asks.
                    ctx.status(503).result("Kubernetes API not reachable");
                }
            }, Access.ANYONE);
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()), Access.SCRAPER);
        });
    }

    private void startActing() {
        if (slack != null) {
            slack.startActing();
        }
        loop.startActing();
    }

    private void stopActing() {
        loop.stopActing();
        metrics.stoppedLeading();
        if (slack != null) {
            slack.stopActing();
        }
    }

    /** The admin token from its file (re-read when the Secret changes) or the config, or null: approvals off. */
    /** The namespaces' owner labels and annotations from the cache; what could not be read goes to {@code problems}. */
    private static Map<String, io.remediator.remediation.OwnerAnnotations.Meta> ownerNamespaces(KubeVirtInformers informers,
                                                                                              java.util.List<String> problems) {
        Map<String, io.remediator.remediation.OwnerAnnotations.Meta> namespaces = new java.util.HashMap<>();
        informers.ownerNamespaces(problems).forEach((name, m) -> namespaces.put(name,
                new io.remediator.remediation.OwnerAnnotations.Meta(m.owner(), m.annotations())));
        return namespaces;
    }

    /** The namespaces' and VMs' owner annotations from the caches (docs/owners.md); none when they cannot be read. */
    private static io.remediator.remediation.OwnerAnnotations ownerAnnotations(KubeVirtInformers informers) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        Map<String, io.remediator.remediation.OwnerAnnotations.Meta> namespaces = ownerNamespaces(informers, problems);
        if (!problems.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(RemediatorService.class).warn("namespace annotations not read: {}", String.join("; ", problems));
        }
        return new io.remediator.remediation.OwnerAnnotations(namespaces, informers.ownerVmAnnotations());
    }

    private static BearerToken adminToken(RemediatorConfig.Api api) {
        if (api.adminTokenFile() != null && !api.adminTokenFile().isBlank()) {
            return BearerToken.fromFile(Path.of(api.adminTokenFile()));
        }
        return api.adminToken() == null || api.adminToken().isBlank() ? null : BearerToken.of(api.adminToken());
    }

    /** How long a connection may send nothing, and the slowest a request body may arrive. */
    /**
     * What no route handled. Jetty's own refusals while a body is read (a client below the minimum
     * data rate, a malformed chunk: redteam-2 N12 saw 248 of them from one flood, each a 500 with a
     * stack trace) are the client's doing: their 4xx, one line at debug. A client that went away
     * gets nothing. Anything else is ours: 500, logged whole.
     */
    private static void unhandled(Exception e, io.javalin.http.Context ctx) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RemediatorService.class);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.http.HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                log.debug("{} {}: refused while reading the request: {}", ctx.method(), io.remediator.logging.LogSafe.of(ctx.path()),
                        io.remediator.logging.LogSafe.of(String.valueOf(t.getMessage())));
                ctx.status(h.getCode()).result(h.getCode() == 408 ? "request body too slow" : "bad request");
                return;
            }
            if (t instanceof org.eclipse.jetty.io.EofException || t instanceof java.util.concurrent.TimeoutException) {
                log.debug("{} {}: the client went away or stalled: {}", ctx.method(), io.remediator.logging.LogSafe.of(ctx.path()),
                        io.remediator.logging.LogSafe.of(String.valueOf(t.getMessage())));
                ctx.status(408).result("request body too slow");
                return;
            }
        }
        log.error("{} {} failed", ctx.method(), io.remediator.logging.LogSafe.of(ctx.path()), e);
        ctx.status(500).result("internal error");
    }

    static final Duration REQUEST_IDLE_TIMEOUT = Duration.ofSeconds(10);
    static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;

    private static io.remediator.web.Credentials token(RemediatorConfig.Webhook webhook) {
        if (webhook.basicAuth() != null && webhook.basicAuth().enabled()) {
            return new io.remediator.web.BasicCredentials(webhook.basicAuth().username(),
                    Path.of(webhook.basicAuth().passwordFile()));
        }
        return webhook.bearerTokenFile() != null && !webhook.bearerTokenFile().isBlank()
                ? BearerToken.fromFile(Path.of(webhook.bearerTokenFile()))
                : BearerToken.of(webhook.bearerToken());
    }

    public RemediatorService start() {
        reachability.start(5_000);
        episodes.start();
        http.start();
        if (tls != null) {
            tls.start();
        }
        if (slack != null) {
            Thread check = new Thread(slack::checkToken, "slack-token-check");
            check.setDaemon(true);
            check.start();
        }
        leadership.start();
        return this;
    }

    /** True while this replica holds the leader Lease. */
    public boolean leading() {
        return leadership.leading();
    }

    /** The port actually bound (differs from the config when it asked for 0). */
    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        leadership.close();
        http.stop();
        deliveries.close();
        episodes.close();
        loop.close();
        if (slack != null) {
            slack.close();
        }
        informers.close();
        reachability.close();
    }
}
