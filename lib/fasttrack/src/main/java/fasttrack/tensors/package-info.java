/**
 * Notebooks 01–02, tensors: an array's bytes from its shape and type ({@link fasttrack.tensors.Tensors}) and
 * NumPy's broadcasting rules written out ({@link fasttrack.tensors.Broadcasting}), checked against the engine.
 */
package fasttrack.tensors;
