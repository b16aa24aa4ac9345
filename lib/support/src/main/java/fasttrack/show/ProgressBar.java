package fasttrack.show;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A long job's progress as one line: how many of how many are done, the rate, and the time left, then
 * the time it took.
 *
 * <p>In a notebook the line is one output that each update replaces in place (the kernel's display ids,
 * found through {@link KernelDisplay}): a cell that works for minutes says how far it is and how long it
 * will take instead of looking stuck, without filling the notebook with lines. Updates come at most every
 * {@link #IN_PLACE_EVERY}, plus the first and the last: more would only cost messages. Outside a kernel
 * (a unit test, {@code lib/bin/test}) nothing can be replaced, so it prints a line at each tenth of the way,
 * which a log keeps.
 *
 * <p>The time left assumes the rest goes at the average rate so far: (total − done) / (done / elapsed).
 * Used from one thread, the one doing the work.
 */
public final class ProgressBar {

    /** The shortest time between two in-place updates. */
    static final Duration IN_PLACE_EVERY = Duration.ofMillis(500);

    private static final int WIDTH = 20; // characters of the text bar

    private final String task;
    private final long total;
    private final LongSupplier nanoTime;
    private final BiConsumer<Object, String> inPlace; // null outside a kernel: print lines instead
    private final PrintStream lines;
    private final String displayId = "progress-" + UUID.randomUUID();
    private final long started;
    private long done, shownAt;
    private long tenthsPrinted;

    /** Starts a bar for {@code total} items: live in a notebook, else lines on {@code lines}. */
    public static ProgressBar start(String task, long total, PrintStream lines) {
        return new ProgressBar(
                task, total, System::nanoTime, KernelDisplay.inPlace().orElse(null), lines);
    }

    /** {@code inPlace} null: print lines on {@code lines}; {@code nanoTime} is the clock (a fake one in tests). */
    ProgressBar(String task, long total, LongSupplier nanoTime, BiConsumer<Object, String> inPlace, PrintStream lines) {
        if (total < 0)
            throw new IllegalArgumentException(
                    "total is " + total + ": give the number of items the job will do (0 or more)");
        this.task = task;
        this.total = total;
        this.nanoTime = nanoTime;
        this.inPlace = inPlace;
        this.lines = lines;
        this.started = nanoTime.getAsLong();
        if (inPlace != null || total == 0) show(started); // in place: the bar is there from the start
    }

    /** One more item done. */
    public void advance() {
        advance(1);
    }

    /** {@code count} more items done. */
    public void advance(long count) {
        if (count < 0 || count > total - done) {
            throw new IllegalArgumentException("advancing by " + count + " from " + done + " of " + total
                    + ": the count must be 0 or more and the total not exceeded (start the bar with the right total)");
        }
        done += count;
        long now = nanoTime.getAsLong();
        boolean due = inPlace != null
                ? done == total || now - shownAt >= IN_PLACE_EVERY.toNanos()
                : done * 10 / total > tenthsPrinted;
        if (due) show(now);
    }

    private void show(long now) {
        shownAt = now;
        if (inPlace == null) {
            tenthsPrinted = total == 0 ? 10 : done * 10 / total;
            lines.println(line(now, true));
            return;
        }
        String html = "<div style=\"font-family:monospace;white-space:pre\"><progress value=\"" + done + "\" max=\""
                + Math.max(total, 1) + "\" style=\"width:12em;vertical-align:middle\"></progress> "
                + Html.escape(line(now, false)) + "</div>";
        inPlace.accept(Html.of(html, line(now, true)), displayId);
    }

    /**
     * "task  [#######.............] 11,000 / 31,102 (35%)  98.4/s  ETA 3m24s", or "… done in 5m16s" at the end
     * (a rate under one a second is written as the time each item takes); without the text bar where a
     * graphical one stands beside it.
     */
    private String line(long now, boolean withBar) {
        StringBuilder line = new StringBuilder(task).append("  ");
        if (withBar) {
            int filled = (int) (total == 0 ? WIDTH : done * WIDTH / total);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(WIDTH - filled))
                    .append("] ");
        }
        line.append(String.format(Locale.ROOT, "%,d / %,d (%d%%)", done, total, total == 0 ? 100 : done * 100 / total));
        double seconds = (now - started) / 1e9;
        if (done > 0 && seconds > 0) {
            double rate = done / seconds;
            line.append(
                    rate < 1
                            ? "  " + duration(Duration.ofNanos((now - started) / done)) + " each"
                            : String.format(Locale.ROOT, rate < 100 ? "  %.1f/s" : "  %,.0f/s", rate));
        }
        if (done == total) {
            line.append("  done in ").append(duration(Duration.ofNanos(now - started)));
        } else if (done > 0 && seconds > 0) {
            line.append("  ETA ")
                    .append(duration(Duration.ofNanos(Math.round((now - started) * (double) (total - done) / done))));
        }
        return line.toString();
    }

    /** A duration to the second, as a progress line writes it: 5 s is "0m05s", 3,700 s is "1h01m" (hours drop the seconds). */
    public static String duration(Duration d) {
        long seconds = Math.round(d.toMillis() / 1000.0);
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
