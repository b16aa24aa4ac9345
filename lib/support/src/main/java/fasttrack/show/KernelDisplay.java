package fasttrack.show;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The running kernel's {@code display(value, displayId)}, reached without depending on the kernel.
 *
 * <p>{@link Displayable} is enough for what a cell returns or passes to {@code display(...)}: the kernel
 * asks the object for its bundle. Live progress is the other way round: the library must push a new
 * picture while a cell is still running, so it has to find the kernel. The kernel's API class is on the
 * class path of every cell (the kernel puts it there), and the library's classes load in the same class
 * loader, so looking it up by name finds the very class the kernel attached itself to. Under JUnit or in a
 * plain program the class is absent or not attached, and callers fall back to printing.
 */
final class KernelDisplay {

    /** The kernel's API for cells ({@code lib/kernel}); its name is the whole contract. */
    static final String API = "fasttrack.kernel.api.Jupyter";

    private KernelDisplay() {}

    /** Inside a running kernel, its in-place display; elsewhere nothing. */
    static Optional<BiConsumer<Object, String>> inPlace() {
        return inPlace(API, KernelDisplay.class.getClassLoader());
    }

    /** {@code api}'s {@code display(Object, String)}, if {@code loader} sees that class and its {@code isAttached()} is true. */
    static Optional<BiConsumer<Object, String>> inPlace(String api, ClassLoader loader) {
        Method display;
        try {
            Class<?> type = Class.forName(api, true, loader);
            if (!Boolean.TRUE.equals(type.getMethod("isAttached").invoke(null))) return Optional.empty();
            display = type.getMethod("display", Object.class, String.class);
        } catch (ClassNotFoundException notInAKernel) {
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    api + " has no isAttached() and display(Object, String): the kernel and the"
                            + " helper library come from different builds. Run lib/bin/notebook (it rebuilds both) and restart the kernel.",
                    e);
        }
        return Optional.of((value, displayId) -> {
            try {
                display.invoke(null, value, displayId);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(api + ".display is not public", e);
            }
        });
    }
}
