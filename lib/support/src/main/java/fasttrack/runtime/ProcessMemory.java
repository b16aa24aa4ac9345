package fasttrack.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory: the Java heap plus native memory (where NDArrays live), which
 * the JVM's own counters cannot see.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Resident set size in bytes, from /proc/self/status (Linux). */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
            throw new IllegalStateException(STATUS + " has no VmRSS line");
        } catch (IOException e) {
            throw new UnsupportedOperationException(
                    "resident memory is read from " + STATUS + ", which this system does not have (Linux only)", e);
        }
    }

    /** Resident set size in MiB, rounded to one decimal. */
    public static double residentMiB() {
        return Math.round(residentBytes() / 1024.0 / 1024.0 * 10) / 10.0;
    }
}
