package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.errorMessage;
import static fasttrack.serve.ServeFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import fasttrack.testing.Browsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser (headless chromium): the completion appears token by token while it
 * is generated, the page knows when it is done, the server's refusals show in the error box, and the
 * page loads nothing from anywhere but the server.
 */
class ChatPageBrowserTest {

    private static final int TOKENS = 150;

    @Test
    void thePageStreamsTheCompletionAndShowsTheServersRefusals() throws Exception {
        Browsers.assumeAvailable();
        try (NDManager nd = Setup.manager().newSubManager()) {
            // About 2-3 ms a token: 150 tokens take long enough to watch them arrive.
            Gpt model = ServeFixtures.slowModel(nd, 31);
            try (CompletionServer server =
                    CompletionServer.start(model, TOKENIZER, ServeConfig.defaults(ApiKeys.of(KEY)), 0, line -> {})) {
                int limit = server.config().maxTokens();
                ChromeDriver driver = Browsers.headlessChrome();
                try {
                    driver.get(server.uri().toString());
                    assertTrue(driver.getTitle().contains("chat"), driver.getTitle());
                    assertFalse(driver.findElement(By.id("error")).isDisplayed(), "no error before anything is sent");

                    // (c) A wrong key: the server's 401 message, in the error box.
                    type(driver, "key", "wrong-key-000000000000");
                    type(driver, "prompt", "And God said");
                    type(driver, "maxTokens", "20");
                    driver.findElement(By.id("send")).click();
                    String expected401 = "401: "
                            + errorMessage(post(server, "wrong-key-000000000000", "{\"prompt\": \"And\"}"), 401);
                    assertEquals(expected401, waitForError(driver));

                    // (d) More tokens than the server allows: its 400 message, in the error box.
                    type(driver, "key", KEY);
                    type(driver, "maxTokens", Integer.toString(limit + 50));
                    driver.findElement(By.id("send")).click();
                    String expected400 = "400: "
                            + errorMessage(
                                    post(
                                            server,
                                            KEY,
                                            "{\"prompt\": \"And God said\", \"max_tokens\": " + (limit + 50) + "}"),
                                    400);
                    assertTrue(expected400.contains("'max_tokens'") && expected400.contains("" + limit), expected400);
                    assertEquals(expected400, waitForError(driver));

                    // (a, b) A good request: watch the completion grow while it streams.
                    type(driver, "maxTokens", Integer.toString(TOKENS));
                    driver.findElement(By.id("send")).click();
                    List<Long> seen = new ArrayList<>();
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> state = (Map<String, Object>)
                                driver.executeScript(
                                        "const c = document.getElementById('completion');"
                                                + "return {length: c ? c.textContent.length : -1, done: document.getElementById('status').dataset.done === 'true'};");
                        seen.add((Long) state.get("length"));
                        if (Boolean.TRUE.equals(state.get("done"))) break;
                        Thread.sleep(3);
                    }
                    assertEquals(
                            "true",
                            driver.findElement(By.id("status")).getAttribute("data-done"),
                            "the page marks the completion done");
                    assertFalse(
                            driver.findElement(By.id("error")).isDisplayed(), "a good request hides the last error");
                    String completion = driver.findElement(By.id("completion")).getAttribute("textContent");
                    assertEquals(
                            TOKENS,
                            TOKENIZER.encode(completion).length,
                            "the completion is the tokens asked for: '" + completion + "'");
                    long finalLength = completion.length();
                    assertTrue(
                            seen.stream().anyMatch(l -> l > 0 && l < finalLength),
                            "the text grew while streaming: lengths seen " + seen + ", final " + finalLength);

                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> log =
                            (List<Map<String, Object>>) driver.executeScript("return window.streamLog;");
                    assertEquals(TOKENS, log.size(), "one log entry per token");
                    long previous = 0;
                    for (Map<String, Object> entry : log) {
                        long length = ((Number) entry.get("length")).longValue();
                        assertTrue(length > previous, "lengths increase strictly: " + log);
                        previous = length;
                    }
                    assertEquals(finalLength, previous);
                    assertTrue(
                            driver.findElement(By.id("status")).getText().contains(TOKENS + " tokens"),
                            driver.findElement(By.id("status")).getText());

                    assertOnlyServerResources(driver, server.uri().toString());
                } finally {
                    driver.quit();
                }
            }
        }
    }

    private static void type(ChromeDriver driver, String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    private static String waitForError(ChromeDriver driver) {
        WebElement error = driver.findElement(By.id("error"));
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> error.isDisplayed() && !error.getText().isEmpty());
        return error.getText();
    }

    /** Every resource the page loaded, and every element that would load one, is on the server itself. */
    private static void assertOnlyServerResources(ChromeDriver driver, String origin) {
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>)
                driver.executeScript("return performance.getEntriesByType('resource').map(e => e.name);");
        assertTrue(
                resources.stream().anyMatch(r -> r.startsWith(origin + "v1/completions")),
                "the completions were fetched: " + resources);
        assertEquals(
                List.of(),
                resources.stream().filter(r -> !r.startsWith(origin)).toList(),
                "resources from outside the server");
        @SuppressWarnings("unchecked")
        List<String> external = (List<String>) driver.executeScript("return Array.from(document.querySelectorAll("
                + "'img[src], script[src], link[href], iframe[src], source[src], video[src], audio[src], object[data], embed[src]'))"
                + ".map(e => e.src || e.href || e.data);");
        assertEquals(
                List.of(),
                external.stream().filter(r -> !r.startsWith(origin)).toList(),
                "elements that load from outside the server");
    }
}
