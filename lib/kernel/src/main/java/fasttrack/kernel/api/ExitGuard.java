package fasttrack.kernel.api;

/**
 * What a cell's {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} calls become.
 *
 * <p>Cells run inside the kernel's own JVM, so a real exit would end the kernel and lose every
 * variable. The kernel rewrites those calls in each class a cell compiles (see
 * {@code ExitCallRewriter}) into calls to these methods, which end the cell instead.
 */
public final class ExitGuard {

    private ExitGuard() {}

    /** Replaces {@code System.exit(status)}. */
    public static void exit(int status) {
        throw new ExitCalled("System.exit", status);
    }

    /** Replaces {@code runtime.exit(status)}: the same signature once the receiver becomes the first argument. */
    public static void exit(Runtime runtime, int status) {
        throw new ExitCalled("Runtime.exit", status);
    }

    /** Replaces {@code runtime.halt(status)}. */
    public static void halt(Runtime runtime, int status) {
        throw new ExitCalled("Runtime.halt", status);
    }

    /** An Error, not an Exception, so that a cell's {@code catch (Exception e)} does not swallow the exit. */
    public static final class ExitCalled extends Error {
        ExitCalled(String call, int status) {
            super(call + "(" + status + ") was called: the kernel stays up and keeps your variables"
                    + " (to reset them, restart the kernel from the Kernel menu)");
        }
    }
}
