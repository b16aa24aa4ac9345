package fasttrack.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScalingFitsTest {

    @Test
    void aParabolaThroughExactPointsIsRecoveredWithItsMinimum() {
        double[] x = {1, 2, 3, 4, 5};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = 0.5 * (x[i] - 3.3) * (x[i] - 3.3) + 2;
        ScalingFits.Parabola p = ScalingFits.parabola(x, y);
        assertEquals(3.3, p.argmin(), 1e-9);
        assertEquals(2, p.at(3.3), 1e-9);
        assertThrows(
                IllegalStateException.class,
                () -> ScalingFits.parabola(x, new double[] {0, 1, 1.5, 1, 0}).argmin());
        assertThrows(
                IllegalArgumentException.class, () -> ScalingFits.parabola(new double[] {1, 2}, new double[] {1, 2}));
    }

    @Test
    void aPowerLawIsALineInLogLog() {
        double[] c = {1e10, 3e10, 1e11, 3e11};
        double[] n = new double[c.length];
        for (int i = 0; i < c.length; i++) n[i] = 0.09 * Math.pow(c[i], 0.46);
        ScalingFits.PowerLaw law = ScalingFits.powerLaw(c, n);
        assertEquals(0.46, law.exponent(), 1e-9);
        assertEquals(0.09, law.k(), 1e-9);
        assertThrows(
                IllegalArgumentException.class, () -> ScalingFits.powerLaw(new double[] {1, -2}, new double[] {1, 2}));
    }

    @Test
    void theLossSurfaceRecoversChinchillaLikeParameters() {
        // E = 1.69, A = 406.4, α = 0.34, B = 410.7, β = 0.28 (Hoffmann et al. 2022), at sizes and token counts of an
        // IsoFLOP grid
        double e = 1.69, a = 406.4, alpha = 0.34, b = 410.7, beta = 0.28;
        double[] budgets = {1e18, 1e19, 1e20};
        double[] sizes = {1e7, 3e7, 1e8, 3e8, 1e9};
        int k = 0;
        double[] n = new double[15], d = new double[15], loss = new double[15];
        for (double c : budgets) {
            for (double size : sizes) {
                n[k] = size;
                d[k] = c / (6 * size);
                loss[k] = e + a / Math.pow(n[k], alpha) + b / Math.pow(d[k], beta);
                k++;
            }
        }
        ScalingFits.LossSurface fit = ScalingFits.lossSurface(n, d, loss);
        assertEquals(alpha, fit.alpha(), 0.002);
        assertEquals(beta, fit.beta(), 0.002);
        assertEquals(e, fit.e(), 0.01);
        assertEquals(beta / (alpha + beta), fit.parameterExponent(), 0.005);
        assertEquals(1, fit.parameterExponent() + fit.dataExponent(), 1e-12);
        assertThrows(
                IllegalArgumentException.class,
                () -> ScalingFits.lossSurface(new double[3], new double[3], new double[3]));
    }
}
