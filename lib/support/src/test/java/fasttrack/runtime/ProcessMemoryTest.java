package fasttrack.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    @Test
    void thePeakIsAtLeastTheCurrentSizeAndRisesWithWhatIsTouched() {
        long before = ProcessMemory.peakResidentBytes();
        assertTrue(ProcessMemory.residentBytes() > 0);
        assertTrue(before >= ProcessMemory.residentBytes() - (1 << 20), "VmHWM is a high-water mark of VmRSS");
        byte[] touched = new byte[before > (256L << 20) ? 0 : 64 << 20];
        for (int i = 0; i < touched.length; i += 4096) touched[i] = 1; // resident only once written
        assertTrue(ProcessMemory.peakResidentBytes() >= before, "the high-water mark never falls");
        assertTrue(
                ProcessMemory.peakResidentBytes() >= ProcessMemory.residentBytes(), "the peak covers the current size");
    }
}
