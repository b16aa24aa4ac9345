package fasttrack.autograd;

import java.util.function.ToDoubleFunction;

/** Gradients by central differences, the slow, obviously-correct reference for autograd. */
public final class GradientCheck {

    private GradientCheck() {}

    /** ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every i; error O(h²). */
    public static double[] numerical(ToDoubleFunction<double[]> f, double[] x, double h) {
        if (!(h > 0)) throw new IllegalArgumentException("the step h must be positive, got " + h);
        double[] grad = new double[x.length];
        double[] probe = x.clone();
        for (int i = 0; i < x.length; i++) {
            probe[i] = x[i] + h;
            double up = f.applyAsDouble(probe);
            probe[i] = x[i] - h;
            double down = f.applyAsDouble(probe);
            probe[i] = x[i];
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    /** max |a − b| / max(1, |a|, |b|): a relative error that stays meaningful near zero. */
    public static double maxRelativeError(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.max(Math.abs(a[i]), Math.abs(b[i]))));
        }
        return worst;
    }
}
