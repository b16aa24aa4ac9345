package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelDisplayTest {

    /** Stands in for the kernel's API class: the same two static methods. */
    public static final class FakeKernelApi {
        static volatile boolean attached;
        static final List<String> shown = new ArrayList<>();

        public static boolean isAttached() {
            return attached;
        }

        public static void display(Object value, String displayId) {
            if (displayId.equals("broken")) throw new IllegalStateException("the kernel refused it");
            shown.add(displayId + ": " + value);
        }
    }

    /** An API class from another build: no display(Object, String). */
    public static final class OldKernelApi {
        public static boolean isAttached() {
            return true;
        }
    }

    private static final ClassLoader LOADER = KernelDisplayTest.class.getClassLoader();

    @AfterEach
    void detach() {
        FakeKernelApi.attached = false;
        FakeKernelApi.shown.clear();
    }

    @Test
    void underJUnitThereIsNoKernel() {
        assertTrue(KernelDisplay.inPlace().isEmpty(), KernelDisplay.API + " is not on the library's class path");
    }

    @Test
    void anAttachedKernelIsFoundByNameAndShowsWhatIsPassed() {
        FakeKernelApi.attached = true;
        var display =
                KernelDisplay.inPlace(FakeKernelApi.class.getName(), LOADER).orElseThrow();
        display.accept("step 1", "bar");
        display.accept("step 2", "bar");
        assertEquals(List.of("bar: step 1", "bar: step 2"), FakeKernelApi.shown);
    }

    @Test
    void theApiClassWithoutARunningKernelIsNoKernel() {
        assertTrue(KernelDisplay.inPlace(FakeKernelApi.class.getName(), LOADER).isEmpty());
    }

    @Test
    void theKernelsOwnFailureReachesTheCaller() {
        FakeKernelApi.attached = true;
        var display =
                KernelDisplay.inPlace(FakeKernelApi.class.getName(), LOADER).orElseThrow();
        var e = assertThrows(IllegalStateException.class, () -> display.accept("x", "broken"));
        assertEquals("the kernel refused it", e.getMessage());
    }

    @Test
    void anApiFromAnotherBuildSaysToRebuild() {
        var e = assertThrows(
                IllegalStateException.class, () -> KernelDisplay.inPlace(OldKernelApi.class.getName(), LOADER));
        assertTrue(e.getMessage().contains("Run lib/bin/notebook"), e.getMessage());
    }
}
