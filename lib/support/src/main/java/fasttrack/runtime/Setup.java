package fasttrack.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Where and how the course computes: the device (chosen once), the seed, the long-lived NDManager.
 *
 * <p>The device request comes from {@code Setup.useDevice(..)}, else the system property
 * {@code fasttrack.device}, else the environment variable {@code FASTTRACK_DEVICE}, else {@code auto}.
 */
public final class Setup {

    static {
        // Before DJL is first touched: never download, never phone home (see data/README.md).
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        // DJL prints an array's values only when it believes it runs in JShell, which the kernel does.
        if (System.getProperty("jshell") == null) System.setProperty("jshell", "true");
    }

    private static Device device;
    private static NDManager manager;
    private static Long seed;
    private static Random random = new Random();

    private Setup() {}

    /** The device everything runs on, chosen on first use. */
    public static synchronized Device device() {
        if (device == null) {
            String spec = System.getProperty("fasttrack.device", System.getenv("FASTTRACK_DEVICE"));
            device = new DeviceRequest(spec).resolve(gpuCount());
        }
        return device;
    }

    /** Chooses the device explicitly ({@code "cpu"}, {@code "gpu"}, {@code "gpu:1"}, {@code "auto"}). */
    public static synchronized Device useDevice(String spec) {
        Device chosen = new DeviceRequest(spec).resolve(gpuCount());
        if (manager != null && !chosen.equals(device)) {
            manager.close();
            manager = null;
        }
        device = chosen;
        return device;
    }

    /** A root manager on the chosen device, for arrays that live as long as the notebook. */
    public static synchronized NDManager manager() {
        Device current = device();
        if (manager == null) manager = withEngine(() -> NDManager.newBaseManager(current));
        return manager;
    }

    /** Seeds DJL's generator and {@link #random()}, so reruns give the same numbers. */
    public static synchronized void seed(long value) {
        withEngine(() -> {
            Engine.getInstance().setRandomSeed((int) value);
            return null;
        });
        random = new Random(value);
        seed = value;
    }

    /** The seed last set, or null. */
    public static synchronized Long seedOrNull() {
        return seed;
    }

    /** A Java random generator reseeded by {@link #seed(long)}. */
    public static synchronized Random random() {
        return random;
    }

    public static int gpuCount() {
        return withEngine(() -> Engine.getInstance().getGpuCount());
    }

    /** The engine, the device and how to change it, as a table. */
    public static Banner banner() {
        return Banner.collect();
    }

    /**
     * Runs {@code action} where DJL can find its engine. DJL looks up engines and natives through the
     * thread's context class loader; in a kernel that loader may not be the one that loaded DJL.
     */
    static <T> T withEngine(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader ours = Setup.class.getClassLoader();
        boolean swap = !canSee(previous, "ai.djl.pytorch.engine.PtEngineProvider");
        if (swap) thread.setContextClassLoader(ours);
        try {
            return action.get();
        } catch (ai.djl.engine.EngineException e) {
            throw new IllegalStateException(
                    "DJL could not start its PyTorch engine: " + e.getMessage()
                            + ". Run lib/bin/notebook again (its setup builds the jars with Maven, which fetches the natives), and check that DJL_CACHE_DIR"
                            + " (default ~/.djl.ai) is writable with ~450 MB free: the natives unpack there on first use.",
                    e);
        } finally {
            if (swap) thread.setContextClassLoader(previous);
        }
    }

    private static boolean canSee(ClassLoader loader, String className) {
        if (loader == null) return false;
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
