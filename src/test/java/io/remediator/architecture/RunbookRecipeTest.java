package io.remediator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.remediator.runbook.Findings;
import io.remediator.runbook.Runbooks;

/**
 * docs/architecture.md's "Adding a runbook", pinned: a runbook in its own package under runbook/
 * is reached by the engine only through {@link Findings}, {@link io.remediator.runbook.VmiFinding}
 * and {@link io.remediator.runbook.Runbook}; nothing in the engine names it; its own package uses
 * only the shared runbook types and kubevirt/'s typed reads; and every findings record is
 * registered in {@link Runbooks} (else it could be stored but never read back or shown).
 */
@AnalyzeClasses(packages = "io.remediator", importOptions = ImportOption.DoNotIncludeTests.class)
class RunbookRecipeTest {
    @ArchTest
    static final ArchRule theEngineNamesNoRunbookPackage = noClasses()
            .that().resideOutsideOfPackage("io.remediator.runbook..")
            .and().doNotHaveFullyQualifiedName("io.remediator.RemediatorService")
            .should().dependOnClassesThat().resideInAPackage("io.remediator.runbook.*..")
            .because("the engine handles any runbook's findings through runbook/Findings; only the service's"
                    + " registration builds a runbook");

    @ArchTest
    static final ArchRule aRunbookPackageUsesOnlyTheSharedRunbookTypesAndKubeVirtReads = noClasses()
            .that().resideInAPackage("io.remediator.runbook.*..")
            .should().dependOnClassesThat().resideInAnyPackage("io.remediator.remediation..", "io.remediator.report..",
                    "io.remediator.reconcile..", "io.remediator.web..", "io.remediator.slack..",
                    "io.remediator.webhook..", "io.remediator.rollout..", "io.remediator.metrics..",
                    "io.remediator.config..", "io.javalin..", "com.slack..");

    @ArchTest
    static final ArchRule everyFindingsRecordIsRegistered = classes().that().implement(Findings.class)
            .should(new ArchCondition<>("be registered in runbook/Runbooks") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    boolean registered = Runbooks.ALL.stream().anyMatch(r -> r.findings().getName().equals(c.getName()));
                    events.add(new SimpleConditionEvent(c, registered, c.getName()
                            + (registered ? " is registered" : " is not in Runbooks.ALL")));
                }
            });
}
