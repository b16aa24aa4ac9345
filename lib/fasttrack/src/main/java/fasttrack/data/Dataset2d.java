package fasttrack.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fasttrack.plot.Figure;
import fasttrack.plot.Plots;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Labelled points in the plane (class 0 or 1): small enough to train on in seconds, and to see
 * the decision boundary a classifier learns.
 */
public record Dataset2d(String name, double[][] points, int[] labels) {

    public Dataset2d {
        if (points == null || labels == null || points.length != labels.length || points.length == 0) {
            throw new IllegalArgumentException("a dataset needs one label per point and at least one point");
        }
        for (double[] p : points) {
            if (p.length != 2)
                throw new IllegalArgumentException("points must be 2-D, got one with " + p.length + " coordinates");
        }
        for (int label : labels) {
            if (label != 0 && label != 1) throw new IllegalArgumentException("labels must be 0 or 1, got " + label);
        }
    }

    /**
     * Two interleaving half circles ("moons"): not separable by a line, easy for a small MLP.
     * Half the points per class, Gaussian noise of standard deviation {@code noise}, shuffled.
     */
    public static Dataset2d moons(int n, double noise, long seed) {
        return sample("moons", n, noise, seed, (label, random) -> {
            double t = Math.PI * random.nextDouble();
            return label == 0
                    ? new double[] {Math.cos(t), Math.sin(t)}
                    : new double[] {1 - Math.cos(t), 0.5 - Math.sin(t)};
        });
    }

    /** A disc (class 1) inside a ring (class 0): needs a curved boundary all the way round. */
    public static Dataset2d circles(int n, double noise, long seed) {
        return sample("circles", n, noise, seed, (label, random) -> {
            double angle = 2 * Math.PI * random.nextDouble();
            double radius = label == 1 ? 0.5 : 1.0;
            return new double[] {radius * Math.cos(angle), radius * Math.sin(angle)};
        });
    }

    /** Where a point of a class lies before noise. */
    private interface Shape2d {
        double[] point(int label, Random random);
    }

    /** n points alternating between the classes, each placed by {@code shape} plus Gaussian noise, then shuffled. */
    private static Dataset2d sample(String name, int n, double noise, long seed, Shape2d shape) {
        if (n < 2) throw new IllegalArgumentException("n must be at least 2 (one point per class), got " + n);
        if (!(noise >= 0) || Double.isInfinite(noise))
            throw new IllegalArgumentException("noise must be a finite number >= 0, got " + noise);
        Random random = new Random(seed);
        double[][] points = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            double[] p = shape.point(labels[i], random);
            points[i] = new double[] {p[0] + noise * random.nextGaussian(), p[1] + noise * random.nextGaussian()};
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double[] p = points[i];
            points[i] = points[j];
            points[j] = p;
            int l = labels[i];
            labels[i] = labels[j];
            labels[j] = l;
        }
        return new Dataset2d(name, points, labels);
    }

    public int size() {
        return points.length;
    }

    /** The points as an (n, 2) float32 array. */
    public NDArray x(NDManager manager) {
        float[][] x = new float[points.length][2];
        for (int i = 0; i < points.length; i++) x[i] = new float[] {(float) points[i][0], (float) points[i][1]};
        return manager.create(x);
    }

    /** The labels as an (n, 1) float32 array of 0s and 1s, the shape a one-logit classifier outputs. */
    public NDArray y(NDManager manager) {
        float[] y = new float[labels.length];
        for (int i = 0; i < labels.length; i++) y[i] = labels[i];
        return manager.create(y).reshape(labels.length, 1);
    }

    /** The points coloured by class. */
    public Figure plot() {
        return Plots.scatterGroups(name + ": " + size() + " points", "x1", "x2", byClass());
    }

    /** For each class, {xs, ys}. */
    public Map<String, double[][]> byClass() {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (int c = 0; c <= 1; c++) {
            final int cls = c;
            double[] xs = IntStream.range(0, size())
                    .filter(i -> labels[i] == cls)
                    .mapToDouble(i -> points[i][0])
                    .toArray();
            double[] ys = IntStream.range(0, size())
                    .filter(i -> labels[i] == cls)
                    .mapToDouble(i -> points[i][1])
                    .toArray();
            out.put("class " + c, new double[][] {xs, ys});
        }
        return out;
    }
}
