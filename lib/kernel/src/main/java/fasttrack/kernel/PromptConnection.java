package fasttrack.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import java.security.GeneralSecurityException;
import org.zeromq.ZMQ;

/**
 * The base library's connection with {@link PromptShellChannel}s for shell and control requests.
 *
 * <p>The base class builds its own polling channels in its constructor; they are left unbound and
 * closed with the rest, and these take their ports.
 */
final class PromptConnection extends JupyterConnection {

    private final KernelConnectionProperties props;
    private final ZMQ.Context context = ZMQ.context(1);
    private final PromptShellChannel shellChannel;
    private final PromptShellChannel controlChannel;

    PromptConnection(KernelConnectionProperties props) throws GeneralSecurityException {
        super(props);
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        this.shellChannel = new PromptShellChannel(context, hmac, false, this);
        this.controlChannel = new PromptShellChannel(context, hmac, true, this);
    }

    /** Binds every socket, iopub first: handlers publish their busy and idle status there. */
    @Override
    public void connect() {
        iopub.bind(props);
        stdin.bind(props);
        heartbeat.bind(props);
        controlChannel.bind(props);
        shellChannel.bind(props);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    }

    @Override
    public void close() {
        shellChannel.close();
        controlChannel.close();
        super.close();
    }

    @Override
    public void waitUntilClose() {
        shellChannel.waitUntilClose();
        controlChannel.waitUntilClose();
        context.close();
        super.waitUntilClose();
    }
}
