package fasttrack.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in the kernel's own JVM and keeps the value of the last one as an object.
 *
 * <p>JShell's stock local engine only hands back a value's string; the kernel needs the object
 * itself to render charts and tables. Snippets run on one long-lived thread (so thread-locals of
 * libraries survive from cell to cell) whose context class loader is the snippet class loader,
 * because libraries such as DJL find their native code through it.
 */
final class CapturingExecutionControl extends DirectExecutionControl {

    private final ExecutorService cellThread = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "notebook-cell");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Thread running;
    private volatile boolean stopRequested;
    private Object lastValue;

    @Override
    public String invoke(String className, String methodName) throws RunException, InternalException, EngineTerminationException {
        Method doit;
        try {
            doit = findClass(className).getDeclaredMethod(methodName);
            doit.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new InternalException("cannot find snippet " + className + "." + methodName + ": " + e);
        }
        stopRequested = false;
        Future<Object> result = cellThread.submit(() -> runOnCellThread(doit));
        try {
            Object value = result.get();
            lastValue = value;
            return valueString(value);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException("interrupted while waiting for the cell");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException target ? target.getCause() : e.getCause();
            if (stopRequested) cause = new InterruptedException("the cell was interrupted");
            return throwConvertedInvocationException(cause);
        }
    }

    private Object runOnCellThread(Method doit) throws Exception {
        Thread thread = Thread.currentThread();
        thread.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
        running = thread;
        try {
            return doit.invoke(null);
        } finally {
            running = null;
            Thread.interrupted(); // an interrupt meant for this cell must not reach the next one
        }
    }

    /**
     * Interrupts the running cell. Code that waits or sleeps stops at once; on Java versions that
     * still support {@code Thread.stop} (17 to 19) a busy loop stops too.
     */
    @Override
    @SuppressWarnings({"removal", "deprecation"})
    public void stop() {
        Thread thread = running;
        if (thread == null) return;
        stopRequested = true;
        thread.interrupt();
        try {
            thread.stop();
        } catch (UnsupportedOperationException newerJava) {
            // Java 20+: interruption is all there is.
        }
    }

    /** The value of the last snippet that ran, then forgets it so a stale value never leaks into a later cell. */
    Object takeLastValue() {
        Object value = lastValue;
        lastValue = null;
        return value;
    }

    @Override
    public void close() {
        cellThread.shutdownNow();
        super.close();
    }

    /** Hands JShell the one control instance the kernel holds on to. */
    static final class Provider implements ExecutionControlProvider {
        private final CapturingExecutionControl control = new CapturingExecutionControl();

        CapturingExecutionControl control() {
            return control;
        }

        @Override
        public String name() {
            return "fasttrack-local";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
