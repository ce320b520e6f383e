package io.remediator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mounted Secret read at each request: rotation takes effect, a moment of nothing does not. */
class SecretFileTest {
    @TempDir
    Path dir;

    private void write(Path f, String content, int second) throws Exception {
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-12-01T10:00:00Z").plusSeconds(second)));
    }

    @Test
    void anEmptyOrUnreadableFileKeepsTheLastGoodSecretAndANewOneTakesOver() throws Exception {
        Path f = dir.resolve("signing-secret");
        write(f, "first-secret-0123456789\n", 0);
        SecretFile secret = new SecretFile(f);
        assertThat(secret.current()).isEqualTo("first-secret-0123456789");

        // redteam-2 N12: an empty file made every request a 500 ("Empty key").
        write(f, "", 1);
        assertThat(secret.current()).isEqualTo("first-secret-0123456789");
        write(f, "second-secret-0123456789", 2);
        assertThat(secret.current()).isEqualTo("second-secret-0123456789");
        Files.delete(f);
        assertThat(secret.current()).isEqualTo("second-secret-0123456789");

        Path empty = dir.resolve("empty");
        write(empty, "  \n", 0);
        assertThatThrownBy(() -> new SecretFile(empty)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("empty");
    }
}
