package fasttrack.nn;

import ai.djl.ndarray.types.Shape;

/** Shared input checks of the positional encodings. */
final class Positions {

    private Positions() {}

    /** Checks x is (B, T, C) with T ≤ maxLength; returns T. */
    static long requireInput(Shape shape, int maxLength, int embedDim) {
        return requireInput(shape, maxLength, embedDim, 0);
    }

    /** Checks x is (B, T, C) and that positions offset .. offset + T − 1 exist; returns T. */
    static long requireInput(Shape shape, int maxLength, int embedDim, int offset) {
        if (shape.dimension() != 3 || shape.get(2) != embedDim) {
            throw new IllegalArgumentException(
                    "positional encoding expects (batch, time, " + embedDim + "), got " + shape);
        }
        if (offset + shape.get(1) > maxLength) {
            throw new IllegalArgumentException("sequence of " + shape.get(1) + " positions"
                    + (offset > 0 ? " after " + offset + " cached ones" : "") + " is longer than the " + maxLength
                    + " this encoding was built for: crop the input or build a longer one");
        }
        return shape.get(1);
    }
}
