package fasttrack.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceRequestTest {

    @Test
    void autoPicksTheFirstGpuWhenThereIsOne() {
        assertEquals(Device.gpu(0), new DeviceRequest("auto").resolve(2));
        assertEquals(Device.cpu(), new DeviceRequest("auto").resolve(0));
        assertEquals(Device.cpu(), new DeviceRequest(null).resolve(0), "unset means auto");
        assertEquals(Device.cpu(), new DeviceRequest("  ").resolve(0), "blank means auto");
    }

    @Test
    void explicitRequestsAreHonoured() {
        assertEquals(Device.cpu(), new DeviceRequest("CPU").resolve(4));
        assertEquals(Device.gpu(0), new DeviceRequest(" gpu ").resolve(1));
        assertEquals(Device.gpu(1), new DeviceRequest("gpu:1").resolve(2));
    }

    @Test
    void gpuWithoutOneSaysHowToGoBackToCpu() {
        var e = assertThrows(IllegalStateException.class, () -> new DeviceRequest("gpu").resolve(0));
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("FASTTRACK_DEVICE=auto"), e.getMessage());
    }

    @Test
    void gpuIndexOutOfRangeNamesTheCount() {
        var e = assertThrows(IllegalStateException.class, () -> new DeviceRequest("gpu:3").resolve(2));
        assertTrue(e.getMessage().contains("only 2 GPU"), e.getMessage());
    }

    @Test
    void unknownSpecsListTheValidOnes() {
        for (String bad : new String[] {"tpu", "gpu:", "gpu:-1", "cuda"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new DeviceRequest(bad));
            assertTrue(e.getMessage().contains(DeviceRequest.VALID), e.getMessage());
        }
    }
}
