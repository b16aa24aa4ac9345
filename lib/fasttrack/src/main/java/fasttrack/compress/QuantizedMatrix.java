package fasttrack.compress;

/**
 * A weight matrix (rows = output channels) stored as small integers with a float scale per group of
 * consecutive weights in a row: w ≈ scale · q. Symmetric absmax quantisation: a group's scale is
 * max|w| / qmax, so its largest weight maps to ±qmax exactly and everything else rounds to the
 * nearest step. int8 uses qmax = 127 and one group per row (per-output-channel scales); int4 uses
 * qmax = 7 and groups of {@code groupSize} (one outlier then coarsens only its own group), two
 * codes per byte.
 */
public record QuantizedMatrix(int bits, int rows, int cols, int groupSize, byte[] codes, float[] scales) {

    /** Quantises {@code weights} (rows × cols, row-major). int8: one scale per row; int4: one per {@code groupSize} weights. */
    public static QuantizedMatrix quantize(float[] weights, int rows, int cols, int bits, int groupSize) {
        if (bits != 8 && bits != 4) throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
        if (rows < 1 || cols < 1 || weights.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    weights.length + " weights do not make a " + rows + " × " + cols + " matrix");
        }
        if (bits == 8) groupSize = cols;
        if (groupSize < 1 || cols % groupSize != 0) {
            throw new IllegalArgumentException(
                    "the group size must divide the row length " + cols + ", got " + groupSize);
        }
        if (bits == 4 && groupSize % 2 != 0)
            throw new IllegalArgumentException(
                    "int4 groups pack two codes per byte: use an even group size, got " + groupSize);
        int qmax = qmax(bits), groups = weights.length / groupSize;
        float[] scales = new float[groups];
        byte[] codes = new byte[bits == 8 ? weights.length : weights.length / 2];
        for (int g = 0; g < groups; g++) {
            float absmax = 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) absmax = Math.max(absmax, Math.abs(weights[i]));
            scales[g] = absmax / qmax;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                int q = absmax == 0 ? 0 : Math.max(-qmax, Math.min(qmax, Math.round(weights[i] / scales[g])));
                if (bits == 8) codes[i] = (byte) q;
                else codes[i / 2] |= (byte) ((q & 0xF) << (4 * (i % 2))); // two's-complement nibbles, low nibble first
            }
        }
        return new QuantizedMatrix(bits, rows, cols, groupSize, codes, scales);
    }

    /** The largest code: 127 for int8, 7 for int4 (symmetric, so −8 is never used). */
    public static int qmax(int bits) {
        return (1 << (bits - 1)) - 1;
    }

    /** The integer stored for weight {@code i} (row-major). */
    public int code(int i) {
        if (bits == 8) return codes[i];
        int nibble = (codes[i / 2] >> (4 * (i % 2))) & 0xF;
        return nibble >= 8 ? nibble - 16 : nibble;
    }

    /** scale · q for every weight: what the model computes with. */
    public float[] dequantize() {
        float[] out = new float[rows * cols];
        for (int i = 0; i < out.length; i++) out[i] = scales[i / groupSize] * code(i);
        return out;
    }

    /** Bytes stored: the codes plus a float32 scale per group. */
    public long bytes() {
        return codes.length + 4L * scales.length;
    }
}
