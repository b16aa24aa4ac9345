package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    /** A clock the test moves by hand. */
    private static final class Clock {
        long nanos = 1_000_000_000L;

        void seconds(double s) {
            nanos += Math.round(s * 1e9);
        }
    }

    /** What a kernel would have been asked to show: each update's text and HTML, and its display id. */
    private record Shown(String text, String html, String displayId) {}

    private final Clock clock = new Clock();
    private final List<Shown> shown = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream lines = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private ProgressBar inKernel(String task, long total) {
        return new ProgressBar(
                task,
                total,
                () -> clock.nanos,
                (value, id) -> {
                    Html html = (Html) value;
                    shown.add(new Shown(html.text(), html.html(), id));
                },
                lines);
    }

    private ProgressBar outsideAKernel(String task, long total) {
        return new ProgressBar(task, total, () -> clock.nanos, null, lines);
    }

    private List<String> printedLines() {
        String all = printed.toString(StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : List.of(all.split("\n"));
    }

    @Test
    void inAKernelOneOutputIsReplacedInPlaceWithDoneTotalRateAndTimeLeft() {
        ProgressBar bar = inKernel("Encoding", 1_000);
        assertEquals(1, shown.size(), "the bar is shown as soon as it starts");
        assertEquals(
                "Encoding  [....................] 0 / 1,000 (0%)", shown.get(0).text());

        clock.seconds(2.5);
        bar.advance(250);
        assertEquals(
                "Encoding  [#####...............] 250 / 1,000 (25%)  100/s  ETA 0m08s",
                shown.get(1).text(), "250 in 2.5 s is 100 a second; 750 more at that rate take 7.5 s");

        clock.seconds(3.5);
        bar.advance(750);
        assertEquals(
                "Encoding  [####################] 1,000 / 1,000 (100%)  167/s  done in 0m06s",
                shown.get(2).text());

        assertEquals(3, shown.size());
        assertEquals(1, shown.stream().map(Shown::displayId).distinct().count(), "every update names the same output");
        assertTrue(
                shown.get(0).displayId().startsWith("progress-"), shown.get(0).displayId());
        assertTrue(printedLines().isEmpty(), "nothing printed in a kernel: " + printedLines());
    }

    @Test
    void inAKernelUpdatesComeAtMostTwiceASecondButTheLastAlways() {
        ProgressBar bar = inKernel("Encoding", 100);
        for (int i = 0; i < 100; i++) {
            clock.seconds(0.1);
            bar.advance();
        }
        // the start, then every 5th item (0.5 s apart), the 100th among them
        assertEquals(1 + 20, shown.size());
        assertTrue(
                shown.get(shown.size() - 1).text().contains("100 / 100 (100%)  10.0/s  done in 0m10s"),
                shown.get(shown.size() - 1).text());

        ProgressBar quick = inKernel("Quick", 3);
        int before = shown.size();
        quick.advance(2);
        quick.advance();
        assertEquals(before + 1, shown.size(), "the end is shown even when it comes within half a second of the start");
        assertTrue(
                shown.get(shown.size() - 1).text().endsWith("3 / 3 (100%)  done in 0m00s"),
                shown.get(shown.size() - 1).text());
    }

    @Test
    void theHtmlHasAProgressElementAndTheLineEscaped() {
        ProgressBar bar = inKernel("Encoding <kjv> & more", 4);
        clock.seconds(1);
        bar.advance();
        String html = shown.get(1).html();
        assertTrue(html.contains("<progress value=\"1\" max=\"4\""), html);
        assertTrue(
                html.contains("Encoding &lt;kjv&gt; &amp; more  1 / 4 (25%)  1.0/s  ETA 0m03s"),
                "the text beside the bar, without the text bar: " + html);
    }

    @Test
    void outsideAKernelItPrintsALineAtEachTenth() {
        ProgressBar bar = outsideAKernel("Encoding", 1_000);
        assertTrue(printedLines().isEmpty(), "nothing to say before the first tenth");
        for (int i = 0; i < 1_000; i++) {
            clock.seconds(0.01);
            bar.advance();
        }
        List<String> printed = printedLines();
        assertEquals(10, printed.size(), String.join("\n", printed));
        assertEquals("Encoding  [##..................] 100 / 1,000 (10%)  100/s  ETA 0m09s", printed.get(0));
        assertEquals("Encoding  [####################] 1,000 / 1,000 (100%)  100/s  done in 0m10s", printed.get(9));
        assertTrue(shown.isEmpty());
    }

    @Test
    void outsideAKernelASmallJobPrintsEachItemOnceAndAnEmptyOneAtOnce() {
        ProgressBar bar = outsideAKernel("Three", 3);
        bar.advance();
        bar.advance();
        bar.advance();
        assertEquals(3, printedLines().size(), String.join("\n", printedLines()));

        printed.reset();
        outsideAKernel("Nothing", 0);
        assertEquals(List.of("Nothing  [####################] 0 / 0 (100%)  done in 0m00s"), printedLines());
    }

    @Test
    void theTimeLeftIsTheRestAtTheAverageRateSoFar() {
        ProgressBar bar = outsideAKernel("Long", 10);
        clock.seconds(600);
        bar.advance(); // one item in 10 minutes: nine more take 90; under one a second, the rate is the time each takes
        assertEquals(
                "Long  [##..................] 1 / 10 (10%)  10m00s each  ETA 1h30m",
                printedLines().get(0));
    }

    @Test
    void durationsAreWrittenToTheSecondAndHoursDropTheSeconds() {
        assertEquals("0m00s", ProgressBar.duration(Duration.ZERO));
        assertEquals("0m05s", ProgressBar.duration(Duration.ofMillis(4_600)), "rounded to the nearest second");
        assertEquals("3m05s", ProgressBar.duration(Duration.ofSeconds(185)));
        assertEquals("59m59s", ProgressBar.duration(Duration.ofSeconds(3599)));
        assertEquals("1h01m", ProgressBar.duration(Duration.ofSeconds(3_700)));
        assertEquals("26h00m", ProgressBar.duration(Duration.ofHours(26)));
    }

    @Test
    void wrongCountsAreRefusedWithWhatToDo() {
        var negative = assertThrows(IllegalArgumentException.class, () -> outsideAKernel("x", -1));
        assertTrue(negative.getMessage().contains("0 or more"), negative.getMessage());
        ProgressBar bar = outsideAKernel("x", 2);
        var beyond = assertThrows(IllegalArgumentException.class, () -> bar.advance(3));
        assertTrue(beyond.getMessage().contains("advancing by 3 from 0 of 2"), beyond.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bar.advance(-1));
    }

    @Test
    void startOutsideAKernelPrintsLines() {
        ProgressBar bar = ProgressBar.start("Plain", 1, lines);
        bar.advance();
        assertEquals(1, printedLines().size(), "no kernel under JUnit: a printed line");
        assertTrue(
                printedLines().get(0).startsWith("Plain  [####################] 1 / 1 (100%)"),
                printedLines().get(0));
    }
}
