package io.remediator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {
    @Test
    void acceptsOnlyTheExactTokenWithTheBearerScheme() {
        BearerToken token = BearerToken.of("abc123");
        assertThat(token.matches("Bearer abc123")).isTrue();
        assertThat(token.matches("bearer abc123")).isTrue();
        assertThat(token.matches("Bearer abc1234")).isFalse();
        assertThat(token.matches("Bearer ")).isFalse();
        assertThat(token.matches("Basic abc123")).isFalse();
        assertThat(token.matches("abc123")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void tokenFileIsTrimmedAndReReadWhenItChanges(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "first\n");
        BearerToken token = BearerToken.fromFile(file);
        assertThat(token.matches("Bearer first")).isTrue();

        Files.writeString(file, "second\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(token.matches("Bearer second")).isTrue();
        assertThat(token.matches("Bearer first")).isFalse();
    }
}
