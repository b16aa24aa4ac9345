package fasttrack.kernel;

import java.util.List;
import java.util.Map;

/**
 * What the kernelspec tells the kernel through its environment.
 *
 * @param classpath entries (jars, folders, {@code dir/*} globs) put on the notebook's classpath at start
 * @param startup   Java code evaluated before the first cell (typically imports), may be empty
 */
public record KernelConfig(List<String> classpath, String startup) {

    /** Path-separator separated entries, as in {@code java -cp}. */
    public static final String CLASSPATH_ENV = "FASTTRACK_KERNEL_CLASSPATH";

    public static final String STARTUP_ENV = "FASTTRACK_KERNEL_STARTUP";

    public KernelConfig {
        classpath = List.copyOf(classpath);
        startup = startup == null ? "" : startup;
    }

    public static KernelConfig fromEnvironment() {
        return from(System.getenv());
    }

    static KernelConfig from(Map<String, String> env) {
        String cp = env.getOrDefault(CLASSPATH_ENV, "");
        List<String> entries = cp.isBlank()
                ? List.of()
                : List.of(cp.split(java.io.File.pathSeparator)).stream()
                        .filter(s -> !s.isBlank())
                        .toList();
        return new KernelConfig(entries, env.getOrDefault(STARTUP_ENV, ""));
    }
}
