/**
 * Evaluating language models, in plain Java over arrays and lists: text overlap with references
 * ({@link fasttrack.eval.Bleu}, {@link fasttrack.eval.Rouge}), classification
 * ({@link fasttrack.eval.Classification}), calibration ({@link fasttrack.eval.Calibration}),
 * uncertainty of a measured mean ({@link fasttrack.eval.Bootstrap}), loss units
 * ({@link fasttrack.eval.LanguageModelLoss}), counting baselines to compare losses with
 * ({@link fasttrack.eval.NgramLanguageModel}), a generation task scored by BLEU and ROUGE
 * ({@link fasttrack.eval.Continuation}) and train/validation contamination
 * ({@link fasttrack.eval.NgramOverlap}). Each class states its formula and source so a notebook can
 * have learners write the metric and check it against this one.
 */
package fasttrack.eval;
