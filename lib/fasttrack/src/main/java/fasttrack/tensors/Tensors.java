package fasttrack.tensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Small facts about an NDArray that PyTorch users look up constantly. */
public final class Tensors {

    private Tensors() {}

    /** Bytes of native memory its elements take: size × bytes per element of its data type. */
    public static long bytes(NDArray array) {
        return array.size() * array.getDataType().getNumOfBytes();
    }

    /** One line: shape, data type, device and memory. */
    public static String describe(NDArray array) {
        return "shape " + array.getShape() + ", " + array.getDataType() + ", on " + array.getDevice() + ", "
                + array.size() + " elements x " + array.getDataType().getNumOfBytes() + " bytes = " + bytes(array)
                + " bytes";
    }

    /** The values as a Java float[], whatever the array's data type (copied off its device). */
    public static float[] floats(NDArray array) {
        return array.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * Fills {@code weight} with {@code values} in place, on its own device. Works for a weight that
     * requires gradients: autograd forbids writing it directly, so this writes through the detached
     * view (same memory) with in-place arithmetic; {@code set()} would give the view new memory
     * instead of filling the weight's.
     */
    public static void overwrite(NDArray weight, float[] values) {
        if (values.length != weight.size()) {
            throw new IllegalArgumentException(
                    values.length + " values do not fill a weight of shape " + weight.getShape());
        }
        try (NDManager scratch = weight.getManager().newSubManager();
                NDArray view = weight.stopGradient()) {
            NDArray source = scratch.create(values, weight.getShape()).toDevice(weight.getDevice(), false);
            view.muli(0).addi(source);
        }
    }
}
