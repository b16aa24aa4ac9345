package fasttrack.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class SetupTest {

    @Test
    void runsOfflineOnTheCpuOfAMachineWithoutGpu() {
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals(0, Setup.gpuCount());
        assertEquals(Device.cpu(), Setup.device());
    }

    @Test
    void theSameSeedGivesTheSameRandomTensors() {
        Setup.seed(42);
        float[] first = Setup.manager().randomNormal(new Shape(3, 3)).toFloatArray();
        double javaFirst = Setup.random().nextDouble();
        Setup.seed(42);
        float[] second = Setup.manager().randomNormal(new Shape(3, 3)).toFloatArray();
        assertArrayEquals(first, second);
        assertEquals(javaFirst, Setup.random().nextDouble());
    }

    @Test
    void computesOnTheEngine() {
        NDArray a = Setup.manager().create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
        assertArrayEquals(new float[] {7, 10, 15, 22}, a.matMul(a).toFloatArray());
    }

    @Test
    void bannerNamesEngineAndDevice() {
        Setup.seed(7);
        Banner banner = Setup.banner();
        assertTrue(banner.engine().startsWith("PyTorch 2.7.1"), banner.engine());
        assertEquals("cpu()", banner.device());
        String html = banner.mimeBundle().get("text/html");
        assertTrue(html.contains("<table>") && html.contains("PyTorch"), html);
        assertTrue(banner.toString().contains("Seed: 7"), banner.toString());
    }
}
