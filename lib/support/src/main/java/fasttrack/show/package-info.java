/**
 * Notebook support: how results show in a notebook. Anything with a {@code mimeBundle()} method renders
 * itself ({@link fasttrack.show.Displayable}); tables with numbers written as an author would
 * ({@link fasttrack.show.TableView}, {@link fasttrack.show.Format}); HTML; and the exact library source
 * of a member ({@link fasttrack.show.Source}), so nothing the learner does not rewrite is a black box.
 */
package fasttrack.show;
