package fasttrack.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the kernel: {@code java -jar fasttrack-kernel.jar <connection-file>}.
 *
 * <p>Every message handler is registered before the sockets bind, so the first request a client
 * sends (kernel_info) always finds its handler: the start-up race that makes some Java kernels hang
 * cannot happen here. JShell starts in the background once the sockets are up, so the first reply
 * does not wait for it.
 */
public final class KernelMain {

    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar fasttrack-kernel.jar <connection-file>");
            System.exit(2);
        }
        // The base kernel logs every socket it binds at INFO: noise in the notebook server's console.
        Logger.getLogger("").setLevel(Level.WARNING);
        KernelConnectionProperties props = readConnectionFile(Path.of(args[0]));
        JavaKernel kernel;
        try {
            kernel = new JavaKernel(KernelConfig.fromEnvironment());
        } catch (IllegalArgumentException badClasspath) {
            // The kernelspec names jars that are gone (a moved checkout, a clean build): say how to fix it.
            System.err.println(
                    "fasttrack kernel: " + KernelConfig.CLASSPATH_ENV + " is wrong: " + badClasspath.getMessage()
                            + ". Rerun lib/bin/notebook to rebuild the jars and reinstall the kernel.");
            System.exit(1);
            return;
        }

        JupyterConnection connection = new PromptConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        kernel.startSession(); // after connect: kernel_info is answered while JShell starts
        connection.waitUntilClose();

        // Libraries (DJL, AWT) may leave non-daemon threads behind; the kernel's life ends here.
        System.exit(0);
    }

    private static KernelConnectionProperties readConnectionFile(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read the Jupyter connection file " + file.toAbsolutePath());
        }
        return KernelConnectionProperties.parse(Files.readString(file, StandardCharsets.UTF_8));
    }
}
