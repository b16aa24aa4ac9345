/**
 * Notebook support: XChart figures (lines, scatter, bars, heatmaps and attention maps labelled with
 * tokens) shown inline and saved as PNG or SVG.
 */
package fasttrack.plot;
