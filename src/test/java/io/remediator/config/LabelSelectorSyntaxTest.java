package io.remediator.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelSelectorSyntaxTest {
    @Test
    void acceptsWhatTheApiServerAccepts() {
        for (String ok : new String[] {"", "team", "!legacy", "team=a", "team==a", "tier!=db", "team=",
                "kubernetes.io/metadata.name=prod", "env in (prod, staging)", "env notin (dev),team=a",
                " team = a , !b "}) {
            assertThat(LabelSelectorSyntax.problem(ok)).as(ok).isNull();
        }
    }

    @Test
    void refusesWhatItWouldRefuse() {
        for (String bad : new String[] {"env in prod", "team=a b", "=a", "team=a,", "a/b/c=d", "env in ()x", "-team"}) {
            assertThat(LabelSelectorSyntax.problem(bad)).as(bad).contains("is not a label selector");
        }
    }
}
