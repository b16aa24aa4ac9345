package fasttrack.nn;

import ai.djl.ndarray.types.Shape;

/** Shared input checks of the positional encodings. */
final class Positions {

    private Positions() {}

    /** Checks x is (B, T, C) with T ≤ maxLength; returns T. */
    static long requireInput(Shape shape, int maxLength, int embedDim) {
        if (shape.dimension() != 3 || shape.get(2) != embedDim) {
            throw new IllegalArgumentException("positional encoding expects (batch, time, " + embedDim + "), got " + shape);
        }
        if (shape.get(1) > maxLength) {
            throw new IllegalArgumentException("sequence of " + shape.get(1) + " positions is longer than the " + maxLength
                    + " this encoding was built for: crop the input or build a longer one");
        }
        return shape.get(1);
    }
}
