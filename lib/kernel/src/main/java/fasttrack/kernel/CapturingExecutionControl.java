package fasttrack.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in the kernel's own JVM and keeps the value of the last one as an object.
 *
 * <p>JShell's stock local engine only hands back a value's string; the kernel needs the object
 * itself to render charts and tables. Snippets run on one long-lived cell thread whose context class
 * loader is set to the snippet's class loader, because libraries such as DJL find their native code
 * through it. One thread for every cell, not one per cell: native libraries keep per-thread state that a
 * new thread starts afresh. glibc gives each new thread's allocations an arena of their own, which keeps
 * what they freed, and OpenMP starts a new team of workers for each new calling thread; with a thread per
 * cell a notebook that trains a model in each of several cells grew by hundreds of megabytes a cell.
 * Every class a cell compiles has its exit calls redirected first (see {@link ExitCallRewriter}).
 */
final class CapturingExecutionControl extends DirectExecutionControl {

    private static final long GRACE_MILLIS = 1000;

    private final ExecutorService cellThread = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "notebook-cell");
        thread.setDaemon(true); // never keeps the kernel alive on its own
        return thread;
    });
    private volatile Thread running;
    private volatile boolean stopRequested;
    private Object lastValue;

    @Override
    public void load(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(ExitCallRewriter.rewriteAll(classes));
    }

    @Override
    public void redefine(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.redefine(ExitCallRewriter.rewriteAll(classes));
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, InternalException, EngineTerminationException {
        Method doit;
        try {
            doit = findClass(className).getDeclaredMethod(methodName);
            doit.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new InternalException("cannot find snippet " + className + "." + methodName + ": " + e);
        }
        AtomicReference<Object> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ClassLoader loader = doit.getDeclaringClass().getClassLoader();
        stopRequested = false;
        Future<?> done = cellThread.submit(() -> {
            Thread self = Thread.currentThread();
            Thread.interrupted(); // a stopped cell's interrupt must not reach this one
            self.setContextClassLoader(loader);
            running = self;
            try {
                value.set(doit.invoke(null));
            } catch (InvocationTargetException e) {
                failure.set(e.getCause());
            } catch (Throwable t) { // ThreadDeath from stop() included: the thread lives on
                failure.set(t);
            } finally {
                running = null;
            }
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException("interrupted while waiting for the cell");
        } catch (ExecutionException e) {
            throw new InternalException("the cell thread failed: " + e.getCause());
        }
        if (failure.get() != null) {
            return throwConvertedInvocationException(
                    stopRequested ? new InterruptedException("the cell was interrupted") : failure.get());
        }
        lastValue = value.get();
        return valueString(lastValue);
    }

    /**
     * Interrupts the running cell: code that waits or sleeps stops at once. A busy loop that ignores
     * the interrupt is stopped by force after a grace period, where the Java version still allows it
     * ({@code Thread.stop} works up to Java 19).
     */
    @Override
    @SuppressWarnings({"removal", "deprecation"})
    public void stop() {
        Thread thread = running;
        if (thread == null) return;
        stopRequested = true;
        thread.interrupt();
        try {
            long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
            while (running == thread && System.nanoTime() < deadline) Thread.sleep(10);
            if (running == thread) thread.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
