package io.remediator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader's queue behaves like a controller's work queue with AddAfter. */
class DueQueueTest {
    private final DueQueue<String> queue = new DueQueue<>();

    @Test
    void aKeyIsQueuedOnceAtItsEarliestDueTime() throws InterruptedException {
        queue.addAfter("later", Duration.ofMillis(300));
        queue.add("burst");
        queue.add("burst");
        queue.add("burst");
        queue.addAfter("burst", Duration.ofHours(1));
        queue.addAfter("later", Duration.ofHours(1));

        assertThat(queue.take()).isEqualTo("burst");
        assertThat(queue.take()).isEqualTo("later");
        assertThat(queue.contains("burst")).isFalse();
        assertThat(queue.contains("later")).isFalse();
    }

    @Test
    void anEarlierTimeMovesAKeyForward() throws InterruptedException {
        queue.addAfter("a", Duration.ofHours(1));
        queue.addAfter("b", Duration.ofMillis(200));
        queue.add("a");

        assertThat(List.of(queue.take(), queue.take())).containsExactly("a", "b");
    }

    @Test
    void newsGoesBeforeABacklogOfDueWorkAndKeepsItsOwnOrder() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            queue.add("due-" + i);
        }
        Thread.sleep(5);
        queue.addFirst("delivery");
        queue.addFirst("approval");
        queue.add("delivery"); // a later routine add does not push it back

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            order.add(queue.take());
        }
        assertThat(order).containsExactly("delivery", "approval", "due-0", "due-1", "due-2", "due-3", "due-4");
    }

    @Test
    void aForgottenOrClearedKeyIsNeverTaken() throws InterruptedException {
        queue.add("gone");
        queue.forget("gone");
        queue.add("cleared");
        queue.clear();
        queue.addAfter("kept", Duration.ofMillis(100));

        assertThat(queue.take()).isEqualTo("kept");
        assertThat(queue.contains("gone")).isFalse();
    }

    @Test
    void aKeyAddedAgainWhileItIsHandledIsHandledAgainAfterwards() throws InterruptedException {
        queue.add("r");
        List<String> handled = new ArrayList<>();
        handled.add(queue.take());
        queue.add("r"); // a watch event while the first look runs
        handled.add(queue.take());

        assertThat(handled).containsExactly("r", "r");
    }
}
