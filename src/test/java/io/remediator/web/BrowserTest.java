package io.remediator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.remediator.config.RemediatorConfig;
import io.remediator.testing.FakeSlack;
import io.remediator.testing.Payloads;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The report page and the approval page in a real browser: Debian's headless Chromium, driven by
 * Selenium through Debian's chromedriver (paths set, nothing downloaded; scripts/test installs
 * both). Screenshots go to target/screenshots.
 */
@ExtendWith(RealCluster.class)
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeSlack slack;
    private Path dir;
    private WebDriver browser;

    @BeforeEach
    void start(TestCluster cluster, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)
                || System.getenv("REMEDIATOR_REQUIRE_BROWSER") != null, "chromium and chromium-driver (scripts/test installs them)");
        this.dir = dir;
        ApprovalLinkTest.aMigrationAndARestartToApprove(cluster);
        slack = new FakeSlack();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,1600");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (slack != null) {
            slack.close();
        }
    }

    private RemediatorConfig config() throws Exception {
        Path key = Files.writeString(dir.resolve("link-key"), "approval-link-key-0123456789abcdef-browser");
        RemediatorConfig d = RunningService.withPolicy(Policies.mode("approve").restart("approve").batch(0, "1s").build());
        RemediatorConfig.Approval approval = new RemediatorConfig.Approval("link", key.toString(), Duration.ofMinutes(30),
                "", "EVICT", "", List.of(), "");
        return RunningService.withSlack(d, slack.botConfig(dir, approval));
    }

    private void screenshot(String name) throws Exception {
        Path out = Path.of("target", "screenshots");
        Files.createDirectories(out);
        Files.write(out.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void anOperatorOpensTheLinkConfirmsAndSeesTheApprovalAndHostileTextDoesNotRun(TestCluster cluster) throws Exception {
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            JsonNode report = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            int pass = report.get("remediation").get("pass").asInt();
            String blocks = slack.firstPostedBlocks();
            Matcher m = Pattern.compile("<https://remediator\\.example\\.com(/approvals/[^|]+)\\|Review").matcher(blocks);
            assertThat(m.find()).as(blocks).isTrue();

            // The approval page: what will happen, and a button.
            browser.get(s.baseUrl() + m.group(1));
            assertThat(browser.getTitle()).startsWith("Approve:");
            assertThat(browser.findElement(By.id("actions")).getText()).contains("LIVE_MIGRATE team/db");
            assertThat(browser.findElement(By.id("not-here")).getText()).contains("RESTART team/legacy");
            screenshot("approval-page");
            assertThat(JSON.readTree(s.get("/api/reports/" + id).body()).get("approvals")).isEmpty();

            browser.findElement(By.id("confirm")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/reports/" + id));
            assertThat(browser.findElement(By.id("approval-history")).getText()).contains("link holder")
                    .contains("LIVE_MIGRATE team/db");
            screenshot("report-after-approval");

            // An admin approves the restart of the new plan with a name that is markup: the page shows it as text.
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(s.get("/api/reports/" + id).body())
                    .get("remediation").get("pass").asInt() > pass);
            // Passes follow each other every second while the migration runs: approve the plan as it is now.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                int current = JSON.readTree(s.get("/api/reports/" + id).body()).get("remediation").get("pass").asInt();
                return s.post("/api/reports/" + id + "/approve", JSON.writeValueAsString(java.util.Map.of("pass", current,
                        "actions", List.of("RESTART team/legacy"), "by", HOSTILE)), RunningService.ADMIN_TOKEN)
                        .statusCode() == 202;
            });
            browser.get(s.baseUrl() + "/reports/" + id);
            assertThat(browser.findElement(By.id("approval-history")).getText()).contains("<img src=x onerror=")
                    .contains("<script>");
            assertThat(browser.getTitle()).isEqualTo("OutdatedVirtualMachineInstanceWorkloads — report " + id);
            assertThat(browser.findElements(By.cssSelector("#approval-history img, #approval-history script"))).isEmpty();
            screenshot("report-hostile-name");
        }
    }
}
