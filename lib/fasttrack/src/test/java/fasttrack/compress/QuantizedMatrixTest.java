package fasttrack.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedMatrixTest {

    /** Gaussian weights of varied size per row, with an outlier in row 1 so rows get very different scales. */
    private static float[] weights(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double sigma = 0.01 * (r + 1);
            for (int c = 0; c < cols; c++) w[r * cols + c] = (float) (random.nextGaussian() * sigma);
        }
        w[cols + 3] = 2.5f;
        return w;
    }

    /** Slack for the float arithmetic of scale = max/qmax and scale·q. */
    private static float slack(float scale) {
        return 4 * Math.ulp(Math.max(scale, 1e-30f) * 127);
    }

    @Test
    void int8HasOneScalePerRowAndRoundsToTheNearestStep() {
        int rows = 6, cols = 40;
        float[] w = weights(rows, cols, 1);
        QuantizedMatrix m = QuantizedMatrix.quantize(w, rows, cols, 8, 0);
        assertEquals(8, m.bits());
        assertEquals(cols, m.groupSize(), "int8: one group per row, whatever group size was asked for");
        assertEquals(rows, m.scales().length);
        assertEquals(rows * cols, m.codes().length);
        float[] back = m.dequantize();
        for (int r = 0; r < rows; r++) {
            float absmax = 0;
            int largest = -1;
            for (int c = 0; c < cols; c++) {
                if (Math.abs(w[r * cols + c]) > absmax) {
                    absmax = Math.abs(w[r * cols + c]);
                    largest = r * cols + c;
                }
            }
            float scale = m.scales()[r];
            assertEquals(absmax / 127, scale, 1e-9f, "row " + r);
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                assertTrue(
                        Math.abs(back[i] - w[i]) <= scale / 2 + slack(scale),
                        "row " + r + " col " + c + ": " + w[i] + " → " + back[i]);
                assertTrue(m.code(i) >= -127 && m.code(i) <= 127, "code " + m.code(i));
                assertEquals(m.codes()[i], m.code(i));
            }
            assertEquals(Math.signum(w[largest]) * 127, m.code(largest), "the row's largest |w| maps to ±127");
            assertEquals(
                    w[largest],
                    back[largest],
                    Math.ulp(absmax),
                    "the row's largest |w| comes back exactly (to an ulp)");
        }
        assertEquals(rows * cols + 4L * rows, m.bytes());
    }

    @Test
    void int4GroupsKeepCodesWithinSevenAndErrorsWithinHalfAStep() {
        int rows = 4, cols = 32, group = 8;
        float[] w = weights(rows, cols, 2);
        QuantizedMatrix m = QuantizedMatrix.quantize(w, rows, cols, 4, group);
        assertEquals(rows * cols / group, m.scales().length);
        assertEquals(rows * cols / 2, m.codes().length, "two codes per byte");
        assertEquals(rows * cols / 2 + 4L * rows * cols / group, m.bytes());
        float[] back = m.dequantize();
        boolean sawNegative = false, sawPositive = false, sawExtremes = false;
        for (int i = 0; i < w.length; i++) {
            float scale = m.scales()[i / group];
            int q = m.code(i);
            assertTrue(q >= -7 && q <= 7, "code " + q);
            assertTrue(Math.abs(back[i] - w[i]) <= scale / 2 + slack(scale), i + ": " + w[i] + " → " + back[i]);
            assertEquals(Math.round(w[i] / scale), q, "weight " + i + " packs and unpacks to its rounded code");
            sawNegative |= q < 0;
            sawPositive |= q > 0;
            sawExtremes |= q == -7 || q == 7;
        }
        assertTrue(sawNegative && sawPositive && sawExtremes);
        // The outlier (row 1, column 3) coarsens only its own group.
        assertEquals(2.5f / 7, m.scales()[cols / group], 1e-6f);
        assertTrue(
                m.scales()[cols / group + 1] < 0.1f,
                "the next group of row 1 keeps a fine scale: " + m.scales()[cols / group + 1]);
    }

    @Test
    void int4PackingRoundTripsEveryCode() {
        // One group of 16 whose weights are exactly scale·q for q = −7..7 (and 7 again): every code, both nibbles.
        float[] w = new float[16];
        for (int i = 0; i < 15; i++) w[i] = (i - 7) * 0.5f;
        w[15] = 3.5f;
        QuantizedMatrix m = QuantizedMatrix.quantize(w, 1, 16, 4, 16);
        assertEquals(0.5f, m.scales()[0]);
        for (int i = 0; i < 15; i++) assertEquals(i - 7, m.code(i), "weight " + i);
        assertEquals(7, m.code(15));
        assertArrayEquals(w, m.dequantize(), 0f);
        // Byte 0 holds codes −7 (low nibble 1001) and −6 (high nibble 1010).
        assertEquals((byte) 0xA9, m.codes()[0]);
    }

    @Test
    void anAllZeroGroupDequantisesToZeros() {
        float[] w = new float[16];
        for (int i = 8; i < 16; i++) w[i] = 0.1f * (i - 11);
        QuantizedMatrix int4 = QuantizedMatrix.quantize(w, 2, 8, 4, 4);
        float[] back = int4.dequantize();
        assertEquals(0f, int4.scales()[0]);
        assertEquals(0f, int4.scales()[1]);
        for (int i = 0; i < 8; i++) {
            assertEquals(0, int4.code(i));
            assertEquals(0f, back[i]);
            assertTrue(Float.isFinite(back[i]));
        }
        QuantizedMatrix int8 = QuantizedMatrix.quantize(w, 2, 8, 8, 0);
        for (int i = 0; i < 8; i++) assertEquals(0f, int8.dequantize()[i], "an all-zero row, int8");
    }

    @Test
    void qmaxIsSymmetric() {
        assertEquals(127, QuantizedMatrix.qmax(8));
        assertEquals(7, QuantizedMatrix.qmax(4));
    }

    @Test
    void badInputIsRefused() {
        float[] w = weights(2, 8, 3);
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(w, 2, 8, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(w, 2, 8, 16, 4));
        assertThrows(
                IllegalArgumentException.class, () -> QuantizedMatrix.quantize(w, 2, 8, 4, 3), "3 does not divide 8");
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(w, 2, 8, 4, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> QuantizedMatrix.quantize(weights(2, 9, 3), 2, 9, 4, 9),
                "odd int4 group");
        assertThrows(
                IllegalArgumentException.class,
                () -> QuantizedMatrix.quantize(w, 3, 8, 8, 0),
                "16 weights are not 3 × 8");
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(w, 2, 7, 4, 7));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(new float[0], 0, 0, 8, 0));
    }
}
