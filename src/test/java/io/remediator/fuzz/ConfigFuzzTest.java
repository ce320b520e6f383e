package io.remediator.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.remediator.config.ConfigException;
import io.remediator.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whatever the config file holds, start-up either gets a config or stops with a ConfigException
 * that names the problem: never another exception (a crash loop with a stack trace).
 */
class ConfigFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("remediator-fuzz", ".yaml");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void aConfigFileLoadsOrIsRefusedWithTheKeyNamed(byte[] yaml) throws IOException {
        Files.write(FILE, yaml);
        try {
            new ConfigLoader(Map.of()).load(FILE);
        } catch (ConfigException expected) {
            // the answer for a bad file
        }
    }
}
