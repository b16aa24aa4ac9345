/**
 * Notebook 18, inside the model: an attention-only transformer with access to every head, the scores that
 * say what a head does (prefix matching, previous token, copying, composition), head and path ablation,
 * and the training run that shows induction heads forming.
 */
package fasttrack.interpret;
