package fasttrack.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import fasttrack.runtime.Setup;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BroadcastingTest {

    @Test
    void theTwoRulesOnWorkedExamples() {
        assertEquals(new Shape(3, 4), Broadcasting.result(new Shape(3, 4), new Shape(4)));
        assertEquals(new Shape(3, 4), Broadcasting.result(new Shape(3, 1), new Shape(1, 4)));
        assertEquals(new Shape(2, 3, 4), Broadcasting.result(new Shape(2, 1, 4), new Shape(3, 1)));
        assertEquals(new Shape(5), Broadcasting.result(new Shape(), new Shape(5)), "a scalar broadcasts to anything");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Broadcasting.result(new Shape(3, 4), new Shape(3)));
        assertTrue(e.getMessage().contains("dimension 1 (the 1st from the right) has sizes 4 and 3"), e.getMessage());
    }

    /** The rules as written must predict exactly what the engine does, on random shapes. */
    @Test
    void agreesWithTheEngineOnRandomShapes() {
        Random random = new Random(7);
        NDManager manager = Setup.manager();
        int compatible = 0;
        for (int trial = 0; trial < 300; trial++) {
            Shape a = randomShape(random), b = randomShape(random);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.zeros(a, DataType.FLOAT32), y = scope.zeros(b, DataType.FLOAT32);
                Shape engine;
                try {
                    engine = x.add(y).getShape();
                } catch (RuntimeException refused) {
                    engine = null;
                }
                if (engine == null) {
                    assertFalse(Broadcasting.compatible(a, b), a + " + " + b + " failed in the engine");
                } else {
                    compatible++;
                    assertEquals(engine, Broadcasting.result(a, b), a + " + " + b);
                }
            }
        }
        assertTrue(compatible > 50 && compatible < 250, "the random shapes exercise both outcomes: " + compatible);
    }

    @Test
    void thePictureMarksStretchedAndClashingDimensions() {
        String ok = Broadcasting.picture(new Shape(3, 1), new Shape(4)).html();
        assertTrue(ok.contains("1&rarr;4") && ok.contains("(1)&rarr;3"), ok);
        assertTrue(ok.contains("(3, 4)"), ok);
        String clash = Broadcasting.picture(new Shape(2, 3), new Shape(4)).html();
        assertTrue(clash.contains("#f8c0c0") && clash.contains("do not broadcast"), clash);
    }

    @Test
    void bytesAreElementsTimesTypeSize() {
        try (NDManager scope = Setup.manager().newSubManager()) {
            assertEquals(4 * 12, Tensors.bytes(scope.zeros(new Shape(3, 4), DataType.FLOAT32)));
            assertEquals(8 * 12, Tensors.bytes(scope.zeros(new Shape(3, 4), DataType.FLOAT64)));
            assertEquals(2 * 12, Tensors.bytes(scope.zeros(new Shape(3, 4), DataType.FLOAT16)));
            assertTrue(Tensors.describe(scope.zeros(new Shape(2), DataType.INT64))
                    .contains("2 elements x 8 bytes = 16 bytes"));
        }
    }

    private static Shape randomShape(Random random) {
        long[] dims = new long[random.nextInt(4)];
        for (int i = 0; i < dims.length; i++) dims[i] = random.nextInt(3) == 0 ? 1 : 2 + random.nextInt(2);
        return new Shape(dims);
    }
}
