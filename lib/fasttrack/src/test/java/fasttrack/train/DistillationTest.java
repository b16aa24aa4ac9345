package fasttrack.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DistillationTest {

    private static final GptConfig STUDENT = new GptConfig(11, 16, 1, 2, 16, 0f, false);
    private static final GptConfig TEACHER = new GptConfig(11, 16, 2, 2, 16, 0f, false);

    private NDManager nd;
    private int[] tokens;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        tokens = new Random(4).ints(1200, 0, 11).toArray();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private static double[] softmax(double[] logits, double temperature) {
        double max = Arrays.stream(logits).max().orElseThrow(), sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - max) / temperature);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    private NDArray softened(double[][] logits, float temperature) {
        float[][] p = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double[] row = softmax(logits[i], temperature);
            p[i] = new float[row.length];
            for (int j = 0; j < row.length; j++) p[i][j] = (float) row[j];
        }
        return nd.create(p);
    }

    private NDArray floats(double[][] values) {
        float[][] f = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            f[i] = new float[values[i].length];
            for (int j = 0; j < f[i].length; j++) f[i][j] = (float) values[i][j];
        }
        return nd.create(f);
    }

    @Test
    void theLossIsTSquaredTimesTheMeanKlDivergence() {
        double[][] teacher = {{2, 0.5, -1, 0}, {0.1, 0.2, 3, -2}}, student = {{0, 1, 0.5, -0.5}, {1, -1, 2, 0}};
        for (float t : new float[] {1f, 2f}) {
            double kl = 0;
            for (int i = 0; i < 2; i++) {
                double[] p = softmax(teacher[i], t), q = softmax(student[i], t);
                for (int v = 0; v < 4; v++) kl += p[v] * (Math.log(p[v]) - Math.log(q[v]));
            }
            double expected = t * t * kl / 2; // averaged over the 2 positions
            float actual = GptTrainer.distillationLoss(softened(teacher, t), floats(student), t)
                    .getFloat();
            assertEquals(expected, actual, 1e-5, "T = " + t);
            // The same numbers as a (batch 1, time 2, vocabulary 4) array: positions average over batch and time.
            float batched = GptTrainer.distillationLoss(
                            softened(teacher, t).reshape(1, 2, 4),
                            floats(student).reshape(1, 2, 4),
                            t)
                    .getFloat();
            assertEquals(expected, batched, 1e-5, "T = " + t);
            assertTrue(expected > 0);
        }
        // A one-hot teacher (p = 0 elsewhere: 0·log 0 counts as 0) is the cross-entropy −log q(target) times T².
        NDArray oneHot = nd.create(new float[][] {{0, 1, 0, 0}});
        double[] q = softmax(student[0], 1);
        assertEquals(
                -Math.log(q[1]),
                GptTrainer.distillationLoss(oneHot, floats(new double[][] {student[0]}), 1f)
                        .getFloat(),
                1e-5);
    }

    @Test
    void theLossIsZeroWhenTheStudentMatchesTheTeacher() {
        double[][] logits = {{2, 0.5, -1, 0}, {0.1, 0.2, 3, -2}, {0, 0, 0, 0}};
        for (float t : new float[] {0.5f, 1f, 2f, 4f}) {
            assertEquals(
                    0,
                    GptTrainer.distillationLoss(softened(logits, t), floats(logits), t)
                            .getFloat(),
                    1e-6,
                    "T = " + t);
        }
    }

    /** A random model whose distributions are far from uniform, so there is something to distil. */
    private Gpt teacher(GptConfig config) {
        Setup.seed(41);
        Gpt model = new Gpt(config).initialize(nd);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.getShape().dimension() != 2) continue;
            float[] values = w.toFloatArray();
            for (int i = 0; i < values.length; i++) values[i] *= w == model.outputWeights() ? 30 : 10;
            Tensors.overwrite(w, values);
        }
        return model;
    }

    /** T²·KL(teacher ‖ student) on {@code batch}, both models in inference mode (the student has no dropout). */
    private double distillationLoss(Gpt teacher, Gpt student, TokenBatches.Batch batch, float temperature) {
        try (NDManager scope = nd.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray inputs = scope.create(batch.inputs(), new Shape(batch.batchSize(), batch.blockSize()));
            NDArray p = teacher.logits(ps, inputs, false).div(temperature).softmax(-1);
            return GptTrainer.distillationLoss(p, student.logits(ps, inputs, false), temperature)
                    .getFloat();
        }
    }

    private GptTrainer trainer(int steps) {
        Setup.seed(42);
        Gpt student = new Gpt(STUDENT).initialize(nd);
        return new GptTrainer(
                student,
                Arrays.copyOf(tokens, 1000),
                Arrays.copyOfRange(tokens, 1000, 1200),
                new GptTrainer.Config(4, steps, 1e-2f, 1e-3f, 2, 0f, 1f, steps, 1, 5),
                nd);
    }

    @Test
    void distillingMovesTheStudentTowardsTheTeacher() {
        Gpt teacher = teacher(TEACHER);
        float[][] teacherBefore = teacher.getParameters().stream()
                .map(p -> p.getValue().getArray().toFloatArray())
                .toArray(float[][]::new);
        float temperature = 2f;
        try (GptTrainer trainer = trainer(16)) {
            assertTrue(trainer.distillFrom(teacher, temperature) == trainer, "returns the trainer, for chaining");
            // The first step's loss is the distillation loss of the untrained student on the first batch.
            TokenBatches.Batch batch = new TokenBatches(Arrays.copyOf(tokens, 1000), 16, 4).batch(5, 0);
            double before = distillationLoss(teacher, trainer.model(), batch, temperature);
            trainer.train(null);
            double[] losses = trainer.history().steps().stream()
                    .mapToDouble(TrainingHistory.Step::loss)
                    .toArray();
            assertEquals(16, losses.length);
            assertEquals(before, losses[0], 1e-4, "step 0 minimises T²·KL against the teacher");
            double after = distillationLoss(teacher, trainer.model(), batch, temperature);
            assertTrue(
                    after < 0.8 * before, "distillation loss on the first batch fell from " + before + " to " + after);
            double first = Arrays.stream(losses, 0, 3).average().orElseThrow(),
                    last = Arrays.stream(losses, 13, 16).average().orElseThrow();
            assertTrue(last < first, "training losses fell from " + first + " to " + last);
            // Validation stays the cross-entropy on the data.
            assertEquals(1, trainer.history().evaluations().size());
            assertTrue(trainer.history().lastEvaluation().validationLoss() > 0);
        }
        float[][] teacherAfter = teacher.getParameters().stream()
                .map(p -> p.getValue().getArray().toFloatArray())
                .toArray(float[][]::new);
        for (int i = 0; i < teacherBefore.length; i++)
            assertArrayEquals(teacherBefore[i], teacherAfter[i], 0f, "the teacher only runs forward");
    }

    @Test
    void badTeachersAndTemperaturesAreRefused() {
        try (GptTrainer trainer = trainer(10)) {
            Gpt otherVocab = new Gpt(new GptConfig(12, 16, 1, 2, 16, 0f, false)).initialize(nd);
            var vocabulary = assertThrows(IllegalArgumentException.class, () -> trainer.distillFrom(otherVocab, 2f));
            assertTrue(vocabulary.getMessage().contains("same tokenizer"), vocabulary.getMessage());
            assertThrows(IllegalArgumentException.class, () -> trainer.distillFrom(trainer.model(), 2f));
            Gpt shortContext = new Gpt(new GptConfig(11, 8, 1, 2, 16, 0f, false)).initialize(nd);
            assertThrows(IllegalArgumentException.class, () -> trainer.distillFrom(shortContext, 2f));
            Gpt teacher = teacher(TEACHER);
            for (float t : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
                assertThrows(IllegalArgumentException.class, () -> trainer.distillFrom(teacher, t), "T = " + t);
            }
            // A teacher with a longer context than the student's is fine: it reads the student's windows.
            Gpt longer = new Gpt(new GptConfig(11, 32, 1, 2, 16, 0f, false)).initialize(nd);
            trainer.distillFrom(longer, 1f);
            trainer.train(2, null);
            assertEquals(2, trainer.step());
        }
    }
}
