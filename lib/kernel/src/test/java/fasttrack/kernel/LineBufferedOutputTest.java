package fasttrack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LineBufferedOutputTest {

    /** Each write that reaches the target: one Jupyter stream message in the kernel. */
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private final OutputStream target = new OutputStream() {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            messages.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    };
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private PrintStream stream(long delayMillis) {
        return new PrintStream(new LineBufferedOutput(target, timer, delayMillis), false, StandardCharsets.UTF_8);
    }

    @Test
    void aPrintfArrivesAsOneLineNotInPieces() {
        PrintStream out = stream(60_000);
        out.printf("step %d of %d: loss %.2f%n", 3, 10, 1.5);
        assertEquals(List.of("step 3 of 10: loss 1.50\n"), messages);
    }

    @Test
    void piecesOfALineWaitForItsNewline() {
        PrintStream out = stream(60_000);
        out.print("a");
        out.print("b");
        assertEquals(List.of(), messages);
        out.print("c\nd");
        assertEquals(List.of("abc\n"), messages);
        out.flush();
        assertEquals(List.of("abc\n", "d"), messages);
    }

    @Test
    void aLineWithoutNewlineShowsAfterTheDelay() throws InterruptedException {
        PrintStream out = stream(100);
        out.print("progress 50%");
        for (int waited = 0; messages.isEmpty() && waited < 5_000; waited += 10) Thread.sleep(10);
        assertEquals(List.of("progress 50%"), messages);
    }

    @Test
    void aFlushNeverSplitsACharacter() {
        PrintStream out = stream(60_000);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // three bytes
        out.write(euro, 0, 2);
        out.flush();
        assertEquals(List.of(), messages);
        out.write(euro, 2, 1);
        out.flush();
        assertEquals(List.of("€"), messages);
    }
}
