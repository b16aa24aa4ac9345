package fasttrack.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import java.util.logging.Level;
import org.zeromq.ZMQ;

/**
 * A shell (or control) channel that handles each request the moment it arrives.
 *
 * <p>The base library's channel checks for requests every 50 ms and sleeps in between, so every
 * request, kernel_info and each cell included, waited up to 50 ms (25 on average, a full 50 for a
 * cell sent right after the previous one). This one blocks in poll until a message comes.
 */
final class PromptShellChannel extends ShellChannel {

    /** How often a waiting loop checks whether the kernel is shutting down. */
    private static final long POLL_MILLIS = 100;

    private final JupyterConnection connection;
    private final boolean isControl;
    private volatile boolean running;
    private Thread loop;

    PromptShellChannel(ZMQ.Context context, HMACGenerator hmac, boolean isControl, JupyterConnection connection) {
        super(context, hmac, isControl, connection);
        this.connection = connection;
        this.isControl = isControl;
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        bind(formatAddress(
                props.getTransport(), props.getIp(), isControl ? props.getControlPort() : props.getShellPort()));
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        running = true;
        loop = new Thread(
                () -> {
                    while (running) {
                        if (poller.poll(POLL_MILLIS) > 0 && running) handle(readMessage());
                    }
                    super.close(); // the loop's own socket, closed by the thread that uses it
                },
                isControl ? "control" : "shell");
        loop.start();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(Message message) {
        ShellHandler handler = connection.getHandler(message.getHeader().getType());
        if (handler == null) {
            logger.log(
                    Level.SEVERE,
                    "Unhandled message: " + message.getHeader().getType().getName());
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        try {
            handler.handle(env, message);
        } catch (Exception e) {
            logger.log(
                    Level.SEVERE,
                    "Unhandled exception handling "
                            + message.getHeader().getType().getName(),
                    e);
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) connection.close();
    }

    /** Stops the loop; it closes the socket itself when it sees this. */
    @Override
    public void close() {
        running = false;
    }

    @Override
    public void waitUntilClose() {
        try {
            if (loop != null) loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
