package fasttrack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The shared libraries a process has mapped, as the dynamic linker resolved them (symlinks followed, so
 * Debian's alternatives show as the file they point at), and which of them do its matrix products.
 * A benchmark ratio is only as good as the BLAS on each side: the same PyTorch runs a training step
 * 2.5× slower on Debian's pthread OpenBLAS than on its OpenMP build, and only the process's memory map
 * says which one the linker actually chose.
 *
 * @param paths each mapped shared object once, in the order first seen
 */
record LoadedLibraries(List<String> paths) {

    /** The folder Debian's {@code libopenblas0-openmp} installs its {@code libblas.so.3} into (one per architecture). */
    static final String OPENBLAS_OPENMP = "openblas-openmp";

    LoadedLibraries {
        paths = List.copyOf(paths);
    }

    /** The libraries mapped into this JVM now: call it after the engine has done a matrix product, so its BLAS is loaded. */
    static LoadedLibraries ofThisProcess() throws IOException {
        return fromMaps(Files.readAllLines(Path.of("/proc/self/maps")));
    }

    /**
     * Parses {@code /proc/<pid>/maps} lines ({@code address perms offset dev inode path}): each file-backed
     * mapping whose name holds ".so" once; anonymous mappings, the heap, the stack and plain files are left out.
     */
    static LoadedLibraries fromMaps(Collection<String> lines) {
        return new LoadedLibraries(lines.stream()
                .map(line -> line.trim().split("\\s+", 6))
                .filter(fields -> fields.length == 6
                        && fields[5].startsWith("/")
                        && fileName(fields[5]).contains(".so"))
                .map(fields -> fields[5])
                .distinct()
                .toList());
    }

    /** The BLAS implementations mapped: reference BLAS, OpenBLAS, MKL, BLIS (LAPACK, which only calls them, left out). */
    List<String> blas() {
        return paths.stream()
                .filter(p -> {
                    String name = fileName(p);
                    return name.startsWith("libblas.")
                            || name.startsWith("libcblas.")
                            || name.startsWith("libopenblas")
                            || name.startsWith("libmkl_")
                            || name.startsWith("libblis");
                })
                .toList();
    }

    /** The OpenMP runtimes mapped: GNU (libgomp, DJL's renamed copy included), Intel (libiomp5), LLVM (libomp). */
    List<String> openMp() {
        return paths.stream()
                .filter(p -> {
                    String name = fileName(p);
                    return name.startsWith("libgomp") || name.startsWith("libiomp") || name.startsWith("libomp.");
                })
                .toList();
    }

    /** The first mapped library whose file name starts with {@code prefix}, e.g. libtorch_cpu. */
    Optional<String> find(String prefix) {
        return paths.stream().filter(p -> fileName(p).startsWith(prefix)).findFirst();
    }

    /**
     * Whether the matrix products run on OpenBLAS's OpenMP build: some BLAS is mapped and every BLAS
     * mapped lies in a folder named {@value #OPENBLAS_OPENMP}. Decided from what was mapped, not from
     * what was asked for, so a missing package or a linker that ignored the pin cannot pass.
     */
    boolean onOpenMpOpenBlas() {
        List<String> blas = blas();
        return !blas.isEmpty() && blas.stream().allMatch(p -> OPENBLAS_OPENMP.equals(parentName(p)));
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String parentName(String path) {
        int end = path.lastIndexOf('/');
        return end <= 0 ? "" : fileName(path.substring(0, end));
    }
}
