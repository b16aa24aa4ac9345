package fasttrack.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTest {

    @Test
    void chainRuleByHand() {
        // f = (a*b + c)^2 at a=2, b=-3, c=10: f = 16, df/da = 2*4*b = -24, df/db = 2*4*a = 16, df/dc = 8
        Value a = Value.of(2, "a"), b = Value.of(-3, "b"), c = Value.of(10, "c");
        Value f = a.mul(b).add(c).pow(2);
        f.backward();
        assertEquals(16, f.data());
        assertEquals(-24, a.grad());
        assertEquals(16, b.grad());
        assertEquals(8, c.grad());
    }

    @Test
    void aValueUsedTwiceCollectsBothPaths() {
        Value x = Value.of(3);
        Value y = x.mul(x).add(x); // y = x² + x, dy/dx = 2x + 1 = 7
        y.backward();
        assertEquals(7, x.grad());
        y.backward();
        assertEquals(7, x.grad(), "backward twice gives the same gradient, not double");
    }

    @Test
    void everyOperationMatchesCentralDifferences() {
        double[] at = {0.7, -1.3, 2.1};
        double[] analytic = new double[3];
        Value[] leaves = {Value.of(at[0]), Value.of(at[1]), Value.of(at[2])};
        Value out = expression(leaves);
        out.backward();
        for (int i = 0; i < 3; i++) analytic[i] = leaves[i].grad();
        double[] numeric = GradientCheck.numerical(
                x -> expression(new Value[] {Value.of(x[0]), Value.of(x[1]), Value.of(x[2])})
                        .data(),
                at,
                1e-6);
        assertTrue(
                GradientCheck.maxRelativeError(analytic, numeric) < 1e-7,
                () -> java.util.Arrays.toString(analytic) + " vs " + java.util.Arrays.toString(numeric));
    }

    /** Uses every operation: + - * / pow exp log tanh relu sigmoid neg. */
    private static Value expression(Value[] v) {
        Value a = v[0], b = v[1], c = v[2];
        return a.mul(b)
                .add(c.pow(3))
                .sub(b.div(c))
                .tanh()
                .add(a.exp().log().mul(c.relu()))
                .add(b.sigmoid().neg())
                .add(b.relu())
                .mul(a.add(2).div(3));
    }

    @Test
    void aDeepChainDoesNotOverflowTheStack() {
        Value x = Value.of(1);
        Value y = x;
        for (int i = 0; i < 200_000; i++) y = y.mul(1.0);
        y.backward();
        assertEquals(1, x.grad());
    }

    @Test
    void gradientDescentFitsALine() {
        // y = 3x - 1 from 5 exact points; squared error gradient descent must find w=3, b=-1.
        Value w = Value.of(0, "w"), b = Value.of(0, "b");
        double[] xs = {-2, -1, 0, 1, 2};
        for (int step = 0; step < 500; step++) {
            List<Value> errors = new ArrayList<>();
            for (double x : xs) errors.add(w.mul(x).add(b).sub(3 * x - 1).pow(2));
            Value loss = Value.sum(errors).div(xs.length);
            loss.backward();
            w.descend(0.1);
            b.descend(0.1);
        }
        assertEquals(3, w.data(), 1e-9);
        assertEquals(-1, b.data(), 1e-9);
    }

    @Test
    void misuseIsExplained() {
        assertThrows(IllegalArgumentException.class, () -> Value.of(Double.NaN));
        assertTrue(assertThrows(ArithmeticException.class, () -> Value.of(-1).log())
                .getMessage()
                .contains("positive"));
        assertTrue(assertThrows(ArithmeticException.class, () -> Value.of(1).div(Value.of(0)))
                .getMessage()
                .contains("0"));
        Value sum = Value.of(1).add(2);
        assertTrue(assertThrows(IllegalStateException.class, () -> sum.descend(0.1))
                .getMessage()
                .contains("leaves"));
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.numerical(x -> 0, new double[1], 0));
    }

    @Test
    void theGraphShowsEveryNode() {
        Value a = Value.of(2, "a");
        Value f = a.mul(a).tanh();
        f.backward();
        String graph = f.graph();
        assertTrue(graph.startsWith("[tanh]"), graph);
        assertTrue(graph.contains("  [*]"), graph);
        assertTrue(graph.contains("a data=2"), graph);
        assertEquals(3, f.topologicalOrder().size());
        assertArrayEquals(
                new double[] {2}, new double[] {f.topologicalOrder().get(0).data()});
    }
}
