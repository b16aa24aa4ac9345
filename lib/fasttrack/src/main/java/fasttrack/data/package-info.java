/**
 * Small labelled datasets in the plane ({@link fasttrack.data.Dataset2d}: two moons, two circles) that
 * notebook 04's classifiers train on in seconds, with the decision boundary they learn drawn over them.
 */
package fasttrack.data;
