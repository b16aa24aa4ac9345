/**
 * Notebook 04, automatic differentiation from scratch: the scalar {@link fasttrack.autograd.Value} engine
 * (micrograd's design: a graph of values, backward in topological order) and finite-difference
 * gradient checks that the learner's engine and DJL's are measured against.
 */
package fasttrack.autograd;
