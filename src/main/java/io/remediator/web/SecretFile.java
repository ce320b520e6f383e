package io.remediator.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A secret in a file (a mounted Kubernetes Secret), re-read when the file changes, so a rotated
 * Secret takes effect without a restart. While the file is being swapped and cannot be read, the
 * last good value stays.
 */
public final class SecretFile {
    private final Path file;
    private volatile String cached;
    private volatile FileTime cachedAt;

    /** @throws UncheckedIOException when it cannot be read now: fail at start-up, not on the first request */
    public SecretFile(Path file) {
        this.file = file;
        current();
    }

    /** The file's content, trimmed. */
    public String current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (cached == null || !modified.equals(cachedAt)) {
                String read = Files.readString(file).trim();
                // A Secret being rewritten can be empty for a moment (redteam-2 N12: every request
                // then failed with 500 "Empty key"): keep the last good value until it is whole.
                if (read.isEmpty() && cached != null) {
                    return cached;
                }
                if (read.isEmpty()) {
                    throw new UncheckedIOException(new IOException(file + " is empty"));
                }
                cached = read;
                cachedAt = modified;
            }
            return cached;
        } catch (IOException e) {
            if (cached != null) {
                return cached;
            }
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
