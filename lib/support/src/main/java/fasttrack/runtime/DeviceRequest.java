package fasttrack.runtime;

import ai.djl.Device;
import java.util.Locale;

/**
 * A request for where tensors live: {@code auto} (the default: the first GPU if DJL sees one, else
 * the CPU), {@code cpu}, {@code gpu} (= {@code gpu:0}) or {@code gpu:N}.
 */
public record DeviceRequest(String spec) {

    public static final String VALID = "auto, cpu, gpu, gpu:N";

    public DeviceRequest {
        spec = spec == null || spec.isBlank() ? "auto" : spec.strip().toLowerCase(Locale.ROOT);
        if (!spec.matches("auto|cpu|gpu(:\\d+)?")) {
            throw new IllegalArgumentException("unknown device '" + spec + "'; use one of: " + VALID);
        }
    }

    /** The device this request means on a machine where DJL sees {@code gpuCount} GPUs. */
    public Device resolve(int gpuCount) {
        if (spec.equals("cpu")) return Device.cpu();
        if (spec.equals("auto")) return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        int index = spec.equals("gpu") ? 0 : Integer.parseInt(spec.substring(4));
        if (gpuCount == 0) {
            throw new IllegalStateException(
                    "device '" + spec + "' was requested, but DJL's PyTorch engine sees no GPU. "
                            + "This install ships PyTorch's CPU natives; on a CUDA machine add the CUDA natives. "
                            + "To run on the CPU, set FASTTRACK_DEVICE=auto (or cpu) or call Setup.useDevice(\"cpu\").");
        }
        if (index >= gpuCount) {
            throw new IllegalStateException("device '" + spec + "' was requested, but DJL sees only " + gpuCount
                    + " GPU(s), numbered 0 to " + (gpuCount - 1) + ".");
        }
        return Device.gpu(index);
    }
}
