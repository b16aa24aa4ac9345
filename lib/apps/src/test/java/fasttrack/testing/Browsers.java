package fasttrack.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real browser for tests: Debian's chromium, headless, driven through Debian's chromedriver. Both
 * paths are given to Selenium, so Selenium Manager never looks for (or downloads) a driver or a browser:
 * the tests run offline and use exactly the browser the machine has.
 *
 * <p>Without chromium a browser test is skipped, with a message saying what to install; where the
 * environment says the browser must be there ({@code FASTTRACK_REQUIRE_BROWSER=1}, which {@code lib/bin/test}
 * sets once it has installed it) a missing browser fails the test instead, so a broken setup cannot
 * pass as "skipped".
 */
public final class Browsers {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final String REQUIRE_ENV = "FASTTRACK_REQUIRE_BROWSER";
    private static final String INSTALL = "apt-get install --no-install-recommends chromium chromium-driver";

    private Browsers() {}

    /** Skips the calling test when chromium or chromedriver is missing; fails it instead when FASTTRACK_REQUIRE_BROWSER=1. */
    public static void assumeAvailable() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) missing.add(CHROMIUM.toString());
        if (!Files.isExecutable(CHROMEDRIVER)) missing.add(CHROMEDRIVER.toString());
        if (missing.isEmpty()) return;
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            fail(String.join(" and ", missing) + " not found, and " + REQUIRE_ENV
                    + "=1 says the browser tests must run:" + " install chromium and chromium-driver (as root: "
                    + INSTALL + "), or unset " + REQUIRE_ENV + ".");
        }
        Assumptions.assumeTrue(
                false,
                "browser test skipped: " + String.join(" and ", missing) + " not found."
                        + " To run it, install chromium and chromium-driver (as root: " + INSTALL + ").");
    }

    /**
     * A new headless chromium (1280×1024) that records its network events for {@link #requests}. The caller
     * quits it ({@code driver.quit()}), best in a finally block or @AfterEach, or the chromium process outlives
     * the test.
     */
    public static ChromeDriver headlessChrome() {
        assumeAvailable();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,1024");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
        return new ChromeDriver(service, options);
    }

    /** Requests a browser made: every URL asked for (redirects included), and each failed one as "URL: error". */
    public record Requests(List<String> urls, List<String> failures) {}

    /**
     * What the browser asked for since the last call, from chromium's own network events, which see what a
     * page's resource timing misses: a font named in a style a script wrote, a request that failed or was blocked.
     */
    public static Requests requests(ChromeDriver driver) {
        List<String> urls = new ArrayList<>();
        Map<String, String> byId = new HashMap<>();
        List<String> failures = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonObject message =
                    JsonParser.parseString(entry.getMessage()).getAsJsonObject().getAsJsonObject("message");
            JsonObject params = message.getAsJsonObject("params");
            switch (message.get("method").getAsString()) {
                case "Network.requestWillBeSent" -> {
                    String url = params.getAsJsonObject("request").get("url").getAsString();
                    urls.add(url);
                    byId.put(params.get("requestId").getAsString(), url);
                }
                case "Network.loadingFailed" ->
                    failures.add(byId.getOrDefault(params.get("requestId").getAsString(), "?") + ": "
                            + params.get("errorText").getAsString());
                default -> {}
            }
        }
        return new Requests(List.copyOf(urls), List.copyOf(failures));
    }
}
