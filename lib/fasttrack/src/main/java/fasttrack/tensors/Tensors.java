package fasttrack.tensors;

import ai.djl.ndarray.NDArray;

/** Small facts about an NDArray that PyTorch users look up constantly. */
public final class Tensors {

    private Tensors() {}

    /** Bytes of native memory its elements take: size × bytes per element of its data type. */
    public static long bytes(NDArray array) {
        return array.size() * array.getDataType().getNumOfBytes();
    }

    /** One line: shape, data type, device and memory. */
    public static String describe(NDArray array) {
        return "shape " + array.getShape() + ", " + array.getDataType() + ", on " + array.getDevice()
                + ", " + array.size() + " elements x " + array.getDataType().getNumOfBytes() + " bytes = " + bytes(array) + " bytes";
    }
}
