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
        return status("VmRSS:");
    }

    /** The largest resident set size this process has had so far, in bytes (its high-water mark, VmHWM). */
    public static long peakResidentBytes() {
        return status("VmHWM:");
    }

    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
            throw new IllegalStateException(STATUS + " has no " + field + " line");
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
