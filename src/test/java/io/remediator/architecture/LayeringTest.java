package io.remediator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layering that holds today, pinned so it cannot erode: no cycles; the domain
 * (kubevirt → runbook → remediation) knows nothing of HTTP, stored reports or the leader's loop;
 * config, metrics and logging are used by all and use none.
 */
@AnalyzeClasses(packages = "io.remediator", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    @ArchTest
    static final ArchRule noCycles = slices().matching("io.remediator.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule leavesUseNoOtherPackage = noClasses()
            .that().resideInAnyPackage("io.remediator.config..", "io.remediator.metrics..", "io.remediator.logging..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.kubevirt..", "io.remediator.runbook..",
                    "io.remediator.remediation..", "io.remediator.report..", "io.remediator.webhook..",
                    "io.remediator.reconcile..", "io.remediator.leader..", "io.remediator.web..", "io.remediator.slack..",
                    "io.remediator.approval..");

    @ArchTest
    static final ArchRule kubevirtReadsOnlyTheCluster = noClasses().that().resideInAPackage("io.remediator.kubevirt..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.runbook..", "io.remediator.remediation..",
                    "io.remediator.report..", "io.remediator.webhook..", "io.remediator.reconcile..");

    @ArchTest
    static final ArchRule runbooksKnowNothingOfActingOrHttp = noClasses().that().resideInAPackage("io.remediator.runbook..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.remediation..", "io.remediator.report..",
                    "io.remediator.webhook..", "io.remediator.reconcile..", "io.javalin..");

    @ArchTest
    static final ArchRule storedReportsKnowNothingOfHttpTheWireOrTheLoop = noClasses()
            .that().resideInAPackage("io.remediator.report..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.web..", "io.remediator.webhook..",
                    "io.remediator.reconcile..", "io.javalin..");

    @ArchTest
    static final ArchRule intakeKnowsNothingOfPagesTheLoopOrActing = noClasses()
            .that().resideInAPackage("io.remediator.webhook..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.web..", "io.remediator.reconcile..",
                    "io.remediator.remediation..", "io.remediator.runbook..");

    /** A rollout's burn-down, ETA and stages are pure: they know nothing of HTTP, Slack or the intake. */
    @ArchTest
    static final ArchRule rolloutsKnowNothingOfHttpOrSlack = noClasses().that().resideInAPackage("io.remediator.rollout..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.web..", "io.remediator.webhook..",
                    "io.remediator.slack..", "io.javalin..", "com.slack..");

    /**
     * The pre-flight (and explain, rollout status, signatures) reads as the user and writes nothing:
     * it knows no writer (remediation, but for the annotation scheme's names), no stored report, no
     * loop, no HTTP server and no Slack. The one command that may write as the user (pause-updates
     * --apply) lives in cli.
     */
    @ArchTest
    static final ArchRule thePreflightOnlyReads = noClasses().that().resideInAPackage("io.remediator.preflight..")
            .should().dependOnClassesThat(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
                    "io.remediator.remediation..", "io.remediator.report..",
                    "io.remediator.reconcile..", "io.remediator.web..", "io.remediator.webhook..", "io.remediator.slack..",
                    "io.remediator.leader..", "io.javalin..", "com.slack..")
                    .and(com.tngtech.archunit.base.DescribedPredicate.not(com.tngtech.archunit.core.domain.JavaClass
                            .Predicates.equivalentTo(io.remediator.remediation.OwnerAnnotations.class))));

    /** The user's commands that write write what the service's actions write, built once (UpdaterPause), and nothing else. */
    @ArchTest
    static final ArchRule theCommandsWriteOnlyWhatTheServiceWould = noClasses().that().resideInAPackage("io.remediator.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.report..", "io.remediator.reconcile..",
                    "io.remediator.web..", "io.remediator.webhook..", "io.remediator.slack..", "io.remediator.leader..",
                    "io.javalin..", "com.slack..");

    @ArchTest
    static final ArchRule theLoopServesNoHttp = noClasses().that().resideInAPackage("io.remediator.reconcile..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.web..", "io.javalin..");

    /**
     * Slack in one package, both directions (issue 28): the messages, the notifier, the interaction
     * endpoint and its signature. It may serve HTTP (the endpoint, with web's body reader and roles)
     * but knows nothing of the intake or the lease.
     */
    @ArchTest
    static final ArchRule slackKnowsNothingOfTheIntakeOrTheLease = noClasses()
            .that().resideInAPackage("io.remediator.slack..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.webhook..", "io.remediator.leader..");

    /** Slack's SDK is used in the slack package only. */
    @ArchTest
    static final ArchRule slacksSdkOnlyInTheSlackPackage = noClasses()
            .that().resideOutsideOfPackage("io.remediator.slack..")
            .should().dependOnClassesThat().resideInAPackage("com.slack..");

    /**
     * One approval package (issue 28): the approver every path uses, the links and their rules. It
     * knows nothing of HTTP, Slack, the intake or the loop: the API, the link page and the button
     * call it.
     */
    @ArchTest
    static final ArchRule approvalsKnowNothingOfHttpSlackOrTheLoop = noClasses()
            .that().resideInAPackage("io.remediator.approval..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.web..", "io.remediator.slack..",
                    "io.remediator.webhook..", "io.remediator.reconcile..", "io.remediator.leader..", "io.javalin..",
                    "com.slack..");

    /** Only the approver records an approval: nothing else adds to a spec's approvals or writes a spec in place. */
    @ArchTest
    static final ArchRule onlyTheApproverRecordsApprovals = noClasses()
            .that().resideOutsideOfPackages("io.remediator.approval..", "io.remediator.report..")
            .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                    com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching(
                            "withApproved|changeExistingSpec")));

    @ArchTest
    static final ArchRule nothingUpstreamKnowsOfNotifications = noClasses()
            .that().resideInAnyPackage("io.remediator.kubevirt..", "io.remediator.runbook..", "io.remediator.remediation..",
                    "io.remediator.report..", "io.remediator.reconcile..", "io.remediator.webhook..", "io.remediator.web..",
                    "io.remediator.approval..")
            .should().dependOnClassesThat().resideInAPackage("io.remediator.slack..");

    @ArchTest
    static final ArchRule remediationKnowsNothingOfHttpOrStoredReports = noClasses()
            .that().resideInAPackage("io.remediator.remediation..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.report..", "io.remediator.webhook..",
                    "io.remediator.reconcile..", "io.javalin..");
}
