/**
 * Notebook 03, linear algebra by hand in plain Java over double arrays: elimination with its steps, LU with
 * pivoting, Gram–Schmidt QR, the SVD and eigenvalues, and pictures of what a matrix does; DJL has no
 * decompositions of its own, so Apache Commons Math is the outside reference the notebook checks them against.
 */
package fasttrack.linalg;
