package fasttrack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which BLAS each side of the benchmark loaded, and when a ratio against the reference may be printed. */
class ReferenceBlasTest {

    private static final String OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp/";
    private static final String PTHREAD = "/usr/lib/x86_64-linux-gnu/openblas-pthread/";

    /** Lines as /proc/self/maps writes them: several mappings per library, anonymous ones, the heap, a data file. */
    private static final List<String> MAPS = List.of(
            "55d0c1a00000-55d0c1a2d000 r--p 00000000 08:01 1315        /usr/bin/python3.11",
            "55d0c3b1e000-55d0c3f2a000 rw-p 00000000 00:00 0           [heap]",
            "7f1c20000000-7f1c20021000 rw-p 00000000 00:00 0 ",
            "7f1c2a000000-7f1c2a100000 r--p 00000000 08:01 98231       " + PTHREAD + "libopenblasp-r0.3.21.so",
            "7f1c2a100000-7f1c2b000000 r-xp 00100000 08:01 98231       " + PTHREAD + "libopenblasp-r0.3.21.so",
            "7f1c2c000000-7f1c2c010000 r-xp 00000000 08:01 98230       " + PTHREAD + "libblas.so.3",
            "7f1c2d000000-7f1c2d040000 r-xp 00000000 08:01 4411        /usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0",
            "7f1c2e000000-7f1c2e400000 r-xp 00000000 08:01 5512        /usr/lib/x86_64-linux-gnu/liblapack.so.3",
            "7f1c2f000000-7f1c2f001000 r--s 00000000 08:01 7777        /usr/share/locale/locale.alias",
            "7ffd5b5e0000-7ffd5b601000 rw-p 00000000 00:00 0           [stack]");

    @Test
    void mapsGiveEachSharedLibraryOnceAndNothingElse() {
        assertEquals(
                List.of(
                        PTHREAD + "libopenblasp-r0.3.21.so",
                        PTHREAD + "libblas.so.3",
                        "/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0",
                        "/usr/lib/x86_64-linux-gnu/liblapack.so.3"),
                LoadedLibraries.fromMaps(MAPS).paths());
    }

    @Test
    void blasAndOpenMpAreToldApartFromTheRest() {
        LoadedLibraries loaded = LoadedLibraries.fromMaps(MAPS);
        assertEquals(
                List.of(PTHREAD + "libopenblasp-r0.3.21.so", PTHREAD + "libblas.so.3"),
                loaded.blas(),
                "LAPACK is not the BLAS");
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0"), loaded.openMp());
        LoadedLibraries djl = new LoadedLibraries(List.of(
                "/root/.djl.ai/pytorch/2.7.1-cpu/libtorch_cpu.so",
                "/root/.djl.ai/pytorch/2.7.1-cpu/libgomp-98b21ff3.so.1",
                "/opt/intel/lib/libmkl_core.so.2"));
        assertEquals(
                List.of("/root/.djl.ai/pytorch/2.7.1-cpu/libgomp-98b21ff3.so.1"),
                djl.openMp(),
                "DJL's renamed libgomp");
        assertEquals(List.of("/opt/intel/lib/libmkl_core.so.2"), djl.blas());
    }

    @Test
    void onlyTheOpenMpBuildOfOpenBlasCountsAsPinned() {
        assertTrue(new LoadedLibraries(List.of(OPENMP + "libblas.so.3", OPENMP + "libopenblasp-r0.3.21.so"))
                .onOpenMpOpenBlas());
        assertFalse(
                LoadedLibraries.fromMaps(MAPS).onOpenMpOpenBlas(), "the pthread build, which the alternatives prefer");
        assertFalse(
                new LoadedLibraries(List.of(OPENMP + "libblas.so.3", PTHREAD + "libopenblasp-r0.3.21.so"))
                        .onOpenMpOpenBlas(),
                "one library from each build is not pinned");
        assertFalse(
                new LoadedLibraries(List.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3")).onOpenMpOpenBlas(),
                "reference BLAS");
        assertFalse(
                new LoadedLibraries(List.of("/usr/lib/python3/dist-packages/torch/lib/libtorch_cpu.so"))
                        .onOpenMpOpenBlas(),
                "a torch with its BLAS built in loads none to check");
    }

    @Test
    void anUnpinnedReferenceIsRefusedSayingWhatItLoadedAndWhatToInstall() {
        String warning = PyTorchReference.unpinnedWarning(
                        LoadedLibraries.fromMaps(MAPS), Path.of("/nowhere/openblas-openmp"), false)
                .orElseThrow();
        assertTrue(warning.contains(PTHREAD + "libblas.so.3"), warning);
        assertTrue(
                warning.contains("/nowhere/openblas-openmp, first on its LD_LIBRARY_PATH, holds no libblas.so.3"),
                warning);
        assertTrue(warning.contains("no ratio"), warning);
        assertTrue(warning.contains("apt-get install --no-install-recommends libopenblas0-openmp"), warning);
        assertFalse(warning.contains(PyTorchReference.OPENBLAS_FOLDER_VARIABLE), "not set, so not blamed: " + warning);
        String overridden = PyTorchReference.unpinnedWarning(LoadedLibraries.fromMaps(MAPS), Path.of("/nowhere"), true)
                .orElseThrow();
        assertTrue(
                overridden.contains("unset $" + PyTorchReference.OPENBLAS_FOLDER_VARIABLE + ", which chose /nowhere"),
                overridden);
        assertTrue(PyTorchReference.unpinnedWarning(
                        new LoadedLibraries(List.of(OPENMP + "libblas.so.3")), Path.of(OPENMP), false)
                .isEmpty());
    }

    @Test
    void theChildFindsTheOpenMpBuildFirstAndKeepsTheRestOfItsEnvironment() {
        Path folder = PyTorchReference.openBlasFolder(Map.of(), "amd64");
        assertEquals(
                Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp"),
                folder,
                "Debian's folder, named by its multiarch triplet");
        assertEquals(
                Path.of("/usr/lib/aarch64-linux-gnu/openblas-openmp"),
                PyTorchReference.openBlasFolder(Map.of(), "aarch64"));
        assertEquals(
                Path.of("/elsewhere"),
                PyTorchReference.openBlasFolder(
                        Map.of(PyTorchReference.OPENBLAS_FOLDER_VARIABLE, "/elsewhere"), "amd64"));

        Map<String, String> alone = PyTorchReference.childEnvironment(Map.of("HOME", "/root"), folder);
        assertEquals(folder.toString(), alone.get("LD_LIBRARY_PATH"));
        assertEquals("/root", alone.get("HOME"));
        assertEquals(
                folder + ":/opt/lib",
                PyTorchReference.childEnvironment(Map.of("LD_LIBRARY_PATH", "/opt/lib"), folder)
                        .get("LD_LIBRARY_PATH"),
                "ahead of what the user had, which stays");
    }

    @Test
    void djlsStaticallyLinkedMklIsNamedWithTheLibraryHoldingIt() {
        LoadedLibraries djl = new LoadedLibraries(List.of(
                "/root/.djl.ai/pytorch/2.7.1-cpu/libtorch_cpu.so",
                "/root/.djl.ai/pytorch/2.7.1-cpu/libgomp-98b21ff3.so.1"));
        assertEquals(
                "MKL, linked into /root/.djl.ai/pytorch/2.7.1-cpu/libtorch_cpu.so",
                GptBenchmark.engineBlas(djl, Set.of("OPENMP", "MKL", "MKLDNN")));
        assertEquals("none mapped (engine features [OPENMP])", GptBenchmark.engineBlas(djl, Set.of("OPENMP")));
        assertEquals(
                "MKL, linked into libtorch; also mapped: " + OPENMP + "libblas.so.3",
                GptBenchmark.engineBlas(new LoadedLibraries(List.of(OPENMP + "libblas.so.3")), Set.of("MKL")),
                "a BLAS mapped besides is shown");
        assertEquals(
                OPENMP + "libblas.so.3",
                GptBenchmark.engineBlas(new LoadedLibraries(List.of(OPENMP + "libblas.so.3")), Set.of()));
    }
}
