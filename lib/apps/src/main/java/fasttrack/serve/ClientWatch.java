package fasttrack.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Notices when a client goes away while its request is still being generated, streamed or not, so
 * the generation can be cancelled at once instead of running to its end for nobody.
 *
 * <p>Why it is needed: once Jetty has read a request, it does not read the connection again until the
 * response is done, so a client that closes its connection is noticed only when the server next
 * writes to it: for a non-streamed request, after the whole completion has been computed. Here one
 * thread watches the connections of requests in flight with its own selector (a channel may be
 * registered with several; Jetty's is not disturbed), and a connection that turns readable means the
 * client closed or reset it: an HTTP/1.1 client does not send a second request on a connection while
 * its POST is unanswered (RFC 9112 §9.3.2 advises against pipelining after a non-idempotent method).
 */
final class ClientWatch implements AutoCloseable {

    /** A watched connection: {@link #close()} stops watching it (the request ended). */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** One watched connection, registered with the selector by the watch thread. */
    private final class Entry implements Watch {
        final SelectableChannel channel;
        final Runnable onGone;
        private SelectionKey key;
        private boolean closed;

        Entry(SelectableChannel channel, Runnable onGone) {
            this.channel = channel;
            this.onGone = onGone;
        }

        synchronized void register() {
            if (closed) return;
            try {
                key = channel.register(selector, SelectionKey.OP_READ, this);
            } catch (ClosedChannelException alreadyGone) {
                closed = true;
                onGone.run();
            } catch (RuntimeException notSelectable) {
                closed = true; // e.g. a blocking channel: not watched; a failed write will tell instead
            }
        }

        void gone() {
            synchronized (this) {
                if (closed) return;
                closed = true;
            }
            onGone.run();
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (key != null) {
                finished.add(key);
                selector.wakeup();
            }
        }
    }

    private final Selector selector;
    private final Queue<Entry> pending = new ConcurrentLinkedQueue<>();
    private final Queue<SelectionKey> finished = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean open = true;

    ClientWatch() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a selector to watch client connections", e);
        }
        thread = new Thread(this::loop, "fasttrack-client-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code onGone} (once, on the watch thread) if the client of {@code channel} closes its
     * connection before the returned watch is closed.
     */
    Watch watch(SelectableChannel channel, Runnable onGone) {
        Entry entry = new Entry(channel, onGone);
        pending.add(entry);
        selector.wakeup();
        return entry;
    }

    private void loop() {
        while (open) {
            try {
                selector.select(1000);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (SelectionKey key; (key = finished.poll()) != null; ) key.cancel();
            try {
                selector.selectNow(); // deregisters the cancelled keys: the connection's next request may register it
                // again
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (Entry e; (e = pending.poll()) != null; ) e.register();
            for (SelectionKey key : selector.selectedKeys()) {
                key.cancel();
                ((Entry) key.attachment()).gone();
            }
            selector.selectedKeys().clear();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing: nothing is left to watch
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
