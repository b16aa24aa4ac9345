package fasttrack.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Passes a cell's output on a line at a time.
 *
 * <p>Each write to the target becomes one Jupyter stream message; written through unbuffered, a
 * {@code printf} arrives in pieces and a loop's output as hundreds of messages. Here complete lines
 * go out as soon as they are written, and a line still missing its newline (a progress bar) goes out
 * after {@code delayMillis}, on an explicit {@code flush()} and when the cell ends (the kernel flushes).
 */
final class LineBufferedOutput extends OutputStream {

    private final OutputStream target;
    private final ScheduledExecutorService timer;
    private final long delayMillis;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private ScheduledFuture<?> scheduledFlush;

    LineBufferedOutput(OutputStream target, ScheduledExecutorService timer, long delayMillis) {
        this.target = target;
        this.timer = timer;
        this.delayMillis = delayMillis;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        int lineEnd = end;
        while (lineEnd > offset && bytes[lineEnd - 1] != '\n') lineEnd--;
        pending.write(bytes, offset, lineEnd - offset);
        if (lineEnd > offset) emit(pending.size()); // everything up to the last newline
        pending.write(bytes, lineEnd, end - lineEnd);
        if (pending.size() > 0 && scheduledFlush == null) {
            scheduledFlush = timer.schedule(this::flushQuietly, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends what is pending, even without a newline (but never half a UTF-8 character). */
    @Override
    public synchronized void flush() throws IOException {
        emit(completeCharacters(pending.toByteArray()));
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException ignored) {
            // the cell's stream is gone (the cell ended): nothing left to show it in
        }
    }

    /** Sends the first {@code count} pending bytes, keeps the rest. */
    private void emit(int count) throws IOException {
        if (scheduledFlush != null) {
            scheduledFlush.cancel(false);
            scheduledFlush = null;
        }
        if (count == 0) return;
        byte[] all = pending.toByteArray();
        pending.reset();
        pending.write(all, count, all.length - count);
        target.write(all, 0, count);
        target.flush();
    }

    /** How many leading bytes form whole UTF-8 characters: a trailing, unfinished sequence waits for its rest. */
    private static int completeCharacters(byte[] bytes) {
        int n = bytes.length;
        int start = n - 1;
        while (start >= 0 && n - start <= 4 && (bytes[start] & 0xC0) == 0x80) start--; // back over continuation bytes
        if (start < 0) return n;
        int lead = bytes[start] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return n - start >= needed ? n : start;
    }
}
