package fasttrack.kernel.api;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * What notebook code can ask of the kernel. Cells get these as plain functions
 * ({@code display(chart)}), through a static import the kernel makes at start.
 *
 * <p>Outside a kernel (a unit test, a plain program) nothing is attached and {@code display}
 * prints the object's text instead, so code that calls it still runs.
 */
public final class Jupyter {

    private static volatile BiConsumer<Object, String> sink;

    private Jupyter() {}

    /** Shows {@code value} below the cell: charts and tables richly, anything else as text. */
    public static void display(Object value) {
        publish(value, null);
    }

    /**
     * Shows {@code value} in an output that later calls with the same {@code displayId} replace in
     * place: the way to draw live progress without flooding the cell.
     */
    public static void display(Object value, String displayId) {
        Objects.requireNonNull(displayId, "displayId");
        publish(value, displayId);
    }

    /** True inside a running kernel. */
    public static boolean isAttached() {
        return sink != null;
    }

    private static void publish(Object value, String displayId) {
        BiConsumer<Object, String> target = sink;
        if (target == null) {
            System.out.println(value);
        } else {
            target.accept(value, displayId);
        }
    }

    /** Called by the kernel once, at start; not for notebook code. */
    public static void attach(BiConsumer<Object, String> kernelSink) {
        sink = Objects.requireNonNull(kernelSink, "kernelSink");
    }
}
