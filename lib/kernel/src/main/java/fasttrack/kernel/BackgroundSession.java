package fasttrack.kernel;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The kernel's JShell, started on its own thread.
 *
 * <p>A JShell is ready only after javac's first compile, a second or more on two cores; the kernel
 * answers kernel_info meanwhile, and whatever needs the session (the first cell, a completion)
 * waits for it here.
 */
final class BackgroundSession {

    private final CompletableFuture<JShellSession> ready = new CompletableFuture<>();

    /** Builds the session on a thread of its own. */
    void start(Callable<JShellSession> build) {
        Thread thread = new Thread(
                () -> {
                    try {
                        ready.complete(build.call());
                    } catch (Throwable t) {
                        ready.completeExceptionally(t);
                    }
                },
                "jshell-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** The session, waiting for it if it is still starting. */
    JShellSession get() {
        try {
            return ready.join();
        } catch (CompletionException e) {
            throw new IllegalStateException(
                    "the kernel could not start JShell: " + e.getCause()
                            + ". Restart the kernel; if this repeats, rerun lib/bin/notebook to rebuild it.",
                    e.getCause());
        }
    }

    /** The session if it has started, else null: nothing runs in it yet. */
    JShellSession ifStarted() {
        return ready.isDone() && !ready.isCompletedExceptionally() ? ready.join() : null;
    }
}
