package fasttrack.train;

import fasttrack.plot.Figure;
import fasttrack.plot.Plots;
import fasttrack.show.Format;
import fasttrack.show.TableView;
import fasttrack.show.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a training run did, step by step, and what the evaluations measured. */
public final class TrainingHistory {

    /**
     * One optimisation step; a NaN gradient norm marks a step skipped because its gradients were not
     * finite. {@code seconds} is its wall-clock time (forward, backward, update; evaluations excluded),
     * 0 in checkpoints written before steps were timed.
     */
    public record Step(int step, double loss, float learningRate, double gradNorm, double seconds) {}

    /** One evaluation: mean loss over fixed batches of training and of validation text. */
    public record Evaluation(int step, double trainLoss, double validationLoss) {
        /** e^loss: the number of equally likely tokens the model is as unsure as, on validation text. */
        public double perplexity() {
            return Math.exp(validationLoss);
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<Evaluation> evaluations = new ArrayList<>();

    /** Records a step (trainers in other packages, such as notebook 20's Llama trainer, record theirs too). */
    public void add(Step step) {
        steps.add(step);
    }

    /** Records an evaluation. */
    public void add(Evaluation evaluation) {
        evaluations.add(evaluation);
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    public List<Evaluation> evaluations() {
        return List.copyOf(evaluations);
    }

    /** Steps whose gradients were not finite, so no update was applied. */
    public long skippedSteps() {
        return steps.stream().filter(s -> !Double.isFinite(s.gradNorm())).count();
    }

    /** Wall-clock seconds spent in training steps (evaluations excluded); 0 when the steps were not timed. */
    public double trainingSeconds() {
        return steps.stream().mapToDouble(Step::seconds).sum();
    }

    public Evaluation lastEvaluation() {
        if (evaluations.isEmpty()) throw new IllegalStateException("no evaluation has run yet");
        return evaluations.get(evaluations.size() - 1);
    }

    /**
     * The evaluations as a table: losses to 3 decimals, and for the steps since the previous
     * evaluation the last learning rate and the mean time per step (NaN where the steps were not
     * recorded or not timed).
     */
    public TableView table() {
        double[] learningRates = new double[evaluations.size()], millisPerStep = new double[evaluations.size()];
        for (int i = 0; i < evaluations.size(); i++) {
            int from = i == 0 ? 0 : evaluations.get(i - 1).step(),
                    to = evaluations.get(i).step();
            List<Step> since = steps.stream()
                    .filter(s -> s.step() >= from && s.step() < to)
                    .toList();
            learningRates[i] =
                    since.isEmpty() ? Double.NaN : since.get(since.size() - 1).learningRate();
            millisPerStep[i] = 1000
                    * since.stream()
                            .mapToDouble(Step::seconds)
                            .filter(s -> s > 0)
                            .average()
                            .orElse(Double.NaN);
        }
        return Tables.of("evaluations")
                .column("step", evaluations.stream().mapToInt(Evaluation::step), Format.ID)
                .column("train loss", evaluations.stream().mapToDouble(Evaluation::trainLoss), Format.LOSS)
                .column("validation loss", evaluations.stream().mapToDouble(Evaluation::validationLoss), Format.LOSS)
                .column(
                        "validation perplexity",
                        evaluations.stream().mapToDouble(Evaluation::perplexity),
                        Format.decimals(2))
                .column("learning rate", learningRates, Format.SCIENTIFIC)
                .column("time per step", millisPerStep, Format.MILLIS);
    }

    /** Per-step batch loss (thin; a step skipped for a non-finite loss is left out) with the evaluations' train and validation losses. */
    public Figure plot(String title) {
        List<Step> finite =
                steps.stream().filter(s -> Double.isFinite(s.loss())).toList();
        if (finite.isEmpty())
            throw new IllegalStateException("nothing to plot: no training step with a finite loss has run");
        double[] x = finite.stream().mapToDouble(s -> s.step() + 1).toArray();
        Map<String, double[]> lines = new LinkedHashMap<>();
        lines.put("batch loss", finite.stream().mapToDouble(Step::loss).toArray());
        Figure figure = Plots.line(title, "step", "cross-entropy (nats per token)", x, lines);
        if (!evaluations.isEmpty()) {
            var chart = (org.knowm.xchart.XYChart) figure.chart();
            double[] ex = evaluations.stream().mapToDouble(e -> e.step()).toArray();
            chart.addSeries(
                    "train (eval)",
                    ex,
                    evaluations.stream().mapToDouble(Evaluation::trainLoss).toArray());
            chart.addSeries(
                    "validation (eval)",
                    ex,
                    evaluations.stream().mapToDouble(Evaluation::validationLoss).toArray());
            chart.getStyler().setLegendVisible(true);
        }
        return figure;
    }
}
